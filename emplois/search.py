"""The one place that turns the address's parameters (GET) into the open offers that match:
the list and its facets read `OfferFilters` (a lib.listing.SearchFilters, as the resource
centre's); the saved-search alerts read the same parameters (emplois.alert_matching).

On PostgreSQL the words are searched in the stored `search_vector` (French configuration
`fr` without accents, websearch syntax, GIN index; the métier's ROME label is part of it).
What costs on large match sets follows the directory's rules: the total and the facet
counts are one grouped query (GROUPING SETS, lib.listing.grouped_counts), cached per normalised search under the offers'
version, the directory's and the local day; the relevance order ranks only the newest
RANK_CANDIDATES matches. The list caches its rendered results under the same stamp
(`results_key`, emplois.views_public). Figures: bench/emplois_search.py, bench/README.md. On SQLite
(the zero-setup default of `make run`) the words are searched as substrings.

A value the form does not understand is left out of the search and said so in French:
never an error page.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.postgres.search import SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import F, QuerySet, Subquery
from django.utils import timezone

from annuaire.services import directory_version
from emplois import cache as offers_cache
from emplois.models import Contract, MetierFamily, Offer, OfferKind
from lib.listing import (
    Facet,
    ResultPage,
    SearchFilters,
    SinceBuckets,
    choice_filter,
    counted_facets,
    grouped_counts,
    keyed,
    summed_by_group,
    words_field,
)
from referentiels.models import EssFamily, RomeDomain, Territory, TerritoryKind

PAGE_SIZE = 20
# Matches ranked for the relevance order: the newest ones. Past this, a common word ranks
# its newest matches only, so the cost of ranking stays bounded whatever the board's size.
RANK_CANDIDATES = 500
SUMMARY_TTL = 600
OPTIONS_TTL = 3600

# The parameters, in the order of a normalised address.
PARAMETERS = ("q", "metier", "metier_ess", "contrat", "nature", "epci", "commune", "famille", "depuis")
# « Published since »: the number of days, and how it reads.
SINCE = {"1": "Depuis 24 heures", "7": "Depuis 7 jours", "30": "Depuis 30 jours"}
# The filters whose options come from the référentiels (filter_options): what « no filter » reads.
LOOKED_UP = {
    "metier": "Toutes les familles de métiers",
    "metier_ess": "Tous les métiers de l'ESS",
    "epci": "Toutes les intercommunalités",
    "commune": "Toutes les communes",
}


def open_offers(today=None) -> QuerySet[Offer]:
    """The offers the public sees in the list: published, and still open on the local day
    (an offer whose closing date is today is open until the end of the day, Réunion time)."""
    today = today or timezone.localdate()
    return Offer.objects.filter(status=Offer.Status.PUBLISHED, closes_on__gte=today)


# --- The options of the filters (reference lists, cached) --------------------------------------


def filter_options() -> dict:
    """Every value the métier and territory filters accept, with its label and key (4 queries,
    cached under the version of the métiers de l'ESS: staff may change a family's fiches)."""
    key = f"emplois:options:{offers_cache.metiers_version()}"
    options = cache.get(key)
    if options is None:
        territories = Territory.objects.filter(kind__in=[TerritoryKind.COMMUNE, TerritoryKind.EPCI]).order_by("name")
        families = MetierFamily.objects.filter(is_published=True).prefetch_related("rome_fiches").order_by("name")
        families = list(families)
        options = {
            "metier": [(domain.code, domain.label, domain.pk) for domain in RomeDomain.objects.order_by("code")],
            "metier_ess": [(family.slug, family.name, family.slug) for family in families],
            # The ROME fiches of each family of the métiers de l'ESS, by slug.
            "metier_ess_fiches": {family.slug: sorted(f.pk for f in family.rome_fiches.all()) for family in families},
            "commune": [(t.code, t.name, t.pk) for t in territories if t.kind == TerritoryKind.COMMUNE],
            "epci": [(t.slug, t.short_name or t.name, t.pk) for t in territories if t.kind == TerritoryKind.EPCI],
        }
        cache.set(key, options, OPTIONS_TTL)
    return options


class OfferFilters(SearchFilters):
    """The offers' search and filters; `OfferFilters(request.GET)`."""

    parameters = PARAMETERS

    q = words_field("Métier, mot-clé, structure")
    metier = choice_filter(
        "Famille de métiers", message="Cette famille de métiers n'existe pas : choisissez-en une dans la liste."
    )
    metier_ess = choice_filter(
        "Métier de l'ESS", message="Ce métier de l'ESS n'existe pas : choisissez-en un dans la liste."
    )
    contrat = choice_filter(
        "Contrat", blank="Tous les contrats", choices=Contract.choices,
        message="Ce contrat n'existe pas : choisissez-en un dans la liste.",
    )  # fmt: skip
    nature = choice_filter(
        "Emploi ou bénévolat", blank="Emplois et bénévolat", choices=OfferKind.choices,
        message="Choisissez « Emploi » ou « Mission bénévole ».",
    )  # fmt: skip
    epci = choice_filter(
        "Intercommunalité", message="Cette intercommunalité n'est pas à La Réunion : choisissez-en une."
    )
    commune = choice_filter(
        "Commune", message="Cette commune n'est pas à La Réunion : choisissez-en une dans la liste."
    )
    famille = choice_filter(
        "Famille de l'ESS de la structure", blank="Toutes les familles", choices=EssFamily.choices,
        message="Cette famille de l'ESS n'existe pas : choisissez-en une dans la liste.",
    )  # fmt: skip
    depuis = choice_filter(
        "Publiée", blank="Peu importe", choices=SINCE.items(),
        message="Choisissez depuis 24 heures, 7 jours ou 30 jours.",
    )  # fmt: skip

    def __init__(self, data=None, *, options: dict | None = None):
        super().__init__(data)
        self.options = options if options is not None else filter_options()
        for name, blank in LOOKED_UP.items():
            self.fields[name].choices = [("", blank), *((value, label) for value, label, _key in self.options[name])]

    def key_of(self, name: str) -> object:
        """The key (a primary key) of the value given for a filter looked up in the référentiels."""
        value = self.understood[name]
        return next(key for option, _label, key in self.options[name] if option == value)

    # --- The match set -----------------------------------------------------------------------

    def matches(self, now=None) -> QuerySet[Offer]:
        """The open offers that meet every criterion understood."""
        now = now or timezone.now()
        given = self.understood
        offers = open_offers(timezone.localdate(now))
        if "metier" in given:
            offers = offers.filter(rome__domain_id=self.key_of("metier"))
        if "metier_ess" in given:
            offers = offers.filter(rome_id__in=self.options["metier_ess_fiches"][given["metier_ess"]])
        if "contrat" in given:
            offers = offers.filter(contract=given["contrat"])
        if "nature" in given:
            offers = offers.filter(kind=given["nature"])
        if "epci" in given:
            offers = offers.filter(commune__parent_id=self.key_of("epci"))
        if "commune" in given:
            offers = offers.filter(commune_id=self.key_of("commune"))
        if "famille" in given:
            offers = offers.filter(organisation__ess_family=given["famille"])
        if "depuis" in given:
            offers = offers.filter(published_at__gte=now - timedelta(days=int(given["depuis"])))
        return self.with_words(offers, ("title", "rome__label", "organisation__name", "description"))

    def describe(self) -> str:
        """The search in a French sentence (for an alert's label or the page's heading)."""
        given = self.understood
        labels = {name: dict(self.fields[name].choices) for name in PARAMETERS if name != "q"}
        parts = [f"« {given['q']} »"] if "q" in given else []
        parts += [str(labels[name][given[name]]) for name in PARAMETERS if name != "q" and name in given]
        return ", ".join(parts) if parts else "toutes les offres"


