"""Matching a buyer's need with ESS suppliers of the directory (issue 13, point 7).

`match_suppliers` ranks, in one SQL query, the published organisations that are ESS actors
and suppliers: the need's sectors (NAF sections) filter the candidates through a partial
covering index (annuaire_supplier_sector_idx), each candidate is scored in the database
from that index alone by its territory (same commune, same intercommunality, or
territories it covers), the labels the need's clauses ask for (insertion, marché réservé),
its ESS family, its labels and its size against the budget; only the `limit` best ids leave
the database, and a second query reads those rows. Their French reasons are written from
the flags the ranking returns.

The rows are written as `SupplierMatch` idempotently: a second run refreshes scores and
reasons, keeps what staff chose (inclusion, ranks, suppliers they added) and the funnel of
suppliers already emailed, appends new suppliers after the existing ones, and removes only
the rows that no longer match and that nobody touched (never emailed, never added by staff).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, Case, F, IntegerField, Q, QuerySet, Value, When

from annuaire.models import HeadcountBand, Organisation
from experimentations.models import Clause, Need, SupplierMatch
from referentiels.models import EssFamily, Territory, TerritoryKind

# Points of each criterion (the reasons say which ones a supplier meets).
SECTOR_POINTS = 40
COMMUNE_POINTS = 30
EPCI_POINTS = 20
COVERED_POINTS = 15
CLAUSE_LABEL_POINTS = 20
RESERVED_FAMILY_POINTS = 10
LABEL_POINTS = 5
ESUS_POINTS = 5
SIZE_POINTS = 10

# The directory's labels (annuaire/reference.py) that the clauses ask for.
INSERTION_LABELS = (
    "entreprise-dinsertion-ei",
    "atelier-et-chantier-dinsertion-aci",
    "association-intermediaire-ai",
    "entreprise-de-travail-temporaire-dinsertion-etti",
)
DISABILITY_LABELS = ("entreprise-adaptee-ea", "esat")

B = HeadcountBand
# Headcount bands that fit a budget (€ HT, the need's maximum, else its minimum): an upper
# bound of the budget, and the bands that can carry it.
SIZE_FOR_BUDGET = (
    (25_000, (B.NONE, B.B1_2, B.B3_5, B.B6_9)),
    (150_000, (B.B1_2, B.B3_5, B.B6_9, B.B10_19, B.B20_49)),
    (500_000, (B.B6_9, B.B10_19, B.B20_49, B.B50_99)),
    (None, (B.B10_19, B.B20_49, B.B50_99, B.B100_199, B.B200_PLUS)),
)


@dataclass(frozen=True)
class Places:
    """Where the need is carried out, expanded: its communes and their intercommunalities
    (an EPCI counts its communes, an arrondissement its communes, the région all), and what
    a supplier may declare it covers to reach them (those, or the région)."""

    communes: frozenset[int]
    epcis: frozenset[int]
    covering: frozenset[int]


def need_places(need: Need) -> Places:
    chosen = list(need.territories.all())
    if need.commune_id:
        chosen.append(need.commune)
    if not chosen:
        return Places(frozenset(), frozenset(), frozenset())
    by_kind = {kind: {t.pk for t in chosen if t.kind == kind} for kind in TerritoryKind.values}
    whole_region = bool(by_kind[TerritoryKind.REGION])
    communes = Territory.objects.filter(kind=TerritoryKind.COMMUNE)
    if not whole_region:
        communes = communes.filter(
            Q(pk__in=by_kind[TerritoryKind.COMMUNE])
            | Q(parent_id__in=by_kind[TerritoryKind.EPCI])
            | Q(arrondissement_id__in=by_kind[TerritoryKind.ARRONDISSEMENT])
        )
    rows = list(communes.values_list("pk", "parent_id"))
    region = Territory.objects.filter(kind=TerritoryKind.REGION).values_list("pk", flat=True)
    commune_ids = frozenset(pk for pk, _ in rows)
    epci_ids = frozenset(parent for _, parent in rows) | by_kind[TerritoryKind.EPCI]
    return Places(communes=commune_ids, epcis=epci_ids, covering=commune_ids | epci_ids | set(region))


def size_bands(need: Need) -> tuple[str, ...]:
    budget = need.budget_max or need.budget_min
    if not budget:
        return ()
    for ceiling, bands in SIZE_FOR_BUDGET:
        if ceiling is None or budget <= ceiling:
            return tuple(bands)
    return ()


def clause_labels(need: Need) -> tuple[str, ...]:
    labels = ()
    if Clause.INSERTION in need.clauses or Clause.RESERVED in need.clauses:
        labels += INSERTION_LABELS
    if Clause.RESERVED in need.clauses:
        labels += DISABILITY_LABELS
    return labels


CANDIDATE_FIELDS = (
    "pk", "name", "slug", "ess_family", "esus_agreement", "headcount_band", "email",
    "sector__code", "sector__label", "commune__name", "epci__name", "epci__short_name",
)  # fmt: skip
# What the ranking returns of each candidate, besides its id: its points and the flags the
# reasons are written from.
FLAGS = ("in_commune", "in_epci", "covers", "clause_label", "has_label", "fits_size", "reserved_family")
NO = Value(False, output_field=BooleanField())


def _flag(condition) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _points(flag: str, points: int) -> Case:
    return Case(When(**{flag: True}, then=Value(points)), default=Value(0), output_field=IntegerField())


def ranking(need: Need, places: Places, *, limit: int, exclude=()) -> QuerySet:
    """The ranking query: (id, points, *FLAGS) of the `limit` best suppliers, best first.

    It reads only columns of the partial covering index `annuaire_supplier_sector_idx`
    (published ESS suppliers by sector, with their commune, EPCI, family, ESUS agreement,
    headcount band and name): PostgreSQL scores the candidates from the index alone. The
    covered territories and the labels are sets read once each (hashed), not one lookup per
    candidate."""
    sector_ids = [section.pk for section in need.sectors.all()]
    bands = size_bands(need)
    wanted_labels = clause_labels(need)
    reserved = Clause.RESERVED in need.clauses
    through_covered = Organisation.territories_covered.through.objects
    through_labels = Organisation.labels.through.objects
    covering = through_covered.filter(territory_id__in=list(places.covering)).values("organisation_id")
    labelled = through_labels.values("organisation_id")
    clause_labelled = through_labels.filter(label__slug__in=wanted_labels).values("organisation_id")
    return (
        Organisation.objects.filter(is_published=True, is_ess_actor=True, is_supplier=True, sector_id__in=sector_ids)
        .exclude(pk__in=list(exclude))
        .annotate(
            in_commune=_flag(Q(commune_id__in=list(places.communes))),
            in_epci=_flag(Q(epci_id__in=list(places.epcis))),
            covers=_flag(Q(pk__in=covering)) if places.covering else NO,
            clause_label=_flag(Q(pk__in=clause_labelled)) if wanted_labels else NO,
            has_label=_flag(Q(pk__in=labelled)),
            fits_size=_flag(Q(headcount_band__in=bands)) if bands else NO,
            reserved_family=_flag(~Q(ess_family="")) if reserved else NO,
        )
        .annotate(
            points=Value(SECTOR_POINTS)
            + Case(
                When(in_commune=True, then=Value(COMMUNE_POINTS)),
                When(in_epci=True, then=Value(EPCI_POINTS)),
                When(covers=True, then=Value(COVERED_POINTS)),
                default=Value(0),
                output_field=IntegerField(),
            )
            + _points("clause_label", CLAUSE_LABEL_POINTS)
            + _points("reserved_family", RESERVED_FAMILY_POINTS)
            + _points("has_label", LABEL_POINTS)
            + _points("esus_agreement", ESUS_POINTS)
            + _points("fits_size", SIZE_POINTS)
        )
        .order_by(F("points").desc(), "name", "pk")
        .values_list("pk", "points", *FLAGS)[:limit]
    )


def ranked_candidates(need: Need, *, limit: int | None = None, exclude=()) -> tuple[list[Organisation], Places]:
    """The best suppliers for the need, best first, each with its `points` and flags: two
    queries (the ranking, then the rows of the chosen few with their sector and territories)."""
    limit = limit or settings.EXPERIMENTATIONS_MATCH_LIMIT
    places = need_places(need)
    ranked = list(ranking(need, places, limit=limit, exclude=exclude))
    if not ranked:
        return [], places
    rows = (
        Organisation.objects.select_related("sector", "commune", "epci")
        .only(*CANDIDATE_FIELDS)
        .in_bulk([row[0] for row in ranked])
    )
    candidates = []
    for pk, points, *flags in ranked:
        organisation = rows[pk]
        organisation.points = points
        for name, value in zip(FLAGS, flags, strict=True):
            setattr(organisation, name, value)
        candidates.append(organisation)
    return candidates, places


def reasons_for(organisation, places: Places, need: Need) -> list[str]:
    """What the supplier meets, in French, most telling first."""
    reasons = []
    if organisation.sector_id:
        reasons.append(f"Secteur : {organisation.sector.label}")
    if organisation.in_commune:
        reasons.append(f"Installé à {organisation.commune.name}, lieu d'exécution")
    elif organisation.in_epci:
        reasons.append(f"Dans l'intercommunalité du besoin ({organisation.epci.short_name or organisation.epci.name})")
    elif organisation.covers:
        reasons.append("Intervient sur le territoire du besoin")
    if organisation.clause_label:
        reasons.append("Structure d'insertion ou du handicap, pour les clauses du besoin")
    if organisation.reserved_family:
        reasons.append(f"Éligible au marché réservé : {EssFamily(organisation.ess_family).label}")
    elif organisation.ess_family:
        reasons.append(f"Famille de l'ESS : {EssFamily(organisation.ess_family).label}")
    if organisation.esus_agreement:
        reasons.append("Agrément ESUS")
    if organisation.has_label and not organisation.clause_label:
        reasons.append("Labellisé ou agréé")
    if organisation.fits_size:
        reasons.append(f"Taille adaptée au budget : {HeadcountBand(organisation.headcount_band).label}")
    return reasons


@dataclass(frozen=True)
class MatchingResult:
    created: int
    updated: int
    removed: int


def match_suppliers(need: Need, limit: int | None = None) -> MatchingResult:
    """Rank the suppliers for `need` and write its SupplierMatch rows (see the module's doc)."""
    with transaction.atomic():
        need = Need.objects.select_for_update().get(pk=need.pk)
        existing = {match.organisation_id: match for match in SupplierMatch.objects.filter(need=need)}
        candidates, places = ranked_candidates(need, limit=limit)
        found = {}
        for organisation in candidates:
            found[organisation.pk] = (organisation.points, reasons_for(organisation, places, need))
        next_rank = max((match.rank for match in existing.values()), default=0) + 1
        to_create, to_update = [], []
        # The best first: new suppliers are appended in their order after the existing ones.
        for organisation_id, (points, reasons) in found.items():
            match = existing.get(organisation_id)
            if match is None:
                to_create.append(
                    SupplierMatch(
                        need=need, organisation_id=organisation_id, score=points, reasons=reasons, rank=next_rank
                    )
                )
                next_rank += 1
            else:
                match.score, match.reasons = points, reasons
                to_update.append(match)
        stale = [
            match.pk
            for organisation_id, match in existing.items()
            if organisation_id not in found and not match.added_by_staff and match.emailed_at is None
        ]
        SupplierMatch.objects.bulk_create(to_create)
        SupplierMatch.objects.bulk_update(to_update, ["score", "reasons"])
        SupplierMatch.objects.filter(pk__in=stale).delete()
        if not existing:
            _renumber(need)
    return MatchingResult(created=len(to_create), updated=len(to_update), removed=len(stale))


def _renumber(need: Need) -> None:
    """Ranks 1, 2, 3… in the current order (first run: the score's order)."""
    matches = list(SupplierMatch.objects.filter(need=need).order_by("rank", "-score", "pk").only("pk", "rank"))
    for position, match in enumerate(matches, start=1):
        match.rank = position
    SupplierMatch.objects.bulk_update(matches, ["rank"])


def add_supplier(*, need: Need, organisation: Organisation) -> SupplierMatch:
    """Staff add a supplier of the directory by hand: ranked last, kept by every re-run."""
    with transaction.atomic():
        need = Need.objects.select_for_update().get(pk=need.pk)
        match = SupplierMatch.objects.filter(need=need, organisation=organisation).first()
        if match is not None:
            if not match.included:
                match.included = True
                match.save(update_fields=["included"])
            return match
        last = SupplierMatch.objects.filter(need=need).order_by("-rank").values_list("rank", flat=True).first()
        return SupplierMatch.objects.create(
            need=need,
            organisation=organisation,
            rank=(last or 0) + 1,
            added_by_staff=True,
            reasons=["Ajouté par l'équipe de la CRESS"],
        )
