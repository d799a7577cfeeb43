"""The directory's figure in lib.metrics: published ESS organisations of a territory (a stock)."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from annuaire.metrics import ESS_ORGANISATIONS
from annuaire.models import Organisation
from lib import metrics
from referentiels.models import Territory, TerritoryKind
from tests.annuaire.factories import OrganisationFactory, commune

pytestmark = pytest.mark.django_db


def test_the_published_ess_organisations_of_a_territory_are_counted(django_assert_num_queries):
    saint_denis, saint_pierre = commune("97411"), commune("97416")
    OrganisationFactory.create_batch(3, commune=saint_denis)
    OrganisationFactory(commune=saint_pierre)
    OrganisationFactory(commune=saint_denis, is_published=False)  # not in the directory's public list
    OrganisationFactory(commune=saint_denis, is_ess_actor=False)  # a funder, say: not an ESS actor
    OrganisationFactory(commune=None)  # located nowhere: in no territory
    cinor = Territory.objects.get(kind=TerritoryKind.EPCI, code="249740119")
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    west = Territory.objects.get(kind=TerritoryKind.ARRONDISSEMENT, code="9742")

    with django_assert_num_queries(1):
        assert metrics.value(ESS_ORGANISATIONS, saint_denis) == 3
    assert metrics.value(ESS_ORGANISATIONS, cinor) == 3
    assert metrics.value(ESS_ORGANISATIONS, west) == 1
    assert metrics.value(ESS_ORGANISATIONS, region) == 4
    assert metrics.value(ESS_ORGANISATIONS, commune("97402")) == 0
    assert metrics.value(ESS_ORGANISATIONS, None) is None


def test_a_period_counts_those_recorded_before_its_end():
    saint_denis = commune("97411")
    old, new = OrganisationFactory.create_batch(2, commune=saint_denis)
    Organisation.objects.filter(pk=old.pk).update(
        created_at=timezone.make_aware(datetime.combine(date(2025, 6, 1), time(10)))
    )
    Organisation.objects.filter(pk=new.pk).update(
        created_at=timezone.make_aware(datetime.combine(date(2026, 1, 1), time(0, 30)))  # 2026 in Réunion
    )
    assert metrics.value(ESS_ORGANISATIONS, saint_denis, date(2025, 1, 1), date(2026, 1, 1)) == 1
    assert metrics.value(ESS_ORGANISATIONS, saint_denis, date(2026, 1, 1), date(2027, 1, 1)) == 2


def test_the_directory_registers_its_metric_for_territories():
    metric = metrics.get(ESS_ORGANISATIONS)
    assert metric.scope == metrics.Scope.TERRITORY and metric.unit == "structures"