# --- Counts -------------------------------------------------------------------------------------


GROUPED = {
    "metier": "rome__domain_id",
    "contrat": "contract",
    "nature": "kind",
    "epci": "commune__parent_id",
    "commune": "commune_id",
    "famille": "organisation__ess_family",
    # Not a facet of its own: the counts of the métiers de l'ESS are sums of these.
    "rome": "rome_id",
}


def published_since(now) -> SinceBuckets:
    """The « published since » facet: the offers published in the last day, 7 days, 30 days."""
    return SinceBuckets(
        param="depuis", column="published_at", bounds={days: now - timedelta(days=int(days)) for days in SINCE}
    )


def ranked_page(query, offset: int):
    """For lib.listing.grouped_counts: the ids of a page of the relevance order among the
    newest RANK_CANDIDATES matches (as search_offers ranks them). The words' vectors are read
    for the candidates only (by primary key): kept in the matches, they made « insertion »'s
    8 321 rows spill to disk."""

    def page(matches: QuerySet) -> tuple[str, str, list]:
        rank_sql, rank_params = query.resolve_expression(matches.query).as_sql(
            matches.query.get_compiler(connection=connection), connection
        )
        table = Offer._meta.db_table
        page_from = (
            f"(SELECT id, published_at FROM matches "  # noqa: S608
            f"ORDER BY published_at DESC, id DESC LIMIT {RANK_CANDIDATES}) candidates "
            f"JOIN {table} ON {table}.id = candidates.id "
            f"ORDER BY ts_rank({table}.search_vector, {rank_sql}) DESC, candidates.published_at DESC, "
            f"candidates.id DESC OFFSET {int(offset)} LIMIT {PAGE_SIZE}"
        )
        return "candidates.id", page_from, list(rank_params)

    return page


