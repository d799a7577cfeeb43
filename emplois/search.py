"""The one place that turns the address's parameters (GET) into the open offers that match:
the list and its facets read `OfferFilters`; the saved-search alerts can read it too.

On PostgreSQL the words are searched in the stored `search_vector` (French configuration
`fr` without accents, websearch syntax, GIN index; the métier's ROME label is part of it).
What costs on large match sets follows the directory's rules: the total and the facet
counts are one grouped query (GROUPING SETS), cached per normalised search under the offers'
version, the directory's and the local day; the relevance order ranks only the newest
RANK_CANDIDATES matches. The list caches its rendered results under the same stamp
(`results_key`, emplois.views_public). Figures: bench/emplois_search.py, bench/README.md. On SQLite
(the zero-setup default of `make run`) the words are searched as substrings.

A value the form does not understand is left out of the search and said so in French:
never an error page.
"""

import hashlib
import math
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Subquery
from django.utils import timezone

from annuaire.services import directory_version
from emplois import cache as offers_cache
from emplois.models import Contract, MetierFamily, Offer, OfferKind
from lib.listing import ResultPage
from referentiels.models import EssFamily, RomeDomain, Territory, TerritoryKind

PAGE_SIZE = 20
# Matches ranked for the relevance order: the newest ones. Past this, a common word ranks
# its newest matches only, so the cost of ranking stays bounded whatever the board's size.
RANK_CANDIDATES = 500
SUMMARY_TTL = 600
OPTIONS_TTL = 3600
MAX_QUERY_LENGTH = 200
MAX_PAGE = 10_000

# The parameters, in the order of a normalised address.
PARAMETERS = ("q", "metier", "metier_ess", "contrat", "nature", "epci", "commune", "famille", "depuis")
# « Published since »: the number of days, and how it reads.
SINCE = {"1": "Depuis 24 heures", "7": "Depuis 7 jours", "30": "Depuis 30 jours"}


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


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


def _ids(options: dict, name: str) -> dict:
    return {value: pk for value, _label, pk in options[name]}


