from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from lib.territory_links import territory_links
from referentiels.models import Territory, TerritoryKind
from referentiels.selectors import epcis_with_communes


def _overview() -> dict:
    epcis = list(epcis_with_communes())
    for epci in epcis:
        epci.population_total = sum(commune.population or 0 for commune in epci.commune_list)
        # What the other areas show about the territory (the directory, the agenda), filtered by it.
        epci.links = territory_links(epci)
        for commune in epci.commune_list:
            commune.links = territory_links(commune)
    above = list(
        Territory.objects.filter(kind__in=[TerritoryKind.REGION, TerritoryKind.ARRONDISSEMENT]).order_by("name")
    )
    return {
        "region": next((t for t in above if t.kind == TerritoryKind.REGION), None),
        "arrondissements": [t for t in above if t.kind == TerritoryKind.ARRONDISSEMENT],
        "epcis": epcis,
        "commune_count": sum(len(epci.commune_list) for epci in epcis),
        "population_total": sum(epci.population_total for epci in epcis),
    }


def index(request):
    # Reference data changes about once a year: the page body is a cached fragment
    # (one hour), and its queries run only when the fragment is rebuilt.
    return render(request, "territoires/index.html", {"overview": SimpleLazyObject(_overview)})
