"""The one place that turns the address's parameters (GET) into the open offers that match:
the list and its facets read `OfferFilters`; the saved-search alerts can read it too.

On PostgreSQL the words are searched in the stored `search_vector` (French configuration
`fr` without accents, websearch syntax, GIN index; the métier's ROME label is part of it).
What costs on large match sets follows the directory's rules: the total and the facet
counts are one grouped query, cached per normalised search under the offers' version and
the local day; the relevance order ranks only the newest RANK_CANDIDATES matches. On SQLite
(the zero-setup default of `make run`) the words are searched as substrings.

A value the form does not understand is left out of the search and said so in French:
never an error page.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.contrib.postgres.search import SearchRank
from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Subquery
from django.utils import timezone

from annuaire.services import directory_version
from emplois import cache as offers_cache
from emplois.models import Contract, MetierFamily, Offer, OfferKind
from lib.listing import Facet, ResultPage, SearchFilters, cached_counts
from referentiels.models import EssFamily, RomeDomain, Territory, TerritoryKind

PAGE_SIZE = 20
# Matches ranked for the relevance order: the newest ones. Past this, a common word ranks
# its newest matches only, so the cost of ranking stays bounded whatever the board's size.
RANK_CANDIDATES = 500
SUMMARY_TTL = 600
OPTIONS_TTL = 3600
MAX_QUERY_LENGTH = 200

# The parameters, in the order of a normalised address.
PARAMETERS = ("q", "metier", "metier_ess", "contrat", "nature", "epci", "commune", "famille", "depuis")
# « Published since »: the number of days, and how it reads.
SINCE = {"1": "Depuis 24 heures", "7": "Depuis 7 jours", "30": "Depuis 30 jours"}


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


class OfferFilters(SearchFilters):
    """The offers' search and filters; `OfferFilters(request.GET)`."""

    parameters = PARAMETERS

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
        super().__init__(data)
        self.options = options if options is not None else filter_options()
        self.fields["metier"].choices = _blank("Toutes les familles de métiers", self._pairs("metier"))
        self.fields["metier_ess"].choices = _blank("Tous les métiers de l'ESS", self._pairs("metier_ess"))
        self.fields["epci"].choices = _blank("Toutes les intercommunalités", self._pairs("epci"))
        self.fields["commune"].choices = _blank("Toutes les communes", self._pairs("commune"))

    def _pairs(self, name: str) -> list[tuple[str, str]]:
        return [(value, label) for value, label, _key in self.options[name]]

    # --- The match set -----------------------------------------------------------------------

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


GROUPED = {
    "metier": "rome__domain_id",
    "contrat": "contract",
    "nature": "kind",
    "epci": "commune__parent_id",
    "commune": "commune_id",
    "famille": "organisation__ess_family",
}


def _count_rows(matches: QuerySet, now) -> list[dict]:
    """One query: the matches grouped by every facet's column at once, with the counts of
    the « published since » buckets; each facet is then a sum over these few groups."""
    since = {
        f"since_{days}": Count("pk", filter=Q(published_at__gte=now - timedelta(days=int(days)))) for days in SINCE
    }
    return list(matches.order_by().values(*GROUPED.values()).annotate(n=Count("pk"), **since))


def _family_counts(filters: OfferFilters, now) -> dict[str, int]:
    """The matches of each family of the métiers de l'ESS: one query grouped by ROME fiche
    (a fiche may belong to several families, so they are not part of the grouping above)."""
    families = filters.options["metier_ess_fiches"]
    if not families:
        return {}
    by_fiche = dict(filters.matches(now).order_by().values_list("rome_id").annotate(n=Count("pk")))
    return {slug: sum(by_fiche.get(pk, 0) for pk in fiches) for slug, fiches in families.items()}


def summary(filters: OfferFilters, now=None) -> dict:
    """The total and the facet counts of a selection; cached per normalised selection."""
    now = now or timezone.now()
    key = (
        f"emplois:summary:{offers_cache.current_version()}:{directory_version()}:"
        f"{timezone.localdate(now).isoformat()}:{filters.selection_key()}"
    )

    def count() -> dict:
        counts = {name: {} for name in (*GROUPED, "depuis", "metier_ess")}
        total = 0
        for row in _count_rows(filters.matches(now), now):
            total += row["n"]
            for name, column in GROUPED.items():
                value = row[column]
                if value not in (None, ""):
                    counts[name][value] = counts[name].get(value, 0) + row["n"]
            for days in SINCE:
                counts["depuis"][days] = counts["depuis"].get(days, 0) + row[f"since_{days}"]
        counts["metier_ess"] = _family_counts(filters, now) if total else {}
        result = {"total": total, **counts}
        return result

    return cached_counts(key, count, SUMMARY_TTL)


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


def search_offers(filters: OfferFilters, *, page: int = 1, now=None) -> SearchResult:
    """The page of open offers of a search: newest first, the most relevant first for words.
    Three queries on a cold cache (the summary's two, the page), one when the summary is cached."""
    now = now or timezone.now()
    counts = summary(filters, now)
    total = counts["total"]
    query = filters.text_query()
    ranked = query is not None
    browsable = min(total, RANK_CANDIDATES) if ranked else total
    num_pages = max(1, math.ceil(browsable / PAGE_SIZE))
    number = min(page, num_pages)
    offset = (number - 1) * PAGE_SIZE
    matches = filters.matches(now)
    if total == 0:
        offers = []
    elif ranked:
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
