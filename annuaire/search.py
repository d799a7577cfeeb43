"""Reading the directory: full-text search, filters, facet counts, sorting, paging.

On PostgreSQL the search uses the stored `search_vector` (a French configuration with
unaccent, maintained by a trigger, GIN index) with `websearch_to_tsquery`, and typo
tolerance from trigram similarity against the small lexicon of name words. What costs
on large match sets is done once per normalised query and cached under the directory
version: the total, the facet counts and the corrected query. Ranking is computed
only over a capped set of candidates. On SQLite the search falls back to substrings.
"""

import hashlib
import math
from dataclasses import asdict, dataclass, field, replace

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, ExpressionWrapper, F, FloatField, Q, QuerySet, Subquery, Value

from annuaire.models import ROLE_FIELDS, Category, Label, Organisation, Role, SearchWord
from annuaire.services import directory_version
from lib.text import normalise_text
from referentiels.models import EssFamily, NafSection, Territory, TerritoryKind

PAGE_SIZE = 20
# Matches ranked for the relevance order. Past this, a common word ranks an arbitrary
# subset of its matches: the cost of ranking stays bounded whatever the directory size.
RANK_CANDIDATES = 500
SUMMARY_TTL = 600
MIN_SIMILARITY = 0.45


class Sort:
    RELEVANCE = "pertinence"
    NAME = "nom"
    DISTANCE = "distance"
    CHOICES = [(RELEVANCE, "Pertinence"), (NAME, "Nom"), (DISTANCE, "Distance")]


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    commune: str = ""  # INSEE code
    epci: str = ""  # slug
    family: str = ""
    sector: str = ""  # NAF section code
    category: str = ""  # slug
    role: str = ""
    label: str = ""  # slug
    sort: str = Sort.RELEVANCE
    near: str = ""  # INSEE code of the commune to measure distances from
    page: int = 1

    def selection_key(self) -> str:
        """What the match set depends on (not the order nor the page), normalised."""
        data = asdict(self)
        data["q"] = normalise_text(self.q)
        for unrelated in ("sort", "near", "page"):
            data.pop(unrelated)
        raw = "|".join(f"{key}={value}" for key, value in sorted(data.items()))
        return hashlib.sha256(raw.encode()).hexdigest()[:32]


@dataclass
class Facet:
    param: str
    label: str
    options: list[dict] = field(default_factory=list)  # value, label, count, selected


