"""Les métiers de l'ESS: the families of métiers and, for each, what the work is, its ROME
fiches, the trainings that lead to it, its open offers and the region's employment figure.

The trainings and the figure come from registries (lib.trainings, lib.employment_figures)
that the catalogue and the observatory fill: this page never imports them."""

from django.shortcuts import get_object_or_404, render

from emplois.metiers import MetierFamily, open_offers, published_families
from lib import employment_figures, trainings
from lib.resources import resources_for, topic

TRAININGS_SHOWN = 6
NEWEST_OFFERS = 5


def index(request):
    """Every published family with its fiches and its count of open offers: two queries."""
    return render(request, "emplois/metiers/index.html", {"families": published_families()})


def detail(request, slug):
    family = get_object_or_404(MetierFamily.objects.filter(is_published=True), slug=slug)
    fiches = list(family.rome_fiches.order_by("code"))
    codes = [fiche.code for fiche in fiches]
    context = {
        "family": family,
        "fiches": fiches,
        "offers": open_offers(family, codes, newest=NEWEST_OFFERS),
        "trainings": trainings.trainings_for(codes, limit=TRAININGS_SHOWN),
        "figures": employment_figures.figures_for(family.naf_division_codes),
        "useful_resources": resources_for(topic("metier", family.slug)),
        "others": MetierFamily.objects.filter(is_published=True).exclude(pk=family.pk).only("slug", "name"),
    }
    return render(request, "emplois/metiers/famille.html", context)
