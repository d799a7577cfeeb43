from django.db.models import Sum
from django.shortcuts import render

from referentiels.models import Territory, TerritoryKind
from referentiels.selectors import epcis_with_communes


def index(request):
    epcis = list(epcis_with_communes())
    for epci in epcis:
        epci.population_total = sum(commune.population or 0 for commune in epci.commune_list)
    region = Territory.objects.filter(kind=TerritoryKind.REGION).first()
    total = Territory.objects.filter(kind=TerritoryKind.COMMUNE).aggregate(total=Sum("population"))["total"]
    return render(request, "territoires/index.html", {"epcis": epcis, "region": region, "population_total": total})
