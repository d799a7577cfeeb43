"""What a job alert's saved search means, and which new offers match many alerts at once.

The saved search is the querystring of the offers' list (`/emplois/?q=…&contrat=…`), read
here by a strict parser of its own: unknown parameters (the page, the order, « published
since »…) are left out, a value it does not understand is refused with a French message. The
same search is always written the same way (`SavedSearch.querystring`), so that alerts with
the same search share their matching.

Matching is done in batches, never one query per alert: the new offers are loaded once per
sweep with the facts the filters read (`load_new_offers`), each batch of alerts is matched in
memory against them, and the keywords of the whole batch are tried against those offers in
ONE query (`text_matches`, PostgreSQL's full-text search on the offers' stored vector, the
`fr` configuration of the list; a plain substring search on SQLite).
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone

from emplois.models import Contract, MetierFamily, Offer, OfferKind
from lib.listing import MAX_WORDS_LENGTH
from lib.text import normalise_text
from referentiels.models import EssFamily, RomeDomain, Territory, TerritoryKind

# The filters, in the order of a normalised querystring, and the list's parameter of each
# (emplois.search: « metier » is the ROME grand domaine, « epci » the EPCI's slug); each may be
# repeated (« contrat=cdi&contrat=cdd » is CDI or CDD), except the keywords « q ».
LIST_PARAMETERS = ("kind", "contract", "domain", "metier", "commune", "epci", "family")
URL_NAMES = {
    "kind": "nature",
    "contract": "contrat",
    "domain": "metier",
    "metier": "metier_ess",
    "commune": "commune",
    "epci": "epci",
    "family": "famille",
}
FILTERS = {url_name: name for name, url_name in URL_NAMES.items()}
MAX_KEYWORDS = MAX_WORDS_LENGTH  # as the list's words
MAX_VALUES = 20
MAX_QUERYSTRING = 1000
PATTERNS = {
    "domain": re.compile(r"[A-N]"),
    "metier": re.compile(r"[a-z0-9-]{1,80}"),
    "commune": re.compile(r"97[0-9]{3}"),
    "epci": re.compile(r"[a-z0-9-]{1,60}"),
}
CHOICES = {"kind": dict(OfferKind.choices), "contract": dict(Contract.choices), "family": dict(EssFamily.choices)}
MESSAGES = {
    "kind": "La nature d'offre « {value} » n'existe pas : « emploi » ou « benevolat ».",
    "contract": "Le contrat « {value} » n'existe pas : choisissez-en un dans la liste.",
    "domain": "Le domaine de métiers « {value} » n'existe pas : une lettre du ROME, de A à N.",
    "metier": "Le métier de l'ESS « {value} » n'existe pas : choisissez-en un dans la liste.",
    "commune": "La commune « {value} » n'existe pas : son code INSEE s'écrit avec 5 chiffres (974xx).",
    "epci": "L'intercommunalité « {value} » n'existe pas : choisissez-en une dans la liste.",
    "family": "La famille de l'ESS « {value} » n'existe pas : choisissez-en une dans la liste.",
}
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Criteria:
    """The filters of one saved search; an empty set leaves that filter open."""

    q: str = ""
    kind: frozenset = frozenset()
    contract: frozenset = frozenset()
    domain: frozenset = frozenset()
    metier: frozenset = frozenset()  # the families of the métiers de l'ESS, by slug
    commune: frozenset = frozenset()
    epci: frozenset = frozenset()
    family: frozenset = frozenset()

    def querystring(self) -> str:
        pairs = [("q", self.q)] if self.q else []
        for name in LIST_PARAMETERS:
            pairs.extend((URL_NAMES[name], value) for value in sorted(getattr(self, name)))
        return urlencode(pairs)


@dataclass(frozen=True)
class SavedSearch:
    querystring: str  # normalised: the same search is written the same way
    label: str  # the search in French words
    errors: tuple[str, ...] = field(default=())  # what was refused, in French
    criteria: Criteria = field(default_factory=Criteria)


def parse_query(querystring: str) -> tuple[Criteria, list[str]]:
    """The criteria of a querystring and the French messages of what was refused. Reads no
    database: codes are checked by their form only (see `read_search`)."""
    errors: list[str] = []
    if len(querystring) > MAX_QUERYSTRING:
        return Criteria(), ["Cette recherche est trop longue pour être enregistrée : retirez des critères."]
    values: dict[str, set[str]] = defaultdict(set)
    keywords = ""
    for url_name, raw in parse_qsl(querystring, keep_blank_values=True):
        name = "q" if url_name == "q" else FILTERS.get(url_name)
        if name is None:
            continue  # the page, « depuis » (published since)…: not part of an alert
        value = raw.strip()
        if name == "q":
            if CONTROL.search(value):
                errors.append("Les mots-clés contiennent des caractères non valables.")
                continue
            value = " ".join(value.split())
            if len(value) > MAX_KEYWORDS:
                errors.append(f"Les mots-clés tiennent en {MAX_KEYWORDS} caractères au plus.")
                continue
            keywords = value
            continue
        if not value:
            continue  # « Tous » in the form's select sends an empty value
        if name == "domain":
            value = value.upper()
        valid = value in CHOICES[name] if name in CHOICES else bool(PATTERNS[name].fullmatch(value))
        if not valid:
            errors.append(MESSAGES[name].format(value=value[:40]))
            continue
        values[name].add(value)
        if len(values[name]) > MAX_VALUES:
            errors.append(f"Pas plus de {MAX_VALUES} choix par critère.")
            values[name].clear()
    criteria = Criteria(q=keywords, **{name: frozenset(chosen) for name, chosen in values.items()})
    return criteria, list(dict.fromkeys(errors))


def read_search(querystring: str) -> SavedSearch:
    """The search a querystring asks for: normalised, in words, with its errors (a commune,
    an EPCI, a métier or a domain unknown to the référentiels is refused)."""
    criteria, errors = parse_query(querystring)
    names = _names(criteria)
    for name in ("domain", "metier", "commune", "epci"):
        errors.extend(
            MESSAGES[name].format(value=code) for code in sorted(getattr(criteria, name) - names[name].keys())
        )
    if errors:
        return SavedSearch(querystring="", label="", errors=tuple(errors), criteria=criteria)
    return SavedSearch(querystring=criteria.querystring(), label=describe(criteria, names), criteria=criteria)


def _names(criteria: Criteria) -> dict[str, dict[str, str]]:
    """The labels of the codes a search names, from the référentiels (a query only for a
    kind of code the search holds)."""
    names = {"domain": {}, "metier": {}, "commune": {}, "epci": {}}
    if criteria.domain:
        names["domain"] = dict(RomeDomain.objects.filter(code__in=criteria.domain).values_list("code", "label"))
    if criteria.metier:
        families = MetierFamily.objects.filter(is_published=True, slug__in=criteria.metier)
        names["metier"] = dict(families.values_list("slug", "name"))
    if criteria.commune:
        communes = Territory.objects.filter(kind=TerritoryKind.COMMUNE, code__in=criteria.commune)
        names["commune"] = dict(communes.values_list("code", "name"))
    if criteria.epci:
        epcis = Territory.objects.filter(kind=TerritoryKind.EPCI, slug__in=criteria.epci)
        rows = epcis.values_list("slug", "short_name", "name")
        names["epci"] = {slug: short_name or name for slug, short_name, name in rows}
    return names


def _either(labels: Iterable[str]) -> str:
    labels = sorted(labels)
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " ou " + labels[-1]


def describe(criteria: Criteria, names: dict[str, dict[str, str]]) -> str:
    """« Offres « animateur » : CDI ou CDD, à Saint-Denis » — the search in French words."""
    parts = []
    if criteria.kind:
        parts.append(_either({"emploi": "emplois", "benevolat": "missions bénévoles"}[k] for k in criteria.kind))
    if criteria.contract:
        parts.append(_either(CHOICES["contract"][value] for value in criteria.contract))
    if criteria.domain:
        parts.append("domaine " + _either(names["domain"][code] for code in criteria.domain))
    if criteria.metier:
        parts.append("métier " + _either(names["metier"][slug].lower() for slug in criteria.metier))
    places = [names["commune"][code] for code in criteria.commune] + [names["epci"][code] for code in criteria.epci]
    if places:
        parts.append("à " + _either(places))
    if criteria.family:
        parts.append("structure : " + _either(CHOICES["family"][value].lower() for value in criteria.family))
    if not parts:
        return f"Offres « {criteria.q} »" if criteria.q else "Toutes les offres"
    head = f"Offres « {criteria.q} »" if criteria.q else "Offres"
    return f"{head} : {', '.join(parts)}"


# --- Matching in batches ------------------------------------------------------------------------


@dataclass(frozen=True)
class NewOffer:
    """What the filters read of an offer, loaded once per sweep."""

    offer: Offer
    kind: str
    contract: str
    domain: str
    metier: frozenset  # the slugs of the families of the métiers de l'ESS of its ROME fiche
    commune: str
    epci: str
    family: str


def load_new_offers(*, since, now) -> list[NewOffer]:
    """The offers published in (since, now] and still open, oldest first: two queries (the
    offers, the families of the métiers de l'ESS of their fiches)."""
    offers = (
        Offer.objects.filter(
            status=Offer.Status.PUBLISHED,
            published_at__gt=since,
            published_at__lte=now,
            closes_on__gte=timezone.localdate(now),
        )
        .select_related("organisation", "rome__domain", "commune__parent")
        .prefetch_related(Prefetch("rome__metier_families", queryset=MetierFamily.objects.only("slug", "is_published")))
        .order_by("published_at", "pk")
    )
    return [
        NewOffer(
            offer=offer,
            kind=offer.kind,
            contract=offer.contract,
            domain=offer.rome.domain.code,
            metier=frozenset(family.slug for family in offer.rome.metier_families.all() if family.is_published),
            commune=offer.commune.code if offer.commune else "",
            epci=_epci_code(offer.commune),
            family=offer.organisation.ess_family,
        )
        for offer in offers
    ]


def _epci_code(commune: Territory | None) -> str:
    if commune is None or commune.parent is None or commune.parent.kind != TerritoryKind.EPCI:
        return ""
    return commune.parent.slug


def text_matches(texts: Iterable[str], offers: list[NewOffer]) -> dict[str, set[int]]:
    """For each keywords, the ids of the offers among `offers` that they find: ONE query for
    all of them (PostgreSQL), as the list's search does (websearch syntax, `fr` without
    accents, on the stored vector; each text parsed once). No query without keywords."""
    texts = sorted(set(texts) - {""})
    found: dict[str, set[int]] = {text: set() for text in texts}
    if not texts or not offers:
        return found
    ids = [new.offer.pk for new in offers]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.q, o.id FROM (SELECT q, websearch_to_tsquery('fr', q) AS query "
                "FROM unnest(%s::text[]) AS q) AS t JOIN emplois_offer o "
                "ON o.id = ANY(%s) AND o.search_vector @@ t.query",
                [texts, ids],
            )
            for text, offer_id in cursor.fetchall():
                found[text].add(offer_id)
        return found
    # SQLite (the zero-setup default): every word, without accents, in the offer's text.
    haystacks = {
        new.offer.pk: normalise_text(
            " ".join((new.offer.title, new.offer.rome.label, new.offer.organisation.name, new.offer.description))
        )
        for new in offers
    }
    for text in texts:
        words = normalise_text(text).split()
        found[text] = {pk for pk, haystack in haystacks.items() if all(word in haystack for word in words)}
    return found


class OfferIndex:
    """The new offers indexed by each filter's value, to match many searches by set
    intersections rather than by walking every offer for every alert."""

    def __init__(self, offers: list[NewOffer]):
        self.offers = {new.offer.pk: new for new in offers}
        self.order = {pk: position for position, pk in enumerate(self.offers)}
        # What each keywords found among these offers: a later batch asks only for new keywords.
        self.found_by_text: dict[str, set[int]] = {}
        self.all = frozenset(self.offers)
        self.by: dict[str, dict[str, set[int]]] = {name: defaultdict(set) for name in LIST_PARAMETERS}
        for new in offers:
            for name in LIST_PARAMETERS:
                value = getattr(new, name)
                for one in value if isinstance(value, frozenset) else (value,) if value else ():
                    self.by[name][one].add(new.offer.pk)

    def matching(self, criteria: Criteria, found_by_text: dict[str, set[int]]) -> set[int]:
        """The ids of the offers meeting every filter of `criteria` (the place: its communes
        or its EPCIs)."""
        result = set(self.all)
        for name in ("kind", "contract", "domain", "metier", "family"):
            chosen = getattr(criteria, name)
            if chosen:
                result &= set().union(*(self.by[name].get(value, ()) for value in chosen))
        if criteria.commune or criteria.epci:
            places = set().union(
                *(self.by["commune"].get(code, ()) for code in criteria.commune),
                *(self.by["epci"].get(code, ()) for code in criteria.epci),
            )
            result &= places
        if criteria.q:
            result &= found_by_text.get(criteria.q, set())
        return result


def match_batch(alerts: list[tuple[int, str]], index: OfferIndex) -> dict[int, list[int]]:
    """For each (alert id, saved querystring) of a batch, the ids of the new offers matching
    its search. At most ONE query for the whole batch (its keywords not met in an earlier
    batch); alerts with the same search share the work."""
    criteria_by_query = {query: parse_query(query)[0] for query in {query for _pk, query in alerts}}
    texts = {criteria.q for criteria in criteria_by_query.values()} - index.found_by_text.keys()
    index.found_by_text.update(text_matches(texts, list(index.offers.values())))
    found = index.found_by_text
    # In the order the offers were published (the index's), shared by the alerts of a search.
    ids_by_query = {
        query: sorted(index.matching(criteria, found), key=index.order.__getitem__)
        for query, criteria in criteria_by_query.items()
    }
    return {alert_id: ids_by_query[query] for alert_id, query in alerts}
