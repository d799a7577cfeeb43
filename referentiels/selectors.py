"""Reads of the reference data that pages and forms share."""

import re
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Func, Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from lib.small_counts import Group
from lib.text import normalise_text
from referentiels.models import NafActivity, Territory, TerritoryKind


def communes() -> QuerySet[Territory]:
    return Territory.objects.filter(kind=TerritoryKind.COMMUNE).order_by("name")


# How a commune reaches each level above it (PARENT_KIND; arrondissements are a second partition).
_COMMUNE_PATH = {
    TerritoryKind.COMMUNE: "",
    TerritoryKind.EPCI: "__parent",
    TerritoryKind.ARRONDISSEMENT: "__arrondissement",
    TerritoryKind.REGION: "__parent__parent",
}


def within_territory(territory: Territory, commune_field: str) -> Q:
    """Rows whose commune (`commune_field`, a foreign key to a commune) lies in `territory`,
    whatever its level: the commune itself, or the communes of an EPCI, an arrondissement
    or the région. Two joins at most; rows without a commune are in no territory."""
    return Q(**{f"{commune_field}{_COMMUNE_PATH[territory.kind]}": territory})


@dataclass(frozen=True)
class TerritoryTree:
    """The communes with every level above them (their EPCI, arrondissement and région), and
    the groups whose counts add up: each EPCI and arrondissement with its communes, each
    arrondissement with the EPCI it holds when they fill it, the région with its
    arrondissements, its EPCI and its communes (lib.small_counts)."""

    levels: dict  # commune pk -> (commune pk, EPCI pk, arrondissement pk, région pk), None when missing
    groups: tuple

    def totals(self, per_commune: dict) -> dict:
        """The count of every territory (zeros included) from the counts of its communes."""
        counts = {cell: 0 for cells in self.levels.values() for cell in cells if cell is not None}
        for commune, count in per_commune.items():
            for cell in self.levels.get(commune, ()):
                if cell is not None:
                    counts[cell] += count
        return counts


def territory_tree() -> TerritoryTree:
    """One query."""
    rows = Territory.objects.filter(kind=TerritoryKind.COMMUNE).values_list(
        "pk", "parent_id", "arrondissement_id", "parent__parent_id"
    )
    levels = {pk: (pk, epci, arrondissement, region) for pk, epci, arrondissement, region in rows}
    members = defaultdict(set)  # a territory -> its communes
    for commune, epci, arrondissement, region in levels.values():
        for above in (epci, arrondissement, region):
            if above is not None:
                members[above].add(commune)
    epcis = {epci for _, epci, _, _ in levels.values() if epci is not None}
    groups = [Group(total, tuple(sorted(communes))) for total, communes in members.items()]
    for arrondissement in {arr for _, _, arr, _ in levels.values() if arr is not None}:
        inside = sorted(epci for epci in epcis if members[epci] <= members[arrondissement])
        if set().union(*(members[epci] for epci in inside)) == members[arrondissement]:
            groups.append(Group(arrondissement, tuple(inside)))
    for region in {region for *_, region in levels.values() if region is not None}:
        for level in (1, 2):  # its EPCI, its arrondissements, when they fill it
            parts = sorted({cells[level] for cells in levels.values() if cells[3] == region} - {None})
            if parts and set().union(*(members[part] for part in parts)) == members[region]:
                groups.append(Group(region, tuple(parts)))
    return TerritoryTree(levels=levels, groups=tuple(groups))


def epcis_with_communes() -> QuerySet[Territory]:
    """The EPCI in name order, each with its communes prefetched (two queries)."""
    return (
        Territory.objects.filter(kind=TerritoryKind.EPCI)
        .order_by("name")
        .prefetch_related(Prefetch("children", queryset=communes(), to_attr="commune_list"))
    )


# A NAF code as people type it: an optional section letter (« Q »), the division, then the
# rest of the class with or without its dot, then the sous-classe letter: « 88 », « 88.9 »,
# « 88.99 », « 88 99 », « 8899 », « 88.99B », « Q 88.99 ».
NAF_CODE = re.compile(r"^(?:[a-u]\s*)?(\d{2})[. ]?(\d{0,2})\s*([a-z]?)$")


def search_naf_activities(text: str, queryset: QuerySet[NafActivity] | None = None) -> QuerySet[NafActivity]:
    """NAF sous-classes found by their code (with or without its dot or letters) or by the
    words of their label, each word anywhere in it, accents and case ignored."""
    queryset = NafActivity.objects.all() if queryset is None else queryset
    folded = normalise_text(text)
    if not folded:
        return queryset
    code = NAF_CODE.match(folded)
    if code:
        division, rest, letter = code.groups()
        prefix = f"{division}.{rest}" if rest else division
        return queryset.filter(code__istartswith=prefix + letter if len(rest) == 2 else prefix)
    if connection.vendor == "postgresql":
        queryset = queryset.annotate(folded_label=Lower(Func(F("label"), function="unaccent")))
        for word in folded.split():
            queryset = queryset.filter(folded_label__contains=word)
        return queryset
    for word in text.split():  # SQLite, the zero-setup default: no unaccent, case only
        queryset = queryset.filter(label__icontains=word)
    return queryset
