"""The observatory's page of good practices (issue 20, point 4): the anonymised counts that
the registry `lib.practice_aggregates` offers, under statistical secrecy."""

import re

from django.shortcuts import render
from django.views.decorators.http import require_GET

from lib import practice_aggregates
from observatoire import practices
from observatoire.reference import current_reference


@require_GET
def good_practices(request):
    year = request.GET.get("annee", "")
    year = int(year) if re.fullmatch(r"[0-9]{4}", year) else None  # anything else: the latest year
    found = [table for source in practice_aggregates.sources() if (table := practices.tables(source, year=year))]
    context = {"reference": current_reference(), "tables": found}
    return render(request, "observatoire/bonnes_pratiques.html", context)