def cache_stamp(now) -> str:
    """What a cached search is valid for: the offers' version, the directory's (the names of
    the organisations) and the local day (an offer leaves the list after its closing day)."""
    return f"{offers_cache.current_version()}:{directory_version()}:{timezone.localdate(now).isoformat()}"


def results_key(filters: OfferFilters, page: int, now=None) -> str:
    """The cache key of a search's rendered facets and page of results."""
    return f"emplois:resultats:{cache_stamp(now or timezone.now())}:{filters.selection_key()}:{page}"


def summary_key(filters: OfferFilters, now) -> str:
    return f"emplois:summary:{cache_stamp(now)}:{filters.selection_key()}"


def counted(filters: OfferFilters, now, page_at: tuple | None = None) -> dict:
    """The total and the facet counts of a selection, from the database (one query: GROUPING
    SETS, lib.listing.grouped_counts; grouping the matches by every facet's column at once
    returned up to one row per combination, 6 221 rows for the 20 000 offers of
    bench/emplois_search.py, and summing them in Python cost as much as the query).

    `page_at` (PostgreSQL only: the words' query and the offset): the same statement also
    gives the ids of that page of the relevance order (under "page"), so that the matches are
    found once for the counts and the page (a search never seen before paid two GIN scans, or
    a walk by date testing the words on each row, before). Not for filters alone: their page
    is a walk of the date index, cheaper apart than sorting every match.
    bench/README.md, « The cold path, second pass »."""
    page = ranked_page(*page_at) if page_at is not None else None
    result = grouped_counts(filters.matches(now), GROUPED, buckets=published_since(now), page=page)
    # The métiers de l'ESS from the counts by ROME fiche (a fiche may be in several families).
    result["metier_ess"] = summed_by_group(result.pop("rome"), filters.options["metier_ess_fiches"])
    return result


def counted_with_page(filters: OfferFilters, now, page: int) -> dict:
    """The counts of a selection (as `counted`) and, for words on PostgreSQL, from the same
    statement, the ids of the page `page` (if it exists: search_offers asks again for a page
    past the end); for search_offers(counts=…). Keep only the counts: `without_page`."""
    query = filters.text_query()
    if query is None:  # filters alone, or SQLite
        return counted(filters, now)
    result = counted(filters, now, (query, (page - 1) * PAGE_SIZE))
    result["page_number"] = page
    return result


def without_page(counts: dict) -> dict:
    return {name: value for name, value in counts.items() if name not in ("page", "page_number")}


