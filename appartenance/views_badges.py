"""The membership badge's pages: the images other sites embed (SVG, PNG), the verification
page their link opens, and the members' page with the snippets to copy."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET

from annuaire.models import PartnerMembership
from appartenance.badges import Badge, BadgeState, badge_for_token, badge_png, cached_image, current_badges
from lib.cookieless import cookieless

# The badge alone may be framed and hot-linked by any site; every other page keeps the strict policy.
EMBEDDABLE_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}


def _embeddable(view):
    return require_GET(cookieless(xframe_options_exempt(csp_override(EMBEDDABLE_CSP)(view))))


def _image(request, token: str, kind: str, content_type: str, body) -> HttpResponse:
    etag, content = cached_image(token, kind, body)
    if etag is None:
        raise Http404("Ce badge n'existe pas.")
    response = get_conditional_response(request, etag=etag) or HttpResponse(content, content_type=content_type)
    response["ETag"] = etag
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    patch_cache_control(response, public=True, max_age=settings.BADGE_MAX_AGE)
    return response


def _svg(badge: Badge) -> str:
    return render_to_string("appartenance/badges/badge.svg", {"badge": badge})


@_embeddable
def badge_svg(request, token):
    return _image(request, token, "svg", "image/svg+xml; charset=utf-8", _svg)


@_embeddable
def badge_png_view(request, token):
    return _image(request, token, "png", "image/png", badge_png)


@require_GET
def badge_verification(request, token):
    badge = badge_for_token(token)
    if badge is None:
        raise Http404("Ce badge n'existe pas.")
    return render(
        request,
        "appartenance/badges/verification.html",
        {"badge": badge, "states": BadgeState, "contact_email": settings.CONTACT_EMAIL},
    )


@login_required
@require_GET
def member_badges(request):
    """The badges of the organisations the person acts for (PartnerMembership), and only theirs."""
    organisations = [
        membership.organisation
        for membership in PartnerMembership.objects.filter(user=request.user)
        .select_related("organisation")
        .order_by("organisation__name")
    ]
    badges = current_badges(organisations)
    rows = [
        {"organisation": organisation, "badge": badges.get(organisation.pk), "site": settings.SITE_URL}
        for organisation in organisations
    ]
    return render(request, "appartenance/badges/membres.html", {"rows": rows, "states": BadgeState})
