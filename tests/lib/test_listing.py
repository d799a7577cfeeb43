"""lib.listing, what the public lists share, on real offers (the job board is its largest
user): many facets counted in one statement with « since » buckets and a page of ids, the
same counts by the grouping SQLite falls back on, facets built from counts, the words'
filter and the counts of groups of keys."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from emplois.models import Contract, Offer
from lib import listing
from lib.listing import SearchFilters, SinceBuckets, counted_facets, grouped_counts, keyed, summed_by_group
from tests.emplois.factories import make_offer

pytestmark = pytest.mark.django_db

GROUPED = {"contract": "contract", "commune": "commune_id"}


@pytest.fixture
def offers():
    return [
        make_offer("Aide à domicile", published_ago=timedelta(hours=2)),
        make_offer("Animateur", contract=Contract.CDD, published_ago=timedelta(days=3)),
        make_offer("Médiateur", contract=Contract.CDD, commune_code="97415", published_ago=timedelta(days=20)),
        make_offer("Webmestre", commune_code=None, remote="total", published_ago=timedelta(days=40)),
    ]


def since(now) -> SinceBuckets:
    bounds = {days: now - timedelta(days=int(days)) for days in ("1", "7", "30")}
    return SinceBuckets(param="depuis", column="published_at", bounds=bounds)


def test_many_facets_are_counted_in_one_query(offers):
    now = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        counts = grouped_counts(Offer.objects.all(), GROUPED, buckets=since(now))
    assert len(queries) == 1
    saint_denis, saint_paul = offers[0].commune_id, offers[2].commune_id
    assert counts == {
        "total": 4,
        "contract": {Contract.CDI: 2, Contract.CDD: 2},
        "commune": {saint_denis: 2, saint_paul: 1},  # an offer without a commune counts in none
        "depuis": {"1": 1, "7": 2, "30": 3},
    }


def test_the_grouping_sqlite_falls_back_on_counts_the_same(offers):
    now = timezone.now()
    matches = Offer.objects.exclude(title="Animateur")
    assert listing._summed_counts(matches, GROUPED, since(now)) == grouped_counts(matches, GROUPED, buckets=since(now))


def test_a_page_of_ids_comes_from_the_same_statement(offers):
    def oldest_first(_matches):
        return "page.id", "(SELECT id, published_at FROM matches ORDER BY published_at, id LIMIT 2) page", []

    with CaptureQueriesContext(connection) as queries:
        counts = grouped_counts(Offer.objects.all(), GROUPED, buckets=since(timezone.now()), page=oldest_first)
    assert len(queries) == 1
    assert counts["total"] == 4 and counts["depuis"] == {"1": 1, "7": 2, "30": 3}
    assert counts["page"] == [offers[3].pk, offers[2].pk]


def test_facets_show_what_matches_and_what_is_selected():
    counts = {"contrat": {"cdi": 3}, "depuis": {}}
    choices = {"contrat": keyed([("cdi", "CDI"), ("cdd", "CDD"), ("stage", "Stage")]), "depuis": keyed([("7", "7 j")])}
    contract, since_facet = counted_facets(
        (("contrat", "Contrat"), ("depuis", "Publiée")), choices, counts, {"contrat": "stage"}
    )
    assert contract.label == "Contrat"
    assert [(o["value"], o["count"], o["selected"]) for o in contract.options] == [
        ("cdi", 3, False),
        ("stage", 0, True),
    ]
    assert since_facet.options == []


def test_groups_of_keys_are_counted_by_their_sum():
    assert summed_by_group({1: 2, 2: 5, 3: 1}, {"soin": [1, 2], "animation": [2, 9], "vide": []}) == {
        "soin": 7,
        "animation": 5,
        "vide": 0,
    }


class Words(SearchFilters):
    parameters = ("q",)
    q = listing.words_field("Mots-clés")


def test_the_words_filter_finds_accentless_plurals_and_leaves_no_words_alone(offers):
    assert set(Words({"q": "animateurs"}).with_words(Offer.objects.all(), ("title",))) == {offers[1]}
    assert Words({}).with_words(Offer.objects.all(), ("title",)).count() == 4