def summary(filters: OfferFilters, now=None) -> dict:
    """The total and the facet counts of a selection; cached per normalised selection."""
    now = now or timezone.now()
    key = summary_key(filters, now)
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = counted(filters, now)
    cache.set(key, result, SUMMARY_TTL)
    return result


FACETS = (
    ("nature", "Emploi ou bénévolat"),
    ("metier", "Famille de métiers"),
    ("metier_ess", "Métier de l'ESS"),
    ("contrat", "Contrat"),
    ("epci", "Intercommunalité"),
    ("commune", "Commune"),
    ("famille", "Famille de l'ESS"),
    ("depuis", "Publiée"),
)


def build_facets(filters: OfferFilters, counts: dict) -> list[Facet]:
    """Each facet's options that match something (or are selected), with their counts."""
    choices = {
        "metier": filters.options["metier"],
        "metier_ess": filters.options["metier_ess"],
        "epci": filters.options["epci"],
        "commune": filters.options["commune"],
        "contrat": keyed(Contract.choices),
        "nature": keyed(OfferKind.choices),
        "famille": keyed(EssFamily.choices),
        "depuis": keyed(SINCE.items()),
    }
    return counted_facets(FACETS, choices, counts, filters.understood)


# --- The page -----------------------------------------------------------------------------------


@dataclass
class SearchResult:
    filters: OfferFilters
    page: ResultPage
    facets: list[Facet]
    ranked: bool
    ranking_capped: bool


def card_fields(offers: QuerySet) -> QuerySet:
    """What a list shows of an offer: no long text, the organisation, commune and métier joined."""
    return offers.select_related("organisation", "commune", "rome__domain").defer(
        "description", "profile", "search_vector", "refusal_reason", "organisation__description"
    )


def search_offers(filters: OfferFilters, *, page: int = 1, now=None, counts: dict | None = None) -> SearchResult:
    """The page of open offers of a search: newest first, the most relevant first for words.
    Two queries on a cold cache (the summary, the page), one when the summary is cached or
    given (`counts`, read by the caller with its other cache entries)."""
    now = now or timezone.now()
    query = filters.text_query()
    page_ids = None
    if counts is None:
        counts = summary(filters, now)
    elif "page" in counts:  # counted with the page asked (counted_with_page): one query for both
        counts = dict(counts)
        page_ids, asked = counts.pop("page"), counts.pop("page_number")
    total = counts["total"]
    ranked = query is not None
    browsable = min(total, RANK_CANDIDATES) if ranked else total
    num_pages = max(1, math.ceil(browsable / PAGE_SIZE))
    number = min(page, num_pages)
    offset = (number - 1) * PAGE_SIZE
    matches = filters.matches(now)
    if total == 0:
        offers = []
    elif page_ids is not None and asked == number:
        found = {offer.pk: offer for offer in card_fields(Offer.objects.filter(pk__in=page_ids))}
        offers = [found[pk] for pk in page_ids]
    elif ranked:
        if total <= RANK_CANDIDATES:
            # Every match is a candidate: no newest-first limit, which would lead PostgreSQL to
            # walk the offers by date testing the words on each (70 ms for a rare word among
            # 20 000 offers) instead of asking the GIN index for the few that have them.
            candidates = matches.order_by().values("pk")
        else:
            candidates = matches.order_by("-published_at", "-pk").values("pk")[:RANK_CANDIDATES]
        ordered = (
            Offer.objects.filter(pk__in=Subquery(candidates))
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-published_at", "-pk")
        )
        offers = list(card_fields(ordered)[offset : offset + PAGE_SIZE])
    else:
        offers = list(card_fields(matches).order_by("-published_at", "-pk")[offset : offset + PAGE_SIZE])
    return SearchResult(
        filters=filters,
        page=ResultPage(items=offers, number=number, num_pages=num_pages, total=total),
        facets=build_facets(filters, counts),
        ranked=ranked,
        ranking_capped=ranked and total > RANK_CANDIDATES,
    )
