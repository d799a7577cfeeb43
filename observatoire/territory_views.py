"""The observatory's pages about one territory: its portrait and its niches.

Thin views: the figures come from `selectors.portrait` and `selectors.niche_analysis`
(every value through the mask), the charts from `observatoire.charts`."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from observatoire import charts, selectors
from observatoire.formatting import SECRET, as_year
from observatoire.models import SectorLevel
from observatoire.reference import Reference, current_reference
from referentiels.models import TerritoryKind

KIND_GROUPS = (
    (TerritoryKind.REGION, "Région"),
    (TerritoryKind.ARRONDISSEMENT, "Arrondissements"),
    (TerritoryKind.EPCI, "Intercommunalités"),
    (TerritoryKind.COMMUNE, "Communes"),
)
NEIGHBOURS_CAPTION = {
    TerritoryKind.REGION: "les intercommunalités de La Réunion",
    TerritoryKind.EPCI: "les intercommunalités de La Réunion",
    TerritoryKind.ARRONDISSEMENT: "les arrondissements de La Réunion",
    TerritoryKind.COMMUNE: "les communes de la même intercommunalité",
}


def _year(data, reference: Reference, errors: list[str]):
    """The millésime asked for in `annee`, else the latest, with a French message."""
    value = data.get("annee", "")
    by_year = {m.year: m for m in reference.millesimes}
    if value == "":
        return reference.millesimes[-1]
    if as_year(value) not in by_year:
        errors.append(f"Année : aucun millésime publié pour « {value[:10]} » ; le dernier est affiché.")
        return reference.millesimes[-1]
    return by_year[as_year(value)]


def _by_kind(reference: Reference):
    """(label, territories) per level, région first."""
    return [(label, [t for t in reference.territories if t.kind == kind]) for kind, label in KIND_GROUPS]


def _has_secret(lines, *names) -> bool:
    return any(getattr(line, name) == SECRET for line in lines for name in names)


def _percent(value):
    return value * 100 if value not in (None, SECRET) else value


@require_GET
def portraits(request):
    reference = current_reference()
    return render(request, "observatoire/portraits.html", {"reference": reference, "groups": _by_kind(reference)})


@require_GET
def portrait(request, code: str):
    reference = current_reference()
    territory = reference.territory(code)
    if territory is None:
        raise Http404("Territoire inconnu.")
    heading = (
        f"Arrondissement de {territory.name}" if territory.kind == TerritoryKind.ARRONDISSEMENT else territory.name
    )
    context = {"reference": reference, "territory": territory, "heading": heading}
    if not reference.millesimes:
        return render(request, "observatoire/portrait.html", context | {"empty": True})
    errors: list[str] = []
    millesime = _year(request.GET, reference, errors)
    source = reference.sources[millesime.year][0]
    data = selectors.portrait(millesime=millesime, source=source, territory=territory, reference=reference)
    name = territory.name
    employees_note = "Une barre par ligne du tableau ; « s » : valeur couverte par le secret statistique."
    context |= {
        "empty": False,
        "errors": errors,
        "millesime": millesime,
        "portrait": data,
        "source_label": millesime.source_note or reference.source_labels[source],
        "is_region": territory.kind == TerritoryKind.REGION,
        "neighbours_caption": NEIGHBOURS_CAPTION[territory.kind],
        "families_chart": charts.bar_chart(
            title=f"Salariés de l'ESS par famille, {name}, {millesime.year}",
            description=employees_note,
            items=[(line.label, line.employees) for line in data.families],
        ),
        "sectors_chart": charts.bar_chart(
            title=f"Salariés de l'ESS par secteur, {name}, {millesime.year}",
            description=employees_note,
            items=[(line.label, line.employees) for line in data.sectors],
        ),
        "neighbours_chart": charts.bar_chart(
            title=f"Part de l'ESS dans l'emploi salarié privé, {NEIGHBOURS_CAPTION[territory.kind]}, {millesime.year}",
            description=employees_note,
            items=[(line.label, _percent(line.share)) for line in data.neighbours],
            unit=" %",
        ),
        "evolution_chart": charts.line_chart(
            title=f"Salariés de l'ESS, {name}, par millésime publié",
            description="Un point par millésime publié ; la courbe s'interrompt où une valeur est secrète.",
            series=[(line.label, line.employees) for line in data.evolution],
        ),
        "secret": {
            "weight": _has_secret(data.weight, "ess", "economy", "share", "region_share"),
            "families": _has_secret(data.families, "establishments", "employees", "share"),
            "sectors": _has_secret(data.sectors, "establishments", "employees", "share"),
            "neighbours": _has_secret(data.neighbours, "establishments", "employees", "share"),
            "evolution": _has_secret(data.evolution, "establishments", "employees", "share"),
        },
        "years": [m.year for m in reversed(reference.millesimes)],
        "explorer_url": reverse("observatoire:explorer")
        + "?"
        + urlencode({"territoire": territory.code, "annee": millesime.year}),
        "niches_url": reverse("observatoire:niches")
        + "?"
        + urlencode({"territoire": territory.code, "annee": millesime.year}),
    }
    return render(request, "observatoire/portrait.html", context)


@require_GET
def niches(request):
    reference = current_reference()
    context = {"reference": reference}
    if not reference.millesimes:
        return render(request, "observatoire/niches.html", context | {"empty": True})
    errors: list[str] = []
    millesime = _year(request.GET, reference, errors)
    code = request.GET.get("territoire", "")
    territory = reference.territory(code) if code else reference.region
    if territory is None:
        errors.append(f"Territoire : « {code[:40]} » n'existe pas ; la région est affichée.")
        territory = reference.region
    level = request.GET.get("niveau", "") or SectorLevel.GROUPING
    if level not in selectors.NICHE_LEVELS:
        errors.append(f"Secteurs : « {level[:40]} » n'existe pas ; les regroupements de l'ESS sont affichés.")
        level = SectorLevel.GROUPING
    source = reference.sources[millesime.year][0]
    analysis = selectors.niche_analysis(
        millesime=millesime, territory=territory, level=level, reference=reference, source=source
    )
    given = [line for line in analysis.lines if line.quotient.quotient is not None]
    context |= {
        "empty": False,
        "errors": errors,
        "millesime": millesime,
        "territory": territory,
        "analysis": analysis,
        "level": level,
        "levels": list(selectors.NICHE_LEVELS.items()),
        "levels_label": selectors.NICHE_LEVELS[level].lower(),
        "years": [m.year for m in reversed(reference.millesimes)],
        "kinds": _by_kind(reference),
        "is_region": territory.kind == TerritoryKind.REGION,
        "source_labels": reference.source_labels,
        "quotients_chart": charts.bar_chart(
            title=f"Quotients de localisation de l'emploi de l'ESS, {territory.name} "
            f"par rapport à {analysis.reference_name}, {millesime.year}",
            description="Une barre par secteur dont le quotient est calculé ; 1 : même poids que dans la "
            "référence ; au-delà de 1,25 l'ESS est surreprésentée, en deçà de 0,80 sous-représentée.",
            items=[(line.label, line.quotient.quotient) for line in given],
            decimals=2,
        ),
        "portrait_url": reverse("observatoire:portrait", args=[territory.code]),
    }
    return render(request, "observatoire/niches.html", context)
