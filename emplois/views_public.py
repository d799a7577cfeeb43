"""The public offers: the list with its search and facets, an offer's page (410 once it has
closed, with similar open offers), the RSS feed of new offers.

Every search reads emplois.search.OfferFilters (one place); the reads an offer's page needs
are emplois.selectors.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from emplois import results_page, selectors
from emplois.models import ApplyMode, Offer
from emplois.search import (
    PARAMETERS,
    SUMMARY_TTL,
    OfferFilters,
    counted_with_page,
    results_key,
    search_offers,
    summary_key,
    without_page,
)
from lib import cacheversion
from lib.jsonld import json_ld
from lib.listing import active_filters, page_number, requested
from lib.page_shell import page_with_parts
from lib.richtext import clean_html

# Never shown to the public, whatever the address.
NOT_PUBLIC = (Offer.Status.DRAFT, Offer.Status.REVIEW, Offer.Status.REFUSED)


@require_GET
def index(request):
    """The open offers, newest first (the most relevant first for words), with facets. The
    facets and the page of results are written once per normalised search and page, and
    cached under the offers' and the directory's versions and the day (emplois.search); the
    layout around them is rendered once per process for anonymous visitors (lib.page_shell)."""
    number = page_number(request.GET.get("page"))
    now = timezone.now()
    with cacheversion.prefetched():  # the versions the keys need, in one round trip
        filters = OfferFilters(requested(request.GET, PARAMETERS))  # the version of its options read ahead too
        key, counts_key = results_key(filters, number, now), summary_key(filters, now)
        found = cache.get_many([key, counts_key])  # the page's results, and its selection's counts
        cached = found.get(key)
        if cached is None:
            counts, writes = found.get(counts_key), {}
            if counts is None:  # the counts and the page's ids in one statement
                counts = counted_with_page(filters, now, number)
                writes[counts_key] = without_page(counts)
            cached = _results(filters, number, now, counts)
            if cached[1] == number:  # a page past the end is not kept: only real pages fill the cache
                writes[key] = cached
            if writes:
                cache.set_many(writes, SUMMARY_TTL)  # one round trip
    html, shown = cached
    normalised = filters.normalised()
    parts = results_page.parts(
        results_html=html,
        words=normalised.get("q", ""),
        description=filters.describe(),
        errors=filters.error_messages(),
        noindex=bool(normalised) or shown > 1,
        searched=bool(normalised),
    )
    return page_with_parts(request, "emplois/offres.html", parts)


def _results(filters: OfferFilters, number: int, now, counts: dict) -> tuple[str, int]:
    """The facets and the page of results, written without the request (nothing of the
    visitor may enter what is cached), and the number of the page shown."""
    result = search_offers(filters, page=number, now=now, counts=counts)
    active = active_filters(result.facets, filters.normalised(), reverse("emplois:index"))
    return results_page.results(result, active), result.page.number


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
            {"offer": similar, "html": mark_safe(results_page.card(similar))}  # noqa: S308 — escaped there
            for similar in selectors.similar_offers(offer)
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
