"""The public offers: the list with its search and facets, an offer's page (410 once it has
closed, with similar open offers), the RSS feed of new offers.

Every search reads emplois.search.OfferFilters (one place); the reads an offer's page needs
are emplois.selectors.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from emplois import selectors
from emplois.models import ApplyMode, Offer
from emplois.search import (
    PARAMETERS,
    RANK_CANDIDATES,
    SUMMARY_TTL,
    OfferFilters,
    page_number,
    results_key,
    search_offers,
)
from lib import cacheversion
from lib.jsonld import json_ld
from lib.richtext import clean_html

MAX_VALUE_LENGTH = 300
# Never shown to the public, whatever the address.
NOT_PUBLIC = (Offer.Status.DRAFT, Offer.Status.REVIEW, Offer.Status.REFUSED)


def _requested(request) -> QueryDict:
    """The search's own parameters (the last value of each); others are not read."""
    query = QueryDict(mutable=True)
    for name in PARAMETERS:
        value = request.GET.get(name, "")
        if value:
            query[name] = value[:MAX_VALUE_LENGTH]
    return query


@require_GET
def index(request):
    """The open offers, newest first (the most relevant first for words), with facets. The
    facets and the page of results are rendered once per normalised search and page, and
    cached under the offers' and the directory's versions and the day (emplois.search)."""
    filters = OfferFilters(_requested(request))
    number = page_number(request.GET.get("page"))
    with cacheversion.prefetched():  # the versions the keys need, in one round trip
        key = results_key(filters, number)
        cached = cache.get(key)
        if cached is None:
            cached = _results(filters, number)
            if cached[1] == number:  # a page past the end is not kept: only real pages fill the cache
                cache.set(key, cached, SUMMARY_TTL)
    html, shown = cached
    normalised = filters.normalised()
    context = {
        "filters": filters,
        "results": html,
        "given": {name: normalised.get(name, "") for name in PARAMETERS},
        "errors": filters.error_messages(),
        "querystring": filters.querystring(),
        "description": filters.describe(),
        "noindex": bool(normalised) or shown > 1,
    }
    return render(request, "emplois/offres.html", context)


def _results(filters: OfferFilters, number: int) -> tuple[str, int]:
    """The facets and the page of results, rendered (without the request: nothing of the
    visitor may enter what is cached), and the number of the page shown."""
    result = search_offers(filters, page=number)
    normalised = filters.normalised()
    active = [
        {
            "label": facet.label,
            "value": option["label"],
            "remove": _index_without(normalised, facet.param),
        }
        for facet in result.facets
        for option in facet.options
        if option["selected"]
    ]
    context = {
        "result": result,
        "page": result.page,
        "cards": [{"offer": offer, "url": selectors.offer_url(offer)} for offer in result.page.offers],
        "given": {name: normalised.get(name, "") for name in PARAMETERS},
        "query": QueryDict(filters.querystring(), mutable=True),
        "querystring": filters.querystring(),
        "active_filters": active,
        "rank_candidates": RANK_CANDIDATES,
    }
    return render_to_string("emplois/_offres_resultats.html", context), result.page.number


def _index_without(normalised: dict, name: str) -> str:
    """The list's address with the same search but one filter less."""
    remaining = urlencode({key: value for key, value in normalised.items() if key != name})
    return reverse("emplois:index") + (f"?{remaining}" if remaining else "")


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
