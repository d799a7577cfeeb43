"""Reads of the reference data that pages and forms share."""

from django.db.models import Prefetch, QuerySet

from referentiels.models import Territory, TerritoryKind


def communes() -> QuerySet[Territory]:
    return Territory.objects.filter(kind=TerritoryKind.COMMUNE).order_by("name")


def epcis_with_communes() -> QuerySet[Territory]:
    """The EPCI in name order, each with its communes prefetched (two queries)."""
    return (
        Territory.objects.filter(kind=TerritoryKind.EPCI)
        .order_by("name")
        .prefetch_related(Prefetch("children", queryset=communes(), to_attr="commune_list"))
    )
