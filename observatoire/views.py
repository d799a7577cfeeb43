"""The observatory's public pages: published figures only, every value through the mask."""

import csv
import hashlib
import io
import json

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from lib.ratelimit import submit_within_limit, within_limit
from lib.spreadsheet import safe_cell
from observatoire import charts, panoramas, selectors, services
from observatoire.formatting import SECRET, as_year, french_euros, french_number, french_percent
from observatoire.forms import PanoramaRequestForm, panorama_consent_text, territory_choices
from observatoire.models import ALL_FAMILIES, ALL_SECTORS, PanoramaRequest, PerimeterExclusion, Publication, Source
from observatoire.reference import Reference, current_reference, with_selected
from observatoire.sectors import FAMILY_LABELS


def _display(value, measure: str) -> str:
    if value in (None, SECRET):
        return "—" if value is None else SECRET
    if measure == "part":
        return french_percent(value)
    if measure == "etp":
        return french_number(value, 1)
    return french_number(value)


@require_GET
def index(request):
    reference = current_reference()
    latest = reference.millesimes[-1] if reference.millesimes else None
    figures = selectors.key_figures(millesime=latest) if latest else None
    context = {
        "reference": reference,
        "millesime": latest,
        "figures": figures,
        "source_label": (latest.source_note or dict(Source.choices)[figures.source]) if figures else "",
        "display": {
            "establishments": _display(figures.establishments, "etablissements") if figures else "",
            "employees": _display(figures.employees, "salaries") if figures else "",
            "share": _display(figures.share, "part") if figures else "",
            "payroll": french_euros(figures.payroll) if figures else "",
        },
    }
    return render(request, "observatoire/index.html", context)


class ExplorerParams:
    """The explorer's filters, read from the URL: a wrong value gets a French message and
    the default instead (never an error page)."""

    def __init__(self, data, reference: Reference):
        self.errors: list[str] = []
        self.reference = reference
        years = [m.year for m in reference.millesimes]
        self.year = self._int(data, "annee", years, years[-1], "Année")
        self.millesime = next(m for m in reference.millesimes if m.year == self.year)
        sources = reference.sources[self.year]
        self.source = self._choice(data, "source", sources, sources[0], "Source")
        codes = {t.code: t for t in reference.territories}
        territory_code = self._choice(data, "territoire", list(codes), reference.region.code, "Territoire")
        self.territory = codes[territory_code]
        self.family = self._choice(data, "famille", [ALL_FAMILIES, *FAMILY_LABELS], ALL_FAMILIES, "Famille")
        self.sector = self._choice(data, "secteur", [c for c, _, _ in reference.sectors], ALL_SECTORS, "Secteur")
        self.measure = self._choice(data, "mesure", list(selectors.MEASURES), "salaries", "Mesure")
        default_breakdown = "famille" if self.family == ALL_FAMILIES else "groupe"
        self.breakdown = self._choice(data, "ventilation", list(selectors.BREAKDOWNS), default_breakdown, "Détail")
        if self.breakdown == "famille" and self.family != ALL_FAMILIES:
            self.breakdown = "groupe"

    def _choice(self, data, name, allowed, default, label):
        value = data.get(name, "")
        if value == "":
            return default
        if value not in allowed:
            self.errors.append(f"{label} : « {value[:40]} » n'existe pas ; la valeur par défaut est affichée.")
            return default
        return value

    def _int(self, data, name, allowed, default, label):
        value = data.get(name, "")
        if value == "":
            return default
        if as_year(value) not in allowed:
            self.errors.append(f"{label} : aucun millésime publié pour « {value[:10]} » ; le dernier est affiché.")
            return default
        return as_year(value)

    def query(self, **changes) -> str:
        params = {
            "annee": self.year,
            "source": self.source,
            "territoire": self.territory.code,
            "famille": self.family,
            "secteur": self.sector,
            "mesure": self.measure,
            "ventilation": self.breakdown,
        }
        return urlencode(params | changes)


def _explore(request):
    reference = current_reference()
    if not reference.millesimes:
        return reference, None, None
    params = ExplorerParams(request.GET, reference)
    return reference, params, _run(params, reference)


def _run(params: "ExplorerParams", reference: Reference) -> selectors.ExplorerResult:
    """The explorer's table and series for the filters read."""
    return selectors.explore(
        millesime=params.millesime,
        source=params.source,
        territory=params.territory,
        family=params.family,
        sector=params.sector,
        measure=params.measure,
        breakdown=params.breakdown,
        all_territories=reference.territories,
        sector_choices=reference.sectors,
        millesimes=reference.millesimes,
    )


def _describe(params, reference: Reference) -> str:
    family = "toutes familles" if params.family == ALL_FAMILIES else FAMILY_LABELS[params.family].lower()
    sector = reference.sector_labels[params.sector]
    return f"{selectors.MEASURES[params.measure][1]}, {params.territory.name}, {family}, {sector}, {params.year}"


EXPLORER_PARAMETERS = ("annee", "source", "territoire", "famille", "secteur", "mesure", "ventilation")


