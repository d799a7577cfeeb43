from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_page

from cress import views
from cress.navigation import INTAKE, live_areas
from cress.sitemaps import SITEMAPS

SITEMAP_CACHE_SECONDS = 15 * 60  # the directory's pages hold 50 000 addresses each

admin.site.site_header = "Portail ESS Réunion — gestion"
admin.site.site_title = "Gestion du portail ESS Réunion"
admin.site.index_title = "Espace de gestion de la CRESS"


urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(".well-known/security.txt", views.security_txt, name="security-txt"),
    path(
        "sitemap.xml",
        cache_page(SITEMAP_CACHE_SECONDS)(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_page(SITEMAP_CACHE_SECONDS)(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("mentions-legales/", views.legal_notice, name="mentions-legales"),
    path("donnees-personnelles/", views.personal_data, name="donnees-personnelles"),
    path("accessibilite/", views.accessibility, name="accessibilite"),
    path("accessibilite/grille/", views.accessibility_grid, name="accessibilite-grille"),
    path("plan-du-site/", views.site_map, name="plan-du-site"),
    path("a-propos/", views.about, name="a-propos"),
    path("securite/", views.security_policy, name="securite"),
    path("mon-espace/", views.member_space, name="mon-espace"),
    path("compte/", include("comptes.urls")),
    path("api/v1/", include("annuaire.api_urls")),
    # Any other address under /api/ answers the API's JSON 404, in development too (with
    # DEBUG, Django would show its own HTML page instead of calling handler404).
    re_path(r"^api/", views.api_not_found),
    path(settings.ADMIN_URL, admin.site.urls),
    # Only the areas that work are routed: an area still to come answers 404 (cress/navigation.py).
    *(path(area.path, include(area.urls)) for area in (*live_areas(), INTAKE)),
]

if settings.BENCHMARK_VIEWS:
    urlpatterns.append(path("_bench/gabarit/", views.bare_layout))

handler400 = "cress.views.error_400"
handler403 = "cress.views.error_403"
handler404 = "cress.views.error_404"
handler500 = "cress.views.error_500"
