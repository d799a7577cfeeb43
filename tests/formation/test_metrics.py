"""Training's figure in lib.metrics: trainees present at the sessions held in a territory."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from formation.metrics import TRAINEES_PRESENT
from formation.models import Registration
from lib import metrics
from referentiels.models import Territory, TerritoryKind
from tests.formation.documents_helpers import make_registration, make_session

pytestmark = pytest.mark.django_db
Status = Registration.Status


def commune(code):
    return Territory.objects.get(kind=TerritoryKind.COMMUNE, code=code)


def test_the_trainees_present_at_sessions_held_in_a_territory_are_counted(django_assert_num_queries):
    saint_denis = commune("97411")
    in_saint_denis = make_session(commune=saint_denis)
    in_saint_pierre = make_session(commune=commune("97416"))
    online = make_session(commune=None, online_url="https://visio.exemple.re/salle")
    for name in ("Ana", "Bruno", "Chloé"):
        make_registration(in_saint_denis, first_name=name, status=Status.PRESENT)
    make_registration(in_saint_denis, first_name="Dan", status=Status.ABSENT)
    make_registration(in_saint_denis, first_name="Eva", status=Status.CANCELLED)
    make_registration(in_saint_pierre, first_name="Fred", status=Status.PRESENT)
    make_registration(online, first_name="Gil", status=Status.PRESENT)  # held nowhere
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    cinor = Territory.objects.get(kind=TerritoryKind.EPCI, code="249740119")

    with django_assert_num_queries(1):
        assert metrics.value(TRAINEES_PRESENT, saint_denis) == 3
    assert metrics.value(TRAINEES_PRESENT, cinor) == 3
    assert metrics.value(TRAINEES_PRESENT, Territory.objects.get(kind="arrondissement", code="9742")) == 1
    assert metrics.value(TRAINEES_PRESENT, region) == 4
    assert metrics.value(TRAINEES_PRESENT, None) is None


def test_a_session_counts_in_the_period_of_its_first_day():
    session = make_session(commune=commune("97411"), days_ago=10)
    make_registration(session, status=Status.PRESENT)
    first_day = timezone.localdate(session.starts_at)
    assert metrics.value(TRAINEES_PRESENT, commune("97411"), first_day, first_day + timedelta(days=1)) == 1
    assert metrics.value(TRAINEES_PRESENT, commune("97411"), first_day + timedelta(days=1), None) == 0
    assert metrics.value(TRAINEES_PRESENT, commune("97411"), None, first_day) == 0
    assert metrics.value(TRAINEES_PRESENT, commune("97411"), date(2000, 1, 1), date(2001, 1, 1)) == 0


def test_training_registers_its_metric_for_territories():
    assert metrics.get(TRAINEES_PRESENT).scope == metrics.Scope.TERRITORY
