"""The intake's figures in lib.metrics: orientations sent to a structure, requests of a
territory. Counts by the local day ([start, end) in Réunion's time), one query, no names."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from accueil.metrics import ORIENTATIONS_SENT, REQUESTS
from accueil.models import IntakeRequest, Orientation
from accueil.orientation import orient
from accueil.services import transition_request
from lib import metrics
from referentiels.models import Territory, TerritoryKind
from tests.accueil.factories import make_request
from tests.annuaire.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

YEAR_2026 = (date(2026, 1, 1), date(2027, 1, 1))


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A moment of a day in Réunion's time."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def territory(kind, code):
    return Territory.objects.get(kind=kind, code=code)


def sent_to(organisation, *, on: datetime, n: int = 1) -> list[Orientation]:
    made = []
    for _ in range(n):
        intake, _token = make_request(email=f"porteur{Orientation.objects.count()}@exemple.re")
        transition_request(intake=intake, target="qualification")
        (orientation,) = orient(intake=intake, organisations=[organisation], by=None)
        Orientation.objects.filter(pk=orientation.pk).update(created_at=on)
        made.append(orientation)
    return made


def test_the_orientations_sent_to_a_structure_are_counted_by_their_local_day(django_assert_num_queries):
    cma = OrganisationFactory(name="Chambre de métiers", email="cma@exemple.re")
    other = OrganisationFactory(name="Incubateur", email="incubateur@exemple.re")
    sent_to(cma, on=at(date(2026, 1, 1), 0, 30))  # 31 December in UTC: still 2026 in Réunion
    sent_to(cma, on=at(date(2026, 6, 15)), n=2)
    sent_to(cma, on=at(date(2026, 12, 31), 23, 50))
    sent_to(cma, on=at(date(2027, 1, 1), 0, 0))  # the first minute of the next year: not 2026
    sent_to(cma, on=at(date(2025, 12, 31), 23, 59))
    sent_to(other, on=at(date(2026, 6, 15)))
    # Proposed but never sent: not an orientation sent.
    intake, _token = make_request(email="propose@exemple.re")
    Orientation.objects.filter(pk=Orientation.objects.create(request=intake, organisation=cma).pk).update(
        created_at=at(date(2026, 3, 1))
    )

    with django_assert_num_queries(1):
        assert metrics.value(ORIENTATIONS_SENT, cma.pk, *YEAR_2026) == 4
    assert metrics.value(ORIENTATIONS_SENT, other.pk, *YEAR_2026) == 1
    assert metrics.value(ORIENTATIONS_SENT, cma.pk, date(2026, 6, 15), date(2026, 6, 16)) == 2
    assert metrics.value(ORIENTATIONS_SENT, cma.pk) == 6  # open period: every one sent
    assert metrics.value(ORIENTATIONS_SENT, cma.pk, None, date(2026, 1, 1)) == 1
    assert metrics.value(ORIENTATIONS_SENT, OrganisationFactory().pk, *YEAR_2026) == 0
    assert metrics.value(ORIENTATIONS_SENT, None, *YEAR_2026) is None


def test_the_requests_of_a_territory_are_those_whose_project_is_there():
    saint_denis, saint_pierre = territory("commune", "97411"), territory("commune", "97416")
    for n, (commune, day) in enumerate(
        [(saint_denis, date(2026, 2, 1)), (saint_denis, date(2026, 3, 1)), (saint_pierre, date(2026, 3, 1)),
         (saint_pierre, date(2025, 3, 1))]
    ):  # fmt: skip
        # Where the holder lives does not matter: where the project will be does.
        intake, _token = make_request(email=f"p{n}@exemple.re", commune=saint_pierre, activity_commune=commune)
        IntakeRequest.objects.filter(pk=intake.pk).update(created_at=at(day))
    duplicate, _token = make_request(email="double@exemple.re", activity_commune=saint_denis)
    transition_request(intake=duplicate, target=IntakeRequest.Status.DUPLICATE)
    IntakeRequest.objects.filter(pk=duplicate.pk).update(created_at=at(date(2026, 2, 2)))

    expected = {
        saint_denis: 2,
        saint_pierre: 1,
        territory(TerritoryKind.EPCI, "249740119"): 2,  # CINOR: Saint-Denis
        territory(TerritoryKind.EPCI, "249740077"): 1,  # CIVIS: Saint-Pierre
        territory(TerritoryKind.ARRONDISSEMENT, "9742"): 1,  # Saint-Pierre
        territory(TerritoryKind.REGION, "04"): 3,
        territory("commune", "97402"): 0,
    }
    for place, count in expected.items():
        assert metrics.value(REQUESTS, place, *YEAR_2026) == count, place
    assert metrics.value(REQUESTS, territory(TerritoryKind.REGION, "04")) == 4
    assert metrics.value(REQUESTS, None, *YEAR_2026) is None


def test_the_intake_registers_its_metrics_with_their_scope():
    assert metrics.get(ORIENTATIONS_SENT).scope == metrics.Scope.ORGANISATION
    assert metrics.get(REQUESTS).scope == metrics.Scope.TERRITORY
    assert (ORIENTATIONS_SENT, "Orientations envoyées vers la structure") in metrics.choices(metrics.Scope.ORGANISATION)
    assert REQUESTS not in dict(metrics.choices(metrics.Scope.ORGANISATION))