def _blank(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


class OfferFilters(forms.Form):
    """The offers' search and filters; `OfferFilters(request.GET)`."""

    q = forms.CharField(
        label="Métier, mot-clé, structure",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": "Les mots-clés tiennent en 200 caractères au plus."},
    )
    metier = forms.ChoiceField(
        label="Famille de métiers",
        required=False,
        error_messages={"invalid_choice": "Cette famille de métiers n'existe pas : choisissez-en une dans la liste."},
    )
    metier_ess = forms.ChoiceField(
        label="Métier de l'ESS",
        required=False,
        error_messages={"invalid_choice": "Ce métier de l'ESS n'existe pas : choisissez-en un dans la liste."},
    )
    contrat = forms.ChoiceField(
        label="Contrat",
        required=False,
        choices=_blank("Tous les contrats", Contract.choices),
        error_messages={"invalid_choice": "Ce contrat n'existe pas : choisissez-en un dans la liste."},
    )
    nature = forms.ChoiceField(
        label="Emploi ou bénévolat",
        required=False,
        choices=_blank("Emplois et bénévolat", OfferKind.choices),
        error_messages={"invalid_choice": "Choisissez « Emploi » ou « Mission bénévole »."},
    )
    epci = forms.ChoiceField(
        label="Intercommunalité",
        required=False,
        error_messages={"invalid_choice": "Cette intercommunalité n'est pas à La Réunion : choisissez-en une."},
    )
    commune = forms.ChoiceField(
        label="Commune",
        required=False,
        error_messages={"invalid_choice": "Cette commune n'est pas à La Réunion : choisissez-en une dans la liste."},
    )
    famille = forms.ChoiceField(
        label="Famille de l'ESS de la structure",
        required=False,
        choices=_blank("Toutes les familles", EssFamily.choices),
        error_messages={"invalid_choice": "Cette famille de l'ESS n'existe pas : choisissez-en une dans la liste."},
    )
    depuis = forms.ChoiceField(
        label="Publiée",
        required=False,
        choices=_blank("Peu importe", SINCE.items()),
        error_messages={"invalid_choice": "Choisissez depuis 24 heures, 7 jours ou 30 jours."},
    )

    def __init__(self, data=None, *, options: dict | None = None):
        # A form always bound: an empty address is the search of everything.
        super().__init__(data if data is not None else {})
        self.options = options if options is not None else filter_options()
        self.fields["metier"].choices = _blank("Toutes les familles de métiers", self._pairs("metier"))
        self.fields["metier_ess"].choices = _blank("Tous les métiers de l'ESS", self._pairs("metier_ess"))
        self.fields["epci"].choices = _blank("Toutes les intercommunalités", self._pairs("epci"))
        self.fields["commune"].choices = _blank("Toutes les communes", self._pairs("commune"))
        self._understood = None

    def _pairs(self, name: str) -> list[tuple[str, str]]:
        return [(value, label) for value, label, _key in self.options[name]]

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].replace("\x00", "").split())

    @property
    def understood(self) -> dict[str, str]:
        """The parameters understood, by name (those with an error are left out)."""
        if self._understood is None:
            self.is_valid()
            self._understood = {name: value for name, value in self.cleaned_data.items() if value}
        return self._understood

    def error_messages(self) -> list[str]:
        """What was not understood, in French, for the page to say."""
        self.is_valid()
        return [
            f"{self.fields[name].label} : {message}" for name, messages in self.errors.items() for message in messages
        ]

    def normalised(self) -> dict[str, str]:
        """The parameters understood, in the order of PARAMETERS."""
        return {name: self.understood[name] for name in PARAMETERS if name in self.understood}

    def querystring(self) -> str:
        """The normalised query (without « ? »): same search, same text."""
        return urlencode(self.normalised())

    def selection_key(self) -> str:
        """What the match set depends on, normalised (the words folded as the search folds them)."""
        raw = repr(sorted(self.normalised().items()))
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    # --- The match set -----------------------------------------------------------------------

    def text_query(self) -> SearchQuery | None:
        text = self.understood.get("q", "")
        if not text or not is_postgres():
            return None
        return SearchQuery(text, search_type="websearch", config="fr")

    def matches(self, now=None) -> QuerySet[Offer]:
        """The open offers that meet every criterion understood."""
        now = now or timezone.now()
        given = self.understood
        offers = open_offers(timezone.localdate(now))
        if "metier" in given:
            offers = offers.filter(rome__domain_id=_ids(self.options, "metier")[given["metier"]])
        if "metier_ess" in given:
            offers = offers.filter(rome_id__in=self.options["metier_ess_fiches"][given["metier_ess"]])
        if "contrat" in given:
            offers = offers.filter(contract=given["contrat"])
        if "nature" in given:
            offers = offers.filter(kind=given["nature"])
        if "epci" in given:
            offers = offers.filter(commune__parent_id=_ids(self.options, "epci")[given["epci"]])
        if "commune" in given:
            offers = offers.filter(commune_id=_ids(self.options, "commune")[given["commune"]])
        if "famille" in given:
            offers = offers.filter(organisation__ess_family=given["famille"])
        if "depuis" in given:
            offers = offers.filter(published_at__gte=now - timedelta(days=int(given["depuis"])))
        text = given.get("q", "")
        if text:
            query = self.text_query()
            if query is not None:
                offers = offers.filter(search_vector=query)
            else:
                for word in text.split():
                    offers = offers.filter(
                        Q(title__icontains=word)
                        | Q(rome__label__icontains=word)
                        | Q(organisation__name__icontains=word)
                        | Q(description__icontains=word)
                    )
        return offers

    def describe(self) -> str:
        """The search in a French sentence (for an alert's label or the page's heading)."""
        given = self.understood
        labels = {name: dict(self.fields[name].choices) for name in PARAMETERS if name != "q"}
        parts = [f"« {given['q']} »"] if "q" in given else []
        parts += [str(labels[name][given[name]]) for name in PARAMETERS if name != "q" and name in given]
        return ", ".join(parts) if parts else "toutes les offres"


# --- Counts -------------------------------------------------------------------------------------


@dataclass
class Facet:
    param: str
    label: str
    options: list[dict] = field(default_factory=list)  # value, label, count, selected


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


