"""The public offers: the list with its search and facets, an offer's page (410 once it has
closed, with similar open offers), the RSS feed of new offers.

Every search reads emplois.search.OfferFilters (one place); the reads an offer's page needs
are emplois.selectors.
"""

from django.conf import settings
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from emplois import selectors
from emplois.models import ApplyMode, Offer
from emplois.search import PARAMETERS, RANK_CANDIDATES, OfferFilters, search_offers
from lib.jsonld import json_ld
from lib.listing import active_filters, page_number, requested
from lib.richtext import clean_html

# Never shown to the public, whatever the address.
NOT_PUBLIC = (Offer.Status.DRAFT, Offer.Status.REVIEW, Offer.Status.REFUSED)


@require_GET
def index(request):
    """The open offers, newest first (the most relevant first for words), with facets."""
    filters = OfferFilters(requested(request.GET, PARAMETERS))
    result = search_offers(filters, page=page_number(request.GET.get("page")))
    normalised = filters.normalised()
    query = QueryDict(filters.querystring(), mutable=True)
    active = active_filters(result.facets, normalised, reverse("emplois:index"))
    context = {
        "result": result,
        "page": result.page,
        "cards": [{"offer": offer, "url": selectors.offer_url(offer)} for offer in result.page.items],
        "given": {name: normalised.get(name, "") for name in PARAMETERS},
        "errors": filters.error_messages(),
        "query": query,
        "querystring": filters.querystring(),
        "active_filters": active,
        "description": filters.describe(),
        "noindex": bool(normalised) or result.page.number > 1,
        "rank_candidates": RANK_CANDIDATES,
    }
    return render(request, "emplois/offres.html", context)


@require_GET
def offer_page(request, pk: int, slug: str):
    """An open offer's page; 410 with similar open offers once it has closed; 404 for an
    offer never published (draft, in review, refused); 301 to the right slug."""
    offer = selectors.page_offer(pk)
    if offer is None or offer.status in NOT_PUBLIC:
        raise Http404("Cette offre n'existe pas ou n'est pas publiée.")
    url = selectors.offer_url(offer)
    if slug != offer.slug:
        return redirect(url, permanent=True)
    context = {
        "offer": offer,
        "offer_url": url,
        "organisation_url": selectors.organisation_url(offer),
        "summary": selectors.card_summary(offer),
        "place": selectors.place_words(offer),
    }
    if not selectors.is_open(offer):
        context["similar"] = [
            {"offer": similar, "url": selectors.offer_url(similar)} for similar in selectors.similar_offers(offer)
        ]
        context["filled"] = offer.status == Offer.Status.FILLED
        context["list_url"] = reverse("emplois:index") + f"?metier={offer.rome.domain.code}"
        return render(request, "emplois/offre_close.html", context, status=410)
    context.update(
        {
            "pay": selectors.pay_words(offer),
            "time": selectors.time_words(offer),
            "start": selectors.start_words(offer),
            "description": clean_html(offer.description),
            "profile": clean_html(offer.profile),
            "portal_apply": offer.apply_mode == ApplyMode.PORTAL,
            "json_ld": json_ld(selectors.job_posting(offer)),
            "canonical": settings.SITE_URL + url,
            "meta_description": selectors.meta_description(offer),
        }
    )
    return render(request, "emplois/offre.html", context)
