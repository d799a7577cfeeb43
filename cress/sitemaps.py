"""sitemap.xml: every kind of public page, assembled here because it spans the apps.

News and events come from `visible()` (no draft, nothing scheduled for later); the
directory's published organisations are split in pages of 50 000 (the protocol's limit).
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from annuaire.models import Organisation
from communication.models import Event, NewsArticle
from cress.navigation import INTAKE, live_areas
from emplois.selectors import offer_url, sitemap_offers
from experimentations.models import FinancialTool
from formation.selectors import published_trainings
from partenariats.selectors import partner_url, sitemap_partners
from referentiels.models import Territory, TerritoryKind
from territoires.models import Plan, Policy


class PagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        areas = [area.url_name for area in (*live_areas(), INTAKE)]
        return [
            "home", *areas, "accueil:guide", "agenda:archives", "annuaire:donnees",
            "a-propos", "mentions-legales", "donnees-personnelles", "accessibilite", "accessibilite-grille",
            "plan-du-site",
        ]  # fmt: skip

    def location(self, item):
        return reverse(item)

    def priority(self, item):
        return 1.0 if item == "home" else 0.6


class NewsSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return NewsArticle.objects.visible().only("slug", "updated_at").order_by("-publish_at", "pk")

    def lastmod(self, item):
        return item.updated_at


class EventsSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Event.objects.visible().only("slug", "updated_at").order_by("-starts_at", "pk")

    def lastmod(self, item):
        return item.updated_at


class OrganisationsSitemap(Sitemap):
    changefreq = "monthly"
    limit = 50_000

    def items(self):
        return Organisation.objects.filter(is_published=True).only("slug", "updated_at").order_by("pk")

    def location(self, item):
        return reverse("annuaire:structure", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


class ObservatorySitemap(Sitemap):
    """The observatory's pages and the portrait of every territory it describes (région,
    arrondissements, intercommunalités, communes), which exist whether or not figures are
    published (the portrait then says none are)."""

    changefreq = "monthly"
    PAGES = (
        "observatoire:explorer",
        "observatoire:portraits",
        "observatoire:niches",
        "observatoire:methode",
        "observatoire:panorama",
        "observatoire:publications",
    )
    KINDS = (TerritoryKind.REGION, TerritoryKind.ARRONDISSEMENT, TerritoryKind.EPCI, TerritoryKind.COMMUNE)

    def items(self):
        territories = (
            Territory.objects.filter(kind__in=self.KINDS).order_by("kind", "code").values_list("code", flat=True)
        )
        return [*self.PAGES, *(("portrait", code) for code in territories)]

    def location(self, item):
        if isinstance(item, tuple):
            return reverse("observatoire:portrait", args=[item[1]])
        return reverse(item)


class TerritoriesSitemap(Sitemap):
    """The page of every territory: the région, its arrondissements, intercommunalities and
    communes."""

    changefreq = "weekly"
    KINDS = (TerritoryKind.REGION, TerritoryKind.ARRONDISSEMENT, TerritoryKind.EPCI, TerritoryKind.COMMUNE)

    def items(self):
        return list(Territory.objects.filter(kind__in=self.KINDS).order_by("kind", "name").values_list("kind", "slug"))

    def location(self, item):
        return reverse("territoires:territoire", args=list(item))


class TrainingsSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return published_trainings().only("slug", "updated_at").order_by("title", "pk")

    def location(self, item):
        return reverse("formation:formation", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


class PartnersSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return sitemap_partners()

    def location(self, item):
        return partner_url(item)

    def lastmod(self, item):
        return item.updated_at


class FinancialToolsSitemap(Sitemap):
    """The financial tools' list and finder, and every published tool."""

    changefreq = "weekly"

    def items(self):
        tools = FinancialTool.objects.filter(status=FinancialTool.Status.PUBLISHED).only("slug", "updated_at")
        return ["experimentations:tools", "experimentations:finder", *tools.order_by("slug")]

    def location(self, item):
        return reverse(item) if isinstance(item, str) else reverse("experimentations:tool", args=[item.slug])

    def lastmod(self, item):
        return None if isinstance(item, str) else item.updated_at


class TerritorialPlansSitemap(Sitemap):
    """The published territorial plans and policies, and their two lists."""

    changefreq = "monthly"

    def items(self):
        plans = Plan.objects.filter(is_published=True).only("slug", "updated_at").order_by("slug")
        policies = Policy.objects.filter(is_published=True).only("slug", "updated_at").order_by("slug")
        return ["territoires:plans", "territoires:politiques", *plans, *policies]

    def location(self, item):
        if isinstance(item, Plan):
            return reverse("territoires:plan", args=[item.slug])
        if isinstance(item, Policy):
            return reverse("territoires:politique", args=[item.slug])
        return reverse(item)

    def lastmod(self, item):
        return None if isinstance(item, str) else item.updated_at


class JobOffersSitemap(Sitemap):
    """The open job and volunteering offers (the list is an area: PagesSitemap)."""

    changefreq = "daily"

    def items(self):
        return sitemap_offers()

    def location(self, item):
        return offer_url(item)

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    "actualites": NewsSitemap,
    "agenda": EventsSitemap,
    "annuaire": OrganisationsSitemap,
    "observatoire": ObservatorySitemap,
    "territoires": TerritoriesSitemap,
    "formations": TrainingsSitemap,
    "partenaires": PartnersSitemap,
    "plans-territoriaux": TerritorialPlansSitemap,
    "outils-financiers": FinancialToolsSitemap,
    "emplois": JobOffersSitemap,
}
