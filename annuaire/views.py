import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from annuaire.contributions import is_member
from annuaire.exports import COLUMNS, LICENCE, LICENCE_URL, csv_lines, geojson_chunks
from annuaire.forms import DirectoryFilterForm
from annuaire.geo import BoundingBox, map_json
from annuaire.models import Organisation
from annuaire.search import SUMMARY_TTL as FRAGMENT_TTL
from annuaire.search import search_directory
from annuaire.services import directory_version
from lib.jsonld import json_ld
from lib.ratelimit import within_limit
from referentiels.models import Territory

# West, south, east, north of La Réunion, with a margin.
REUNION_BBOX = "55.1,-21.5,55.95,-20.8"


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def _canonical_query(filters, map_view: bool) -> list[tuple[str, str]]:
    """The query string that these validated filters stand for, in a fixed order."""
    default_sort = "pertinence" if filters.q else "nom"
    pairs = [
        ("q", filters.q),
        ("epci", filters.epci),
        ("commune", filters.commune),
        ("famille", filters.family),
        ("role", filters.role),
        ("secteur", filters.sector),
        ("thematique", filters.category),
        ("label", filters.label),
        ("tri", filters.sort if filters.sort != default_sort else ""),
        ("pres_de", filters.near),
        ("page", str(filters.page) if filters.page != 1 else ""),
        ("vue", "carte" if map_view else ""),
    ]
    return [(key, value) for key, value in pairs if value]


@require_GET
@vary_on_headers("HX-Request")
def directory(request):
    # The results, facets and map switch are the same for everyone who sends the same
    # query: rendered once per query and directory version, then served from the cache.
    # The cache is only ever filled by a request whose query string is exactly its own
    # validated query, so a hit needs no validation and odd or repeated parameters
    # cannot poison it.
    sent = sorted((key, value) for key, values in request.GET.lists() for value in values if value)
    digest = hashlib.sha256(urlencode(sent).encode()).hexdigest()[:32]
    key = f"annuaire:fragment:{directory_version()}:{digest}"
    fragment = cache.get(key)
    if fragment is None:
        form = DirectoryFilterForm(request.GET)
        filters, problems = form.to_filters()
        map_view = request.GET.get("vue") == "carte"
        cacheable = not problems and sent == sorted(_canonical_query(filters, map_view))
        page = search_directory(filters)
        active_filters = [
            (facet.param, option["value"]) for facet in page.facets for option in facet.options if option["selected"]
        ]
        context = {
            "form": form,
            "result": page,
            "problems": problems,
            "active_filters": active_filters,
            "map_view": map_view,
            "query": request.GET.urlencode(),
        }
        fragment = render_to_string("annuaire/_annuaire.html", context, request=request)
        if cacheable:
            cache.set(key, fragment, FRAGMENT_TTL)
    if is_htmx(request):
        return HttpResponse(fragment)
    return render(request, "annuaire/annuaire.html", {"fragment": mark_safe(fragment)})  # noqa: S308 — our own render


def organisation_json_ld(organisation: Organisation, url: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": organisation.name,
        "url": url,
    }
    if organisation.acronym:
        data["alternateName"] = organisation.acronym
    if organisation.description:
        data["description"] = organisation.description
    if organisation.website:
        data["sameAs"] = organisation.website
    if organisation.email:
        data["email"] = organisation.email
    if organisation.phone:
        data["telephone"] = organisation.phone
    if organisation.siret:
        data["taxID"] = organisation.siret
    if organisation.creation_year:
        data["foundingDate"] = str(organisation.creation_year)
    if organisation.commune_id:
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": organisation.address,
            "postalCode": organisation.postcode,
            "addressLocality": organisation.commune.name,
            "addressRegion": "La Réunion",
            "addressCountry": "FR",
        }
    if organisation.has_coordinates:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": organisation.latitude,
            "longitude": organisation.longitude,
        }
    return json_ld(data)


@require_GET
def organisation_detail(request, slug):
    organisation = get_object_or_404(
        Organisation.objects.filter(is_published=True)
        .select_related("legal_form", "commune", "epci", "naf_activity", "sector")
        .prefetch_related(
            "categories",
            "labels",
            Prefetch("territories_covered", queryset=Territory.objects.order_by("kind", "name")),
        ),
        slug=slug,
    )
    nearby = (
        Organisation.objects.filter(is_published=True, commune_id=organisation.commune_id)
        .exclude(pk=organisation.pk)
        .only("name", "slug", "ess_family")
        .order_by("name")[:6]
        if organisation.commune_id
        else []
    )
    return render(
        request,
        "annuaire/structure.html",
        {
            "organisation": organisation,
            "nearby": nearby,
            "json_ld": organisation_json_ld(organisation, request.build_absolute_uri()),
            "can_edit": is_member(request.user, organisation),
        },
    )


def _filters_from(request):
    filters, problems = DirectoryFilterForm(request.GET).to_filters()
    return filters, problems


@require_GET
def map_data(request):
    """GeoJSON of the filtered directory in the visible area (?bbox=w,s,e,n&zoom=z)."""
    filters, _problems = _filters_from(request)
    try:
        box = BoundingBox.parse(request.GET.get("bbox", REUNION_BBOX))
        zoom = int(request.GET.get("zoom", "10"))
        if not 0 <= zoom <= 20:
            raise ValueError("zoom")
    except ValueError:
        return JsonResponse(
            {"erreur": "Paramètres de carte invalides : bbox=ouest,sud,est,nord en degrés et zoom entre 0 et 20."},
            status=400,
        )
    return HttpResponse(map_json(filters, box, zoom), content_type="application/json")


def _export_refused(request):
    if within_limit(request, scope="annuaire-export", limit_setting="EXPORTS_PER_10_MINUTES", window_seconds=600):
        return None
    return HttpResponse(
        "Trop de téléchargements depuis votre connexion : réessayez dans dix minutes.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )


@require_GET
def export_csv(request):
    if refused := _export_refused(request):
        return refused
    filters, _problems = _filters_from(request)
    response = StreamingHttpResponse(csv_lines(filters), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="annuaire-ess-reunion.csv"'
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response


@require_GET
def export_geojson(request):
    if refused := _export_refused(request):
        return refused
    filters, _problems = _filters_from(request)
    response = StreamingHttpResponse(geojson_chunks(filters), content_type="application/geo+json")
    response["Content-Disposition"] = 'attachment; filename="annuaire-ess-reunion.geojson"'
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response


@require_GET
def open_data(request):
    return render(
        request,
        "annuaire/donnees.html",
        {"columns": COLUMNS, "licence": LICENCE, "licence_url": LICENCE_URL, "query": request.GET.urlencode()},
    )


@require_GET
@xframe_options_exempt
@csp_override({**settings.SECURE_CSP, "frame-ancestors": ["https:", "http:"]})
def widget(request):
    """The map alone, to embed in a partner's site with an iframe."""
    filters, _problems = _filters_from(request)
    return render(request, "annuaire/widget.html", {"query": request.GET.urlencode(), "filters": filters})