@require_GET
def explorer(request):
    """The page body of a view is rendered once per data version (it changes only when a
    millésime is published or withdrawn) and kept in the cache under the filters asked; a
    request with a wrong filter is never cached (what it holds is the visitor's input)."""
    asked = "&".join(f"{name}={request.GET.get(name, '')}" for name in EXPLORER_PARAMETERS)
    key = f"observatoire:{services.data_version()}:explorer:{hashlib.sha256(asked.encode()).hexdigest()[:32]}"
    parts = cache.get(key)
    if parts is None:
        parts, cacheable = _explorer_parts(request)
        if cacheable:
            cache.set(key, parts, timeout=24 * 3600)
    # htmx asks for the result alone, except when it restores a page from history (the
    # back button after its cache is gone): that one needs the whole page.
    fragment = request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")
    if fragment:
        response = HttpResponse(parts["result"])
    else:
        response = render(request, "observatoire/explorer.html", {"content_html": parts["content"]})
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


def _explorer_parts(request) -> tuple[dict, bool]:
    reference = current_reference()
    if not reference.millesimes:
        content = render_to_string("observatoire/_explorer_contenu.html", {"reference": reference, "empty": True})
        return {"content": content, "result": ""}, True
    params = ExplorerParams(request.GET, reference)
    result_html = render_to_string("observatoire/_explorer_resultat.html", _result_context(params, reference))
    context = {
        "reference": reference,
        "params": params,
        "result_html": result_html,
        "families": list(FAMILY_LABELS.items()),
        "measures": [(code, label) for code, (_, label, _unit) in selectors.MEASURES.items()],
        "breakdowns": list(selectors.BREAKDOWNS.items()),
        "territory_options": with_selected(reference.territory_options, params.territory.code),
        "sector_options": with_selected(reference.sector_options, params.sector),
        "source_options": [(code, reference.source_labels[code]) for code in reference.sources[params.year]],
    }
    content = render_to_string("observatoire/_explorer_contenu.html", context)
    return {"content": content, "result": result_html}, not params.errors


def _result_context(params: "ExplorerParams", reference: Reference) -> dict:
    result = _run(params, reference)
    percent = params.measure == "part"

    def drawn(value):
        return value * 100 if percent and value not in (None, SECRET) else value

    description = _describe(params, reference)
    bar = charts.bar_chart(
        title=f"{description} — détail par {selectors.BREAKDOWNS[params.breakdown].lower()}",
        description="Une barre par ligne du tableau ci-dessous ; « s » : valeur couverte par le secret statistique.",
        items=[(row.label, drawn(row.value)) for row in result.rows[1:]],
        unit=selectors.MEASURES[params.measure][2],
    )
    line = charts.line_chart(
        title=f"Évolution — {description.rsplit(',', 1)[0]}",
        description="Un point par millésime publié ; la courbe s'interrompt où une valeur est secrète.",
        series=[(year, drawn(value)) for year, value in result.series],
    )
    return {
        "params": params,
        "result": result,
        "rows": [(row, _display(row.value, params.measure)) for row in result.rows],
        "series": [(year, _display(value, params.measure)) for year, value in result.series],
        "bar": bar,
        "line": line,
        "description": description,
        "breakdown_label": selectors.BREAKDOWNS[params.breakdown],
        "measure_label": selectors.MEASURES[params.measure][1],
        "source_label": params.millesime.source_note or reference.source_labels[params.source],
        "csv_url": f"{reverse('observatoire:explorer-csv')}?{params.query()}",
        "json_url": f"{reverse('observatoire:explorer-json')}?{params.query()}",
    }


def _data(request):
    reference, params, result = _explore(request)
    if result is None:
        raise Http404("Aucun millésime publié.")
    return reference, params, result


@require_GET
def explorer_csv(request):
    reference, params, result = _data(request)
    lines = [["libellé", "valeur", "secret", "motif du secret"]]
    for row in result.rows:
        value = row.value if row.value not in (None, SECRET) else ("" if row.value is None else SECRET)
        lines.append([row.label, value, "oui" if row.value == SECRET else "non", row.reason])
    header = f"# {_describe(params, reference)} — source : {reference.source_labels[params.source]}"
    if params.millesime.is_synthetic:
        header += " — DONNÉES SYNTHÉTIQUES DE DÉMONSTRATION"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerows([safe_cell(cell) for cell in line] for line in lines)
    response = HttpResponse(f"{header}\n{buffer.getvalue()}", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="observatoire-{params.year}.csv"'
    return response


@require_GET
def explorer_json(request):
    reference, params, result = _data(request)
    payload = {
        "description": _describe(params, reference),
        "millesime": params.year,
        "source": params.source,
        "donnees_synthetiques": params.millesime.is_synthetic,
        "mesure": params.measure,
        "territoire": {"code": params.territory.code, "nom": params.territory.name},
        "famille": params.family,
        "secteur": params.sector,
        "ventilation": params.breakdown,
        "lignes": [
            {
                "code": row.code,
                "libelle": row.label,
                "valeur": None if row.value is None else (SECRET if row.value == SECRET else float(row.value)),
                "secret": row.value == SECRET,
                "motif_secret": row.reason,
            }
            for row in result.rows
        ],
        "evolution": [
            {"millesime": year, "valeur": None if v is None else (SECRET if v == SECRET else float(v))}
            for year, v in result.series
        ],
        "secret_statistique": "« s » : valeur non diffusée (moins de 3 établissements, un établissement "
        "dominant, ou case masquée pour protéger une autre case).",
    }
    return HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
    )


