"""The registry of figures (lib.metrics): its contract with a fake metric, then every metric
the apps registered, each on a subject of its scope."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lib import metrics
from referentiels.models import Territory, TerritoryKind
from tests.annuaire.factories import OrganisationFactory

FAKE = "essai.visites"


@pytest.fixture
def fake_metric():
    calls = []

    def compute(subject, start, end):
        calls.append((subject, start, end))
        return 7

    metrics.register(metrics.Metric(key=FAKE, label="Aaa visites de test", scope=metrics.Scope.ORGANISATION,
                                    compute=compute, unit="visites"))  # fmt: skip
    yield calls
    metrics.unregister(FAKE)


def test_a_registered_metric_is_found_offered_and_computed_with_its_arguments(fake_metric):
    assert metrics.get(FAKE).label == "Aaa visites de test"
    offered = metrics.choices(metrics.Scope.ORGANISATION)
    assert offered[0] == (FAKE, "Aaa visites de test")  # sorted by label
    assert [label for _key, label in offered] == sorted(label for _key, label in offered)
    assert FAKE not in dict(metrics.choices(metrics.Scope.TERRITORY))
    assert FAKE in dict(metrics.choices())  # every scope

    assert metrics.value(FAKE, 12, date(2026, 1, 1), date(2027, 1, 1)) == 7
    assert metrics.value(FAKE) == 7
    assert fake_metric == [(12, date(2026, 1, 1), date(2027, 1, 1)), (None, None, None)]


def test_registering_a_key_again_replaces_it_and_an_unknown_key_has_no_value(fake_metric):
    metrics.register(metrics.Metric(key=FAKE, label="Visites", scope=metrics.Scope.REGION, compute=lambda *a: 3))
    assert metrics.value(FAKE) == 3 and fake_metric == []
    assert dict(metrics.choices(metrics.Scope.REGION))[FAKE] == "Visites"
    metrics.unregister(FAKE)
    assert metrics.get(FAKE) is None and metrics.value(FAKE, 12) is None
    metrics.unregister(FAKE)  # twice: nothing to do


def test_the_period_filter_bounds_local_days():
    lookups = metrics.period_filter("created_at", date(2026, 1, 1), date(2027, 1, 1))
    start, end = lookups["created_at__gte"], lookups["created_at__lt"]
    assert timezone.localtime(start) == timezone.make_aware(datetime(2026, 1, 1))
    assert start.utcoffset().total_seconds() == 4 * 3600  # Réunion, UTC+4
    assert timezone.localtime(end).date() == date(2027, 1, 1)
    assert metrics.period_filter("created_at", None, None) == {}
    assert list(metrics.period_filter("created_at", None, date(2026, 1, 1))) == ["created_at__lt"]


@pytest.mark.django_db
def test_every_registered_metric_counts_its_subject_in_a_few_queries_and_returns_an_int():
    """The contract the followers rely on: an int (never a queryset, never names), for a
    subject of the metric's scope, in a bounded number of queries, with or without a period."""
    assert {"accueil.orientations_envoyees", "accueil.demandes", "annuaire.structures_ess",
            "formation.stagiaires_presents"} <= set(dict(metrics.choices()))  # fmt: skip
    subjects = {
        metrics.Scope.ORGANISATION: OrganisationFactory().pk,
        metrics.Scope.TERRITORY: Territory.objects.get(kind=TerritoryKind.EPCI, code="249740119"),
        metrics.Scope.REGION: None,
    }
    for key, _label in metrics.choices():
        metric = metrics.get(key)
        for period in [(None, None), (date(2026, 1, 1), date(2027, 1, 1))]:
            with CaptureQueriesContext(connection) as queries:
                value = metrics.value(key, subjects[metric.scope], *period)
            assert isinstance(value, int) and value >= 0, key
            assert len(queries.captured_queries) <= 2, key
