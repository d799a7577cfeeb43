import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from annuaire.forms import DirectoryFilterForm
from annuaire.models import Organisation
from annuaire.search import search_directory
from referentiels.models import Territory


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


@require_GET
@vary_on_headers("HX-Request")
def directory(request):
    form = DirectoryFilterForm(request.GET)
    filters, problems = form.to_filters()
    page = search_directory(filters)
    active_filters = [
        (facet.param, option["value"]) for facet in page.facets for option in facet.options if option["selected"]
    ]
    context = {"form": form, "result": page, "problems": problems, "active_filters": active_filters}
    template = "annuaire/_annuaire.html" if is_htmx(request) else "annuaire/annuaire.html"
    return render(request, template, context)


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
    # Escaped like json_script: no "</script>" can close the element early.
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_json_script_escapes))  # noqa: S308


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
        },
    )
