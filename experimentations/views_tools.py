"""The public pages of the financial tools: the hub of « Financer et acheter responsable »,
the tools list with its search, a tool's page, the finder and the open data.

Every search reads experimentations.search.ToolFilters (one place). Pages are cached under
the tools' version and the calls' epoch (experimentations.cache): only requests whose
parameters all meant something, in their normalised order, are stored.
"""

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from annuaire.exports import LICENCE, LICENCE_URL
from experimentations import cache, selectors_tools
from experimentations.models import Instrument, Purpose
from experimentations.search import PARAMETERS, ToolFilters
from lib.resources import resources_for, topic
from lib.richtext import clean_html
from lib.spreadsheet import safe_cell, streaming_writer
from referentiels.models import EssFamily, LegalForm, NafSection, ProjectStage
from referentiels.selectors import communes

PAGE_SIZE = 20
MAX_VALUE_LENGTH = 300
HUB_CALLS = 4


def page_url(name: str, query: str = "") -> str:
    """The address of another page of Action 7, with the search's query if any."""
    url = reverse(name)
    return f"{url}?{query}" if query else url


def _requested(request, *, extra=("page",)) -> QueryDict:
    """The search's own parameters (the last value of each); others are not read."""
    query = QueryDict(mutable=True)
    for name in (*PARAMETERS, *extra):
        value = request.GET.get(name, "")
        if value and not (name == "page" and value == "1"):
            query[name] = value[:MAX_VALUE_LENGTH]
    return query


def _choices() -> dict:
    """The questionnaire's options (the sectors and communes are read from the database)."""
    return {
        "instruments": Instrument.choices,
        "stages": ProjectStage.choices,
        "families": EssFamily.choices,
        "purposes": Purpose.choices,
        "legal_forms": list(LegalForm.objects.exclude(family="").order_by("label").values_list("code", "label")),
        "sectors": list(NafSection.objects.values_list("code", "label")),
        "communes": list(communes().values_list("code", "name")),
    }


def _search_context(filters: ToolFilters, requested: QueryDict, url_name: str) -> dict:
    querystring = filters.querystring()
    return {
        "filters": filters,
        # Every parameter, "" when not given (a template never reads an undefined variable).
        "given": {name: filters.normalised().get(name, "") for name in PARAMETERS},
        "errors": filters.error_messages(),
        "querystring": querystring,
        "alert_url": page_url("experimentations:alert-new", querystring),
        "reset_url": reverse(url_name),
        **_choices(),
    }


@require_GET
def hub(request):
    def render_fragment():
        now = timezone.now()
        context = {
            "counts": selectors_tools.catalogue_counts(),
            "calls": selectors_tools.cards(selectors_tools.calls_closing_first(limit=HUB_CALLS, now=now), now),
            "need_url": page_url("experimentations:need-new"),
            "experiments_url": page_url("experimentations:experiments"),
            "stages": ProjectStage.choices,
        }
        return render_to_string("experimentations/tools/_hub_corps.html", context), True

    body = cache.fragment("hub", (), render_fragment)
    return render(request, "experimentations/hub.html", {"body": body})


@require_GET
def tool_list(request):
    requested = _requested(request)

    def render_fragment():
        filters = ToolFilters(requested)
        tools = selectors_tools.card_fields(filters.tools())
        page = Paginator(tools, PAGE_SIZE).get_page(requested.get("page"))
        canonical = QueryDict(filters.querystring(), mutable=True)
        if page.number > 1:
            canonical["page"] = str(page.number)
        context = {
            **_search_context(filters, requested, "experimentations:tools"),
            "page": page,
            "cards": selectors_tools.cards(page.object_list),
            "query": canonical,
        }
        fragment = {
            "title": "Outils financiers" + (" — recherche" if filters.normalised() else ""),
            "body": render_to_string("experimentations/tools/_liste_corps.html", context),
            "noindex": bool(filters.normalised()) or page.number > 1,
        }
        return fragment, canonical.urlencode() == requested.urlencode()

    fragment = cache.fragment("liste", (requested.urlencode(),), render_fragment)
    return render(request, "experimentations/tools/liste.html", {"fragment": fragment})


@require_GET
def finder(request):
    requested = _requested(request, extra=())

    def render_fragment():
        filters = ToolFilters(requested)
        answered = bool(filters.normalised())
        context = {
            **_search_context(filters, requested, "experimentations:finder"),
            "answered": answered,
            "cards": selectors_tools.rank_tools(filters) if answered else [],
        }
        fragment = {
            "title": "Trouver un financement" + (" — résultats" if answered else ""),
            "body": render_to_string("experimentations/tools/_trouver_corps.html", context),
            "noindex": answered,
        }
        return fragment, filters.querystring() == requested.urlencode()

    fragment = cache.fragment("trouver", (requested.urlencode(),), render_fragment)
    return render(request, "experimentations/tools/trouver.html", {"fragment": fragment})


