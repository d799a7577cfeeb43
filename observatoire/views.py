"""The observatory's public pages: published figures only, every value through the mask."""

import csv
import io
import json

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from lib.downloads import file_response
from lib.forms import submitted
from lib.ratelimit import submit_within_limit, within_limit
from lib.spreadsheet import safe_cell
from observatoire import explorer_page, panoramas, selectors
from observatoire.explorer_page import ExplorerParams, describe, display
from observatoire.formatting import SECRET, as_year, french_euros
from observatoire.forms import PanoramaRequestForm, panorama_consent_text, territory_choices
from observatoire.models import PanoramaRequest, PerimeterExclusion, Publication, Source
from observatoire.reference import current_reference


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
            "establishments": display(figures.establishments, "etablissements") if figures else "",
            "employees": display(figures.employees, "salaries") if figures else "",
            "share": display(figures.share, "part") if figures else "",
            "payroll": french_euros(figures.payroll) if figures else "",
        },
    }
    return render(request, "observatoire/index.html", context)


def _explore(request):
    reference = current_reference()
    if not reference.millesimes:
        return reference, None, None
    params = ExplorerParams(request.GET, reference)
    return reference, params, explorer_page.run(params, reference)


@require_GET
def explorer(request):
    """The view's result is rendered once per data version (it changes only when a
    millésime is published or withdrawn) and kept in the cache under the filters asked, with
    the stamp of the reference it was made with; a request with a wrong filter is never
    cached (what it holds is the visitor's input). The data version, the reference in force
    and the kept result come in one round trip to the cache (`explorer_page`)."""
    reference, view = explorer_page.shown(request.GET)
    # htmx asks for the result alone, except when it restores a page from history (the
    # back button after its cache is gone): that one needs the whole page.
    fragment = request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")
    response = HttpResponse(view.result) if fragment else explorer_page.page(request, reference, view)
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


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
    header = f"# {describe(params, reference)} — source : {reference.source_labels[params.source]}"
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
        "description": describe(params, reference),
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
    form = PanoramaRequestForm(**submitted(request), reference=reference, initial=initial)
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
    return file_response(panorama.file.open("rb"), filename=name, content_type="application/pdf")


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
    return file_response(publication.file.open("rb"), filename=name, content_type="application/pdf")