def _facet_counts(matches: QuerySet, now, page_at: tuple | None = None) -> dict:
    """One query: the matches counted by each facet's value (GROUPING SETS, one set per facet,
    so one row per value of a facet, never one per combination of values), with the total and
    the « published since » buckets in the row of the empty set. Grouping the matches by every
    facet's column at once returned up to one row per combination (6 221 rows for the 20 000
    offers of bench/emplois_search.py), and summing them in Python cost as much as the query.

    `page_at` (PostgreSQL only: the words' query and the offset): the same statement also
    gives the ids of that page of the relevance order (under "page"), so that the matches are
    found once for the counts and the page (a search never seen before paid two GIN scans, or
    a walk by date testing the words on each row, before). Not for filters alone: their page
    is a walk of the date index, cheaper apart than sorting every match.
    bench/README.md, « The cold path, second pass »."""
    if not is_postgres():
        return _summed_counts(matches, now)
    named = {f"facet_{name}": F(column) for name, column in GROUPED.items()}
    columns = list(named)
    inner = matches.order_by().annotate(**named).values(*columns, "published_at", "id")
    inner_sql, inner_params = inner.query.sql_with_params()
    since = ", ".join("count(*) FILTER (WHERE published_at >= %s)" for _days in SINCE)
    sets = ", ".join(f"({column})" for column in columns)
    params = [now - timedelta(days=int(days)) for days in SINCE]
    # `inner_sql` is Django's own compiled query, its parameters apart; the names are ours.
    counts_sql = (
        f"SELECT GROUPING({', '.join(columns)}), {', '.join(columns)}, count(*), {since}"  # noqa: S608
        f"{', NULL' if page_at is not None else ''} FROM {{matches}} GROUP BY GROUPING SETS ((), {sets})"
    )
    if page_at is None:
        sql = counts_sql.format(matches=f"({inner_sql}) matches")
        params += list(inner_params)
    else:
        query, offset = page_at
        blanks = ", ".join(["NULL"] * (len(columns) + 2 + len(SINCE)))
        # The relevance order among the newest RANK_CANDIDATES matches (search_offers).
        rank_sql, rank_params = query.resolve_expression(matches.query).as_sql(
            matches.query.get_compiler(connection=connection), connection
        )
        # The words' vectors are read for the candidates only (by primary key): kept in the
        # matches, they made « insertion »'s 8 321 rows spill to disk.
        table = Offer._meta.db_table
        page_sql = (
            f"SELECT {blanks}, candidates.id FROM (SELECT id, published_at FROM matches "  # noqa: S608
            f"ORDER BY published_at DESC, id DESC LIMIT {RANK_CANDIDATES}) candidates "
            f"JOIN {table} ON {table}.id = candidates.id "
            f"ORDER BY ts_rank({table}.search_vector, {rank_sql}) DESC, candidates.published_at DESC, "
            f"candidates.id DESC OFFSET {int(offset)} LIMIT {PAGE_SIZE}"
        )
        sql = (
            f"WITH matches AS MATERIALIZED ({inner_sql}) "
            f"({counts_sql.format(matches='matches')}) UNION ALL ({page_sql})"
        )
        params = list(inner_params) + params + list(rank_params)
    counts = {name: {} for name in (*GROUPED, "depuis")}
    total = 0
    page_ids = []
    everything = (1 << len(columns)) - 1  # GROUPING(...) of the empty set: every column left out
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            grouping, values = row[0], row[1 : len(columns) + 1]
            if grouping is None:  # a row of the page
                page_ids.append(row[-1])
                continue
            count, since_counts = row[len(columns) + 1], row[len(columns) + 2 : len(columns) + 2 + len(SINCE)]
            if grouping == everything:
                total = count
                counts["depuis"] = {days: n for days, n in zip(SINCE, since_counts, strict=True) if n}
                continue
            for index, name in enumerate(GROUPED):
                if grouping == everything - (1 << (len(columns) - 1 - index)):
                    if values[index] not in (None, ""):
                        counts[name][values[index]] = count
                    break
    result = {"total": total, **counts}
    if page_at is not None:
        result["page"] = page_ids
    return result


def _summed_counts(matches: QuerySet, now) -> dict:
    """The same counts on SQLite (no GROUPING SETS): the matches grouped by every facet's
    column at once, each facet then a sum over these groups."""
    since = {
        f"since_{days}": Count("pk", filter=Q(published_at__gte=now - timedelta(days=int(days)))) for days in SINCE
    }
    counts = {name: {} for name in (*GROUPED, "depuis")}
    total = 0
    for row in matches.order_by().values(*GROUPED.values()).annotate(n=Count("pk"), **since):
        total += row["n"]
        for name, column in GROUPED.items():
            if row[column] not in (None, ""):
                counts[name][row[column]] = counts[name].get(row[column], 0) + row["n"]
        for days in SINCE:
            if row[f"since_{days}"]:
                counts["depuis"][days] = counts["depuis"].get(days, 0) + row[f"since_{days}"]
    return {"total": total, **counts}


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
    """The total and the facet counts of a selection, from the database (one query); with
    `page_at`, the ids of that page too, under "page" (_facet_counts)."""
    result = _facet_counts(filters.matches(now), now, page_at)
    # The métiers de l'ESS from the counts by ROME fiche (a fiche may be in several families).
    by_fiche = result.pop("rome")
    families = filters.options["metier_ess_fiches"]
    result["metier_ess"] = {slug: sum(by_fiche.get(pk, 0) for pk in fiches) for slug, fiches in families.items()}
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
    given = filters.understood
    choices = {
        "metier": filters.options["metier"],
        "metier_ess": filters.options["metier_ess"],
        "epci": filters.options["epci"],
        "commune": filters.options["commune"],
        "contrat": [(value, label, value) for value, label in Contract.choices],
        "nature": [(value, label, value) for value, label in OfferKind.choices],
        "famille": [(value, label, value) for value, label in EssFamily.choices],
        "depuis": [(value, label, value) for value, label in SINCE.items()],
    }
    facets = []
    for name, label in FACETS:
        facet = Facet(param=name, label=label)
        for value, option_label, key in choices[name]:
            count = counts[name].get(key, 0)
            selected = given.get(name) == value
            if count or selected:
                facet.options.append({"value": value, "label": option_label, "count": count, "selected": selected})
        facets.append(facet)
    return facets


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


def page_number(value) -> int:
    try:
        number = int(str(value or "1").strip())
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


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