@require_GET
def method(request):
    return render(
        request,
        "observatoire/methode.html",
        {"reference": current_reference(), "exclusions": PerimeterExclusion.objects.all()},
    )


# --- Panorama on request ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def panorama_request(request):
    reference = current_reference()
    if not reference.millesimes:
        return render(request, "observatoire/panorama_demande.html", {"reference": reference, "form": None})
    initial = {"territory": request.GET.get("territoire", reference.region.code)}
    if (year := as_year(request.GET.get("annee", ""))) is not None:
        initial["year"] = year
    form = PanoramaRequestForm(request.POST or None, reference=reference, initial=initial)
    status = 200
    if request.method == "POST":
        submission = submit_within_limit(
            request,
            scope="observatoire-panorama",
            limit_setting="PANORAMA_REQUESTS_PER_HOUR",
            form=form,
            action=lambda data: panoramas.request_panorama(
                territory=data["territory"],
                millesime=data["millesime"],
                email=data["email"],
                consent_text=panorama_consent_text(),
            ),
            errors=(ValidationError,),
        )
        if submission.done:
            return redirect("observatoire:panorama-suivi", public_id=submission.result.public_id)
        status = submission.status
    return render(request, "observatoire/panorama_demande.html", {"reference": reference, "form": form}, status=status)


def _asked(public_id) -> PanoramaRequest:
    asked = PanoramaRequest.objects.select_related("panorama__territory", "panorama__millesime").filter(
        public_id=public_id
    )
    found = asked.first()
    if found is None:
        raise Http404("Cette demande n'existe pas ou a été effacée.")
    return found


@never_cache
@require_GET
def panorama_progress(request, public_id):
    """The progress of a panorama request, polled by the page (htmx) while it is built.

    Polling counts against PANORAMA_POLLS_PER_HOUR per connection: past it the fragment
    stops polling (it says to reload later, the email brings the link anyway) and the page
    answers 429, so a forgotten tab or a script cannot keep a worker of the site busy."""
    asked = _asked(public_id)
    fragment = bool(request.headers.get("HX-Request"))
    polling = within_limit(request, scope="observatoire-panorama-suivi", limit_setting="PANORAMA_POLLS_PER_HOUR")
    template = "observatoire/_panorama_etat.html" if fragment else "observatoire/panorama_suivi.html"
    context = {"asked": asked, "panorama": asked.panorama, "reference": current_reference(), "polling": polling}
    # A fragment is swapped by htmx only on success: over the limit it still answers 200,
    # without the polling attribute, so that the page stops asking.
    return render(request, template, context, status=200 if polling or fragment else 429)


@never_cache
@require_GET
def panorama_download(request, token):
    panorama = panoramas.panorama_from_token(token)
    if panorama is None:
        return render(
            request, "observatoire/panorama_lien_invalide.html", {"reference": current_reference()}, status=404
        )
    return render(
        request,
        "observatoire/panorama_telechargement.html",
        {"panorama": panorama, "token": token, "reference": current_reference()},
    )


@never_cache
@require_GET
def panorama_file(request, token):
    panorama = panoramas.panorama_from_token(token)
    if panorama is None:
        raise Http404("Ce lien n'est plus valable.")
    name = f"panorama-ess-{panorama.territory.slug}-{panorama.millesime.year}.pdf"
    return FileResponse(panorama.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")


# --- Publications -------------------------------------------------------------------------


@require_GET
def publications(request):
    reference = current_reference()
    territory = reference.territory(request.GET.get("territoire", "")) if request.GET.get("territoire") else None
    error = ""
    if request.GET.get("territoire") and territory is None:
        error = "Ce territoire n'existe pas : toutes les publications sont affichées."
    found = Publication.objects.public().select_related("territory")
    if territory is not None:
        found = found.filter(territory=territory)
    page = Paginator(found, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "observatoire/publications.html",
        {
            "reference": reference,
            "page": page,
            "territory": territory,
            "error": error,
            "territory_groups": territory_choices(reference),
        },
    )


@require_GET
def publication_file(request, pk):
    publication = Publication.objects.public().filter(pk=pk).first()
    if publication is None or not publication.file:
        raise Http404("Cette publication n'existe pas ou a été retirée.")
    name = f"{slugify(publication.title)[:80] or 'publication'}.pdf"
    return FileResponse(publication.file.open("rb"), filename=name, content_type="application/pdf")
