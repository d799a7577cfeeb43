"""The resource centre's public pages: the list with its search and facets, a resource's
page, its download (counted, then served as an attachment)."""

from django.core.cache import cache
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from appartenance import resources
from appartenance.models_resources import Resource
from lib.downloads import file_response
from lib.listing import active_filters, page_number, requested
from lib.richtext import clean_html
from lib.uploads import KINDS


@require_GET
def resource_list(request):
    """The published resources, the newest first (the most relevant first for words), with
    facets. The results' HTML is cached per normalised search and page under the resources'
    version: a search seen before costs no query; an address with a value not understood
    is rendered afresh (its French message is part of the body)."""
    filters = resources.ResourceFilters(requested(request.GET, resources.PARAMETERS))
    number = page_number(request.GET.get("page"))
    errors = filters.error_messages()
    normalised = filters.normalised()
    key = f"appartenance:ressources:page:{resources.current_version()}:{filters.selection_key()}:{number}"
    body = None if errors else cache.get(key)
    if body is None:
        body = _list_body(filters, number, errors)
        if not errors:
            cache.set(key, body, resources.SUMMARY_TTL)
    context = {"body": body, "filters": filters, "noindex": bool(normalised) or number > 1}
    return render(request, "appartenance/resources/liste.html", context)


def _list_body(filters, number: int, errors: list[str]) -> str:
    result = resources.search_resources(filters, page=number)
    normalised = filters.normalised()
    querystring = filters.querystring()
    context = {
        "result": result,
        "page": result.page,
        "given": {name: normalised.get(name, "") for name in resources.PARAMETERS},
        "errors": errors,
        "query": QueryDict(querystring, mutable=True),
        "querystring": querystring,
        "active_filters": active_filters(result.facets, normalised, reverse("appartenance:resources")),
    }
    return render_to_string("appartenance/resources/_liste_corps.html", context)


def _published(slug: str, *fields) -> Resource:
    found = Resource.objects.published().filter(slug=slug)
    resource = (found.only(*fields) if fields else found.prefetch_related("tags")).first()
    if resource is None:
        raise Http404("Cette ressource n'existe pas ou n'est pas publiée.")
    return resource


@require_GET
def resource_page(request, slug):
    resource = _published(slug)
    context = {
        "resource": resource,
        "body": clean_html(resource.body),
        **resources.resource_tags(resource),
        "file_label": KINDS[resource.file_kind][0][1:].upper() if resource.file_kind in KINDS else "",
    }
    return render(request, "appartenance/resources/ressource.html", context)


@require_GET
def resource_download(request, slug):
    """Count the download, then serve the file as an attachment under a name made from the
    title and the kind read at upload (never the uploaded name), or go to the external page."""
    resource = _published(slug, "pk", "slug", "title", "file", "file_kind", "external_url")
    if resource.external_url:
        resources.count_download(resource)
        return HttpResponseRedirect(resource.external_url)
    if not resource.file or resource.file_kind not in KINDS:
        raise Http404("Le fichier de cette ressource n'est pas disponible.")
    try:
        stored = resource.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("Le fichier de cette ressource n'est pas disponible.") from missing
    resources.count_download(resource)
    extension, content_type = KINDS[resource.file_kind]
    name = f"{slugify(resource.title)[:80] or 'ressource'}{extension}"
    return file_response(stored, filename=name, content_type=content_type)
