"""The public partners pages of Action 1: the partners by kind, one partner's page, and its
logo.

Both pages are rendered once per version of the partnerships' data (partenariats.cache,
bumped on commit by every change) and served from the cache: a cached page costs no
query. A kind filter the page does not know shows every partner with a notice, never an
error; its answer is the cached page of all partners.
"""

from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_GET

from lib.downloads import file_response
from lib.uploads import KINDS, detect_kind
from partenariats import cache, selectors
from partenariats.models import PartnerKind

KIND_PARAMETER = "type"
LOGO_MAX_AGE = 365 * 24 * 3600


def _initials(organisation) -> str:
    """Shown in place of a missing logo: the acronym, or the capitals of the name."""
    if organisation.acronym:
        return organisation.acronym[:4]
    capitals = [word[0] for word in organisation.name.split() if word[:1].isupper()]
    return "".join(capitals[:3]) or organisation.name[:1].upper()


def _card(partner, *, with_parties: bool = False) -> dict:
    """What a partner's card and page show, computed once when the page is rendered."""
    conventions = []
    for convention in partner.live_conventions:
        others = []
        if with_parties:
            others = [
                (other, selectors.partner_url(other))
                for other in convention.parties.all()
                if other.pk != partner.pk and other.is_public
            ]
        conventions.append(selectors.public_convention(convention, others=others))
    return {
        "partner": partner,
        "url": selectors.partner_url(partner),
        "logo_url": selectors.logo_url(partner),
        "initials": _initials(partner.organisation),
        "conventions": conventions,
        "years": [
            (year, [(figure, selectors.figure_value(figure)) for figure in figures])
            for year, figures in selectors.figures_by_year(partner.published)
        ],
    }


@require_GET
def index(request):
    asked = request.GET.get(KIND_PARAMETER, "")
    kind = asked if asked in PartnerKind.values else ""

    def render_fragment():
        partners = selectors.public_partners()
        sections = selectors.by_kind(partners)
        shown = [section for section in sections if not kind or section.kind == kind]
        context = {
            "kind": kind,
            "kind_heading": selectors.KIND_HEADINGS.get(kind, ""),
            "total": len(partners),
            "conventions": len({c.pk for p in partners for c in p.live_conventions}),
            "filters": [(section.kind, section.heading, len(section.partners)) for section in sections],
            "sections": [(section, [_card(partner) for partner in section.partners]) for section in shown],
            "parameter": KIND_PARAMETER,
        }
        return {
            "title": "Les partenaires de la CRESS" + (f" — {selectors.KIND_HEADINGS[kind]}" if kind else ""),
            "header": render_to_string("partenariats/public/_index_entete.html", context),
            "body": render_to_string("partenariats/public/_index_corps.html", context),
        }, True

    fragment = cache.fragment("index", (kind,), render_fragment)
    context = {"fragment": fragment, "unknown_kind": bool(asked) and not kind, "filtered": bool(kind)}
    return render(request, "partenariats/public/index.html", context)


@require_GET
def partner(request, slug):
    def render_fragment():
        found = selectors.public_partner(slug)
        if found is None:
            return None, False
        context = {
            "card": _card(found, with_parties=True),
            "partner": found,
            "heading": selectors.KIND_HEADINGS[found.kind],
            "territories": [territory.name for territory in found.territories.all()],
            "parameter": KIND_PARAMETER,
        }
        return {
            "title": f"{found.organisation.name} — partenaire de la CRESS",
            "description": found.public_description[:300],
            "body": render_to_string("partenariats/public/_partenaire_corps.html", context),
        }, True

    fragment = cache.fragment(f"partner-{slug}", (), render_fragment)
    if fragment is None:
        raise Http404("Ce partenaire n'existe pas ou n'est pas présenté au public.")
    return render(request, "partenariats/public/partenaire.html", {"fragment": fragment})


@require_GET
def logo(request, slug, name):
    """A public partner's logo, as stored: kept a year by browsers (its address changes with
    the file), answered 304 when the browser already has it."""
    stored = selectors.stored_logo(slug)
    if not stored or stored.rsplit("/", 1)[-1] != name:
        raise Http404("Ce logo n'existe pas.")
    etag = '"' + name.split(".", 1)[0] + '"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        not_modified["ETag"] = etag
        patch_cache_control(not_modified, public=True, max_age=LOGO_MAX_AGE, immutable=True)
        return not_modified
    try:
        image = default_storage.open(stored, "rb")
    except FileNotFoundError as missing:
        raise Http404("Ce logo n'existe pas.") from missing
    kind = detect_kind(image)
    if kind not in {"png", "jpeg", "webp"}:
        image.close()
        raise Http404("Ce logo n'existe pas.")
    response = file_response(image, filename=f"logo.{kind}", content_type=KINDS[kind][1])
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=LOGO_MAX_AGE, immutable=True)
    return response