@dataclass
class DirectoryPage:
    filters: DirectoryFilters
    organisations: list
    total: int
    page: int
    page_count: int
    facets: list[Facet]
    corrected_query: str = ""
    near_commune: Territory | None = None
    ranking_capped: bool = False

    @property
    def has_previous(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.page_count


def _words(text: str) -> list[str]:
    cleaned = "".join(ch if ch.isalnum() else " " for ch in normalise_text(text))
    return [word for word in cleaned.split() if len(word) >= 3]


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- Options of the filters (reference lists, cached) -----------------------------------


def filter_options() -> dict:
    """Every value each filter accepts, with its label; cached, they rarely change."""
    key = f"annuaire:options:{directory_version()}"
    options = cache.get(key)
    if options is None:
        territories = Territory.objects.filter(kind__in=[TerritoryKind.COMMUNE, TerritoryKind.EPCI]).order_by("name")
        options = {
            "commune": [(t.code, t.name, t.pk) for t in territories if t.kind == TerritoryKind.COMMUNE],
            "epci": [(t.slug, t.short_name or t.name, t.pk) for t in territories if t.kind == TerritoryKind.EPCI],
            "family": [(value, label, value) for value, label in EssFamily.choices],
            "sector": [(s.code, s.label, s.pk) for s in NafSection.objects.order_by("code")],
            "category": [(c.slug, c.name, c.pk) for c in Category.objects.all()],
            "role": [(value, label, value) for value, label in Role.choices],
            "label": [(label.slug, label.name, label.pk) for label in Label.objects.all()],
            "commune_points": {
                t.code: (t.latitude, t.longitude) for t in territories if t.kind == TerritoryKind.COMMUNE
            },
        }
        cache.set(key, options, 3600)
    return options


def _ids(options: dict, name: str) -> dict:
    return {value: pk for value, _label, pk in options[name]}


# --- Building the match set -----------------------------------------------------------


def apply_filters(queryset: QuerySet, filters: DirectoryFilters, options: dict) -> QuerySet:
    if filters.commune:
        queryset = queryset.filter(commune_id=_ids(options, "commune")[filters.commune])
    if filters.epci:
        queryset = queryset.filter(epci_id=_ids(options, "epci")[filters.epci])
    if filters.family:
        queryset = queryset.filter(ess_family=filters.family)
    if filters.sector:
        queryset = queryset.filter(sector_id=_ids(options, "sector")[filters.sector])
    if filters.role:
        queryset = queryset.filter(**{ROLE_FIELDS[Role(filters.role)]: True})
    if filters.category:
        queryset = queryset.filter(categories=_ids(options, "category")[filters.category])
    if filters.label:
        queryset = queryset.filter(labels=_ids(options, "label")[filters.label])
    return queryset


def correct_query(q: str) -> str:
    """The query with each word unknown to the name lexicon replaced by its closest word.

    Returns "" when nothing was corrected. One lexicon query for the known words, and
    one trigram query (GIN index on a small table) per unknown word.
    """
    words = _words(q)
    if not words or not is_postgres():
        return ""
    known = set(SearchWord.objects.filter(word__in=words).values_list("word", flat=True))
    corrected, changed = [], False
    for word in words:
        replacement = word
        if word not in known and len(word) >= 4 and not word.isdigit():
            candidates = (
                SearchWord.objects.filter(word__trigram_similar=word)
                .annotate(similarity=TrigramSimilarity("word", word))
                .filter(similarity__gte=MIN_SIMILARITY)
                .order_by("-similarity", "word")
                .values_list("word", flat=True)[:3]
            )
            # The lexicon is rebuilt weekly: it may still hold words of withdrawn
            # organisations, which must not show up as a suggestion.
            best = next((c for c in candidates if _published_word(c)), None)
            if best:
                replacement, changed = best, True
        corrected.append(replacement)
    return " ".join(corrected) if changed else ""


def _published_word(word: str) -> bool:
    return Organisation.objects.filter(
        is_published=True, search_vector=SearchQuery(word, search_type="plain", config="fr")
    ).exists()


def text_query(q: str, corrected: str):
    query = SearchQuery(q, search_type="websearch", config="fr")
    if corrected:
        query |= SearchQuery(corrected, search_type="websearch", config="fr")
    return query


def match_set(filters: DirectoryFilters, options: dict, corrected: str) -> tuple[QuerySet, object]:
    queryset = apply_filters(Organisation.objects.filter(is_published=True), filters, options)
    if not filters.q.strip():
        return queryset, None
    if is_postgres():
        query = text_query(filters.q, corrected)
        return queryset.filter(search_vector=query), query
    for word in filters.q.split():
        queryset = queryset.filter(
            Q(name__icontains=word) | Q(acronym__icontains=word) | Q(description__icontains=word)
        )
    return queryset, None


# --- Counts ---------------------------------------------------------------------------------

# The facet keys of the directory tables (migration annuaire 0010): « commune:<pk> »,
# « epci:<pk> », « famille:<value> », « secteur:<pk> », « role:<value> », « thematique:<pk> »,
# « label:<pk> »; the total is « * ».
KEY_PREFIXES = {
    "commune": "commune",
    "epci": "epci",
    "family": "famille",
    "sector": "secteur",
    "role": "role",
    "category": "thematique",
    "label": "label",
}
FACET_NAMES = {prefix: name for name, prefix in KEY_PREFIXES.items()}

MAINTAINED_COUNTS_SQL = "SELECT facet_key, n FROM annuaire_directorycount WHERE filter_key = %s AND n > 0"

# All facets and the total in one pass over the narrow entries. The entries' lexemes have
# no positions, so a phrase (« "économie solidaire" », « porte-à-porte ») is matched there
# as its words together, then checked against the organisation's full search vector.
SINGLE_SCAN_COUNTS_SQL = """
WITH q AS (
  SELECT tsq, tsq::text LIKE '%%<%%' AS phrase,
         regexp_replace(tsq::text, '<(-|[0-9]+)>', '&', 'g')::tsquery AS loose
  FROM (SELECT {tsquery} AS tsq) t
)
SELECT k, count(*) FROM (
  SELECT unnest(array_prepend('*', e.keys)) AS k
  FROM annuaire_directoryentry e
  WHERE e.keys @> %s::text[] {text_condition}
) s GROUP BY k
"""
TEXT_CONDITION = """
    AND e.lexemes @@ (SELECT loose FROM q)
    AND ((SELECT NOT phrase FROM q) OR EXISTS (
      SELECT 1 FROM annuaire_organisation o
      WHERE o.id = e.organisation_id AND o.search_vector @@ (SELECT tsq FROM q)))
"""


def filter_keys(filters: DirectoryFilters, options: dict) -> list[str]:
    """The facet keys a selection requires (its filters, not its text)."""
    keys = []
    for name, prefix in KEY_PREFIXES.items():
        value = getattr(filters, name)
        if value:
            identifier = value if name in ("family", "role") else _ids(options, name)[value]
            keys.append(f"{prefix}:{identifier}")
    return keys


def _counts_from_keys(rows) -> dict:
    counts = {"total": 0, **{name: {} for name in KEY_PREFIXES}}
    for key, n in rows:
        if key == "*":
            counts["total"] = n
            continue
        prefix, _sep, identifier = key.partition(":")
        name = FACET_NAMES[prefix]
        counts[name][identifier if name in ("family", "role") else int(identifier)] = n
    return counts


def _facet_counts(filters: DirectoryFilters, options: dict, corrected: str) -> dict:
    """Total and facet counts of a selection, in one query (PostgreSQL).

    With no text and at most one filter, the counts kept by the database are read; else
    one pass over the narrow entries of the matching organisations counts every facet.
    """
    keys = filter_keys(filters, options)
    text = filters.q.strip()
    with connection.cursor() as cursor:
        if not text and len(keys) <= 1:
            cursor.execute(MAINTAINED_COUNTS_SQL, [keys[0] if keys else ""])
        else:
            params = []
            tsquery = "NULL::tsquery"
            if text:
                tsquery = "websearch_to_tsquery('fr', %s)"
                params.append(text)
                if corrected:
                    tsquery = f"({tsquery} || websearch_to_tsquery('fr', %s))"
                    params.append(corrected)
            sql = SINGLE_SCAN_COUNTS_SQL.format(tsquery=tsquery, text_condition=TEXT_CONDITION if text else "")
            cursor.execute(sql, [*params, keys])
        return _counts_from_keys(cursor.fetchall())


def _facet_counts_without_postgresql(matches: QuerySet) -> dict:
    """The same counts with the ORM, for SQLite (the zero-setup default of `make run`)."""
    role_counts = matches.aggregate(
        total=Count("id"), **{role.value: Count("id", filter=Q(**{field: True})) for role, field in ROLE_FIELDS.items()}
    )
    total = role_counts.pop("total")
    counts = {"total": total, "role": role_counts}
    grouped = {
        "commune": "commune_id",
        "epci": "epci_id",
        "family": "ess_family",
        "sector": "sector_id",
    }
    for name, column in grouped.items():
        rows = matches.order_by().values(column).annotate(n=Count("id")).values_list(column, "n")
        counts[name] = dict(rows)
    matching_ids = matches.order_by().values("pk")
    for name, model in (("category", Organisation.categories.through), ("label", Organisation.labels.through)):
        column = f"{name}_id"
        rows = (
            model.objects.filter(organisation_id__in=matching_ids)
            .values(column)
            .annotate(n=Count("id"))
            .values_list(column, "n")
        )
        counts[name] = dict(rows)
    return counts


def summary(filters: DirectoryFilters, options: dict) -> dict:
    """Total, facet counts and corrected query for a selection; cached per normalised selection."""
    key = f"annuaire:summary:{directory_version()}:{filters.selection_key()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    corrected = correct_query(filters.q) if filters.q.strip() else ""
    if is_postgres():
        counts = _facet_counts(filters, options, corrected)
    else:
        counts = _facet_counts_without_postgresql(match_set(filters, options, corrected)[0])
    result = {"corrected": corrected, **counts}
    cache.set(key, result, SUMMARY_TTL)
    return result


FACETS = [
    ("epci", "epci", "Intercommunalité"),
    ("commune", "commune", "Commune"),
    ("family", "famille", "Famille de l'ESS"),
    ("role", "role", "Rôle"),
    ("sector", "secteur", "Secteur d'activité"),
    ("category", "thematique", "Thématique"),
    ("label", "label", "Label ou agrément"),
]


def build_facets(filters: DirectoryFilters, options: dict, counts: dict) -> list[Facet]:
    facets = []
    for name, param, label in FACETS:
        selected_value = getattr(filters, name)
        facet = Facet(param=param, label=label)
        for value, option_label, key in options[name]:
            count = counts[name].get(key, 0)
            if count or value == selected_value:
                facet.options.append(
                    {"value": value, "label": option_label, "count": count, "selected": value == selected_value}
                )
        facets.append(facet)
    return facets


# --- The page ------------------------------------------------------------------------------


def _distance_expression(latitude: float, longitude: float):
    # Equirectangular approximation, in squared degrees: enough to order by distance on
    # an island 70 km wide, and cheap enough to compute per row.
    scale = math.cos(math.radians(latitude))
    return ExpressionWrapper(
        (F("latitude") - latitude) * (F("latitude") - latitude)
        + (F("longitude") - longitude) * scale * (F("longitude") - longitude) * scale,
        output_field=FloatField(),
    )


# A page in alphabetical order of a selection without text, from the narrow entries. A
# large selection is read along the name index until the page is full; a small one is
# gathered first (keys index) then sorted: walking the name index for a selection of a few
# hundred rows, or none, would read the whole index (300 ms for two exclusive filters).
NAME_ORDER_SQL = """
SELECT organisation_id, NULL FROM annuaire_directoryentry WHERE keys @> %s::text[]
ORDER BY name, organisation_id LIMIT %s OFFSET %s
"""
SMALL_SELECTION_NAME_ORDER_SQL = """
WITH selection AS MATERIALIZED (
  SELECT organisation_id, name FROM annuaire_directoryentry WHERE keys @> %s::text[]
)
SELECT organisation_id, NULL FROM selection ORDER BY name, organisation_id LIMIT %s OFFSET %s
"""
SMALL_SELECTION = 20_000


def _page_ids(filters, sort, matches, query, near_point, options, total) -> list[tuple[int, float | None]]:
    """The ids (and squared distances) of one page, in order; cached like the summary."""
    key = f"annuaire:page:{directory_version()}:{filters.selection_key()}:{sort}:{filters.near}:{filters.page}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    offset = (filters.page - 1) * PAGE_SIZE
    if sort == Sort.NAME and query is None and is_postgres():
        ids = []
        if total:
            sql = SMALL_SELECTION_NAME_ORDER_SQL if total < SMALL_SELECTION else NAME_ORDER_SQL
            with connection.cursor() as cursor:
                cursor.execute(sql, [filter_keys(filters, options), PAGE_SIZE, offset])
                ids = [tuple(row) for row in cursor.fetchall()]
        cache.set(key, ids, SUMMARY_TTL)
        return ids
    if sort == Sort.RELEVANCE:
        candidates = matches.order_by().values("pk")[:RANK_CANDIDATES]
        ordered = (
            Organisation.objects.filter(pk__in=Subquery(candidates))
            .annotate(rank=SearchRank(F("search_vector"), query), distance2=Value(None, FloatField()))
            .order_by("-rank", "name", "pk")
        )
    elif sort == Sort.DISTANCE:
        ordered = matches.annotate(distance2=_distance_expression(*near_point)).order_by(
            F("distance2").asc(nulls_last=True), "name", "pk"
        )
    else:
        ordered = matches.annotate(distance2=Value(None, FloatField())).order_by("name", "pk")
    ids = list(ordered.values_list("pk", "distance2")[offset : offset + PAGE_SIZE])
    cache.set(key, ids, SUMMARY_TTL)
    return ids


def search_directory(filters: DirectoryFilters) -> DirectoryPage:
    options = filter_options()
    counts = summary(filters, options)
    total = counts["total"]
    matches, query = match_set(filters, options, counts["corrected"])

    sort = filters.sort
    near_point = options["commune_points"].get(filters.near) if filters.near else None
    if sort == Sort.DISTANCE and not (near_point and near_point[0] is not None):
        sort = Sort.RELEVANCE if query is not None else Sort.NAME
    if sort == Sort.RELEVANCE and query is None:
        sort = Sort.NAME
    browsable = min(total, RANK_CANDIDATES) if sort == Sort.RELEVANCE else total
    page_count = max(1, math.ceil(browsable / PAGE_SIZE))
    page = min(max(filters.page, 1), page_count)
    filters = replace(filters, page=page)

    ranked = _page_ids(filters, sort, matches, query, near_point, options, total)
    by_pk = (
        Organisation.objects.filter(is_published=True)
        .select_related("commune", "legal_form")
        .defer("search_vector", "search_text")
        .in_bulk([pk for pk, _distance in ranked])
    )
    organisations = []
    for pk, distance2 in ranked:
        if pk in by_pk:  # a row deleted since the page was cached is skipped
            organisation = by_pk[pk]
            organisation.distance_km = None if distance2 is None else math.sqrt(distance2) * 111.2
            organisations.append(organisation)
    near_commune = None
    if filters.near:
        near_commune = next(
            (Territory(code=code, name=name) for code, name, _pk in options["commune"] if code == filters.near),
            None,
        )
    return DirectoryPage(
        filters=replace(filters, sort=sort),
        organisations=organisations,
        total=total,
        page=page,
        page_count=page_count,
        facets=build_facets(filters, options, counts),
        corrected_query=counts["corrected"],
        near_commune=near_commune,
        ranking_capped=sort == Sort.RELEVANCE and total > RANK_CANDIDATES,
    )
