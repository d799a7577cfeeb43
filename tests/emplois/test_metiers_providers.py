"""The providers that fill the métiers pages' registries, each on its own: the catalogue's
trainings for ROME codes (published, with a session to come, once each, soonest first, one
query) and the observatory's ESS employment for NAF divisions (the latest published
millésime, summed over published cells, « secret statistique » when one is hidden)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from formation.metier_trainings import trainings_for_rome
from formation.models import Session, Training
from observatoire.employment_source import ess_employment
from referentiels.models import RomeFiche
from tests.formation.catalogue_factories import SessionFactory, TrainingFactory
from tests.observatoire.helpers import import_and_publish, rows

pytestmark = pytest.mark.django_db


def leading_to(*codes, **values) -> Training:
    training = TrainingFactory(**values)
    training.rome_fiches.set(RomeFiche.objects.filter(code__in=codes))
    return training


def test_the_catalogue_offers_published_trainings_with_a_session_to_come(django_assert_num_queries):
    soon = leading_to("K1302", title="Aide à domicile : les gestes")
    SessionFactory(training=soon, starts_at=timezone.now() + timedelta(days=3))
    SessionFactory(training=soon, starts_at=timezone.now() + timedelta(days=30))
    later = leading_to("K1304", "K1302", title="Entretien du logement")
    SessionFactory(training=later, starts_at=timezone.now() + timedelta(days=10), commune=None)
    past = leading_to("K1302", title="Passée")
    SessionFactory(training=past, starts_at=timezone.now() - timedelta(days=3))
    cancelled = leading_to("K1302", title="Annulée")
    SessionFactory(training=cancelled, status=Session.Status.CANCELLED)
    draft = leading_to("K1302", title="Brouillon", status=Training.Status.DRAFT)
    SessionFactory(training=draft)
    other = leading_to("G1202", title="Animer")
    SessionFactory(training=other)

    with django_assert_num_queries(1):
        found = trainings_for_rome(["K1302", "K1304"], 6)
    assert [item.title for item in found] == ["Aide à domicile : les gestes", "Entretien du logement"]
    assert found[0].url == "/formations/catalogue/aide-a-domicile-les-gestes/" and found[0].place == "Saint-Denis"
    assert found[1].place == "À distance" and found[0].source == "formation"
    assert [item.title for item in trainings_for_rome(["K1302", "K1304"], 1)] == ["Aide à domicile : les gestes"]
    assert trainings_for_rome(["A1101"], 6) == []


def test_the_observatory_gives_nothing_before_a_published_millesime():
    assert ess_employment(["88"]) is None
    import_and_publish(rows(4, naf="88.99B", employees="10"), publish=False)
    assert ess_employment(["88"]) is None


def test_the_observatory_sums_the_published_divisions_with_source_and_year(django_assert_max_num_queries):
    import_and_publish(
        rows(4, naf="88.99B", employees="10")
        + rows(5, start=20, naf="85.59A", employees="12")
        + rows(4, start=40, naf="94.99Z", employees="3")
    )
    ess_employment(["85"])  # the observatory's reference, cached per data version
    with django_assert_max_num_queries(2):
        figure = ess_employment(["85", "88"])
    assert not figure.is_secret and figure.value == "100" and figure.year == 2024
    assert figure.source and "85" in figure.note and "88" in figure.note
    assert figure.link_url == "/observatoire/methode/"
    assert ess_employment(["88"]).value == "40"
    assert ess_employment(["38"]).value == "0", "no establishment: a true zero"


def test_a_hidden_division_makes_the_figure_secret_never_a_number():
    import_and_publish(
        rows(4, naf="88.99B", employees="10")
        + rows(2, start=20, naf="87.10A", employees="30")  # fewer than 3 establishments: secret
        + rows(6, start=40, naf="94.99Z", employees="5")
    )
    secret = ess_employment(["87"])
    assert secret.is_secret and secret.value == "secret statistique" and "60" not in secret.value
    both = ess_employment(["87", "88"])
    assert both.is_secret and both.value == "secret statistique"
