"""The public offers."""

from django.core.paginator import Paginator
from django.shortcuts import render

from emplois.models import Offer

PAGE_SIZE = 20


def index(request):
    """The published offers, newest first."""
    offers = (
        Offer.objects.filter(status=Offer.Status.PUBLISHED)
        .select_related("organisation", "commune", "rome")
        .order_by("-published_at", "-pk")
    )
    page = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "emplois/offres.html", {"page": page})