@require_GET
def tool_detail(request, slug):
    def render_fragment():
        tool = selectors_tools.published_tool(slug)
        if tool is None:
            return None, False
        context = {
            "tool": tool,
            "state": selectors_tools.call_state(tool),
            "provider_url": selectors_tools.provider_url(tool),
            "description": clean_html(tool.description),
            "conditions": clean_html(tool.conditions),
            "amounts": selectors_tools.amount_range(tool),
            "stages": [ProjectStage(value).label for value in tool.stages if value in ProjectStage.values],
            "families": [EssFamily(value).label for value in tool.families if value in EssFamily.values],
            "purposes": [Purpose(value).label for value in tool.purposes if value in Purpose.values],
            "alert_url": page_url("experimentations:alert-new", f"outil={tool.slug}"),
        }
        return {
            "title": tool.name,
            "description": tool.summary,
            "body": render_to_string("experimentations/tools/_outil_corps.html", context),
            "instrument": tool.instrument,
        }, True

    fragment = cache.fragment(f"outil-{slug}", (), render_fragment)
    if fragment is None:
        raise Http404("Cet outil financier n'existe pas ou n'est plus publié.")
    # Beside the cached page, under their own version: the resource centre's « Ressources utiles ».
    useful = resources_for(topic("outil", fragment["instrument"])) if fragment.get("instrument") else []
    return render(request, "experimentations/tools/outil.html", {"fragment": fragment, "useful_resources": useful})


# --- Open data -----------------------------------------------------------------------------------

COLUMNS = (
    ("slug", "Identifiant"),
    ("nom", "Nom"),
    ("porteur", "Porteur"),
    ("porteur_siret", "SIRET du porteur"),
    ("instrument", "Instrument"),
    ("appel_a_projets", "Appel à projets"),
    ("en_bref", "En bref"),
    ("stades", "Stades de projet"),
    ("familles", "Familles de l'ESS"),
    ("formes_juridiques", "Formes juridiques (codes INSEE)"),
    ("secteurs", "Secteurs (sections NAF)"),
    ("usages", "Pour quoi faire"),
    ("territoires", "Territoires (codes officiels)"),
    ("montant_min", "Montant minimum (€)"),
    ("montant_max", "Montant maximum (€)"),
    ("recurrence", "Récurrence"),
    ("ouverture", "Ouverture"),
    ("cloture", "Clôture"),
    ("budget_epuise", "Budget épuisé"),
    ("candidater", "Adresse pour candidater"),
    ("page", "Page sur le portail"),
    ("publie_le", "Publié le"),
)


def open_data_rows(filters: ToolFilters) -> list[dict]:
    """The published tools of the search, one dict per tool, in COLUMNS' keys."""
    base = settings.SITE_URL
    rows = []
    for tool in selectors_tools.with_lists(filters.tools().defer("search_vector")):
        rows.append(
            {
                "slug": tool.slug,
                "nom": tool.name,
                "porteur": tool.provider.name,
                "porteur_siret": tool.provider.siret,
                "instrument": tool.instrument,
                "appel_a_projets": tool.is_call,
                "en_bref": tool.summary,
                "stades": tool.stages,
                "familles": tool.families,
                "formes_juridiques": [form.code for form in tool.legal_forms.all()],
                "secteurs": [sector.code for sector in tool.sectors.all()],
                "usages": tool.purposes,
                "territoires": [territory.code for territory in tool.territories.all()],
                "montant_min": tool.amount_min,
                "montant_max": tool.amount_max,
                "recurrence": tool.recurrence,
                "ouverture": tool.opens_on.isoformat() if tool.opens_on else None,
                "cloture": timezone.localtime(tool.closes_at).isoformat() if tool.closes_at else None,
                "budget_epuise": tool.budget_exhausted,
                "candidater": tool.apply_url,
                "page": base + selectors_tools.tool_url(tool),
                "publie_le": timezone.localtime(tool.published_at).isoformat() if tool.published_at else None,
            }
        )
    return rows


def _csv_value(value):
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return "|".join(str(item) for item in value)
    return safe_cell(value)


@require_GET
def open_data_csv(request):
    filters = ToolFilters(_requested(request, extra=()))
    writer = streaming_writer()
    lines = [writer.writerow([label for _, label in COLUMNS])]
    lines += [writer.writerow([_csv_value(row[key]) for key, _ in COLUMNS]) for row in open_data_rows(filters)]
    response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="outils-financiers-ess-reunion.csv"'
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response


@require_GET
def open_data_json(request):
    filters = ToolFilters(_requested(request, extra=()))
    document = {
        "nom": "Outils financiers et appels à projets pour l'ESS à La Réunion",
        "source": "CRESS La Réunion — " + settings.SITE_URL + reverse("experimentations:tools"),
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "recherche": filters.describe(),
        "genere_le": timezone.localtime().isoformat(),
        "outils": open_data_rows(filters),
    }
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
    )
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response
