from django.conf import settings
from django.urls import reverse_lazy

from cress.navigation import AREAS

# The site's own pages that an app's page may link to: the apps' templates take them from
# here rather than naming the composition root's URLs (tests/test_layering.py).
SITE_PAGES = {
    "home_url": reverse_lazy("home"),
    "personal_data_url": reverse_lazy("donnees-personnelles"),
}


def site(request):
    """What the base layout needs on every page: the menu and the site's identity."""
    path = request.path
    menu = [{"label": area.label, "url": f"/{area.path}", "active": path.startswith(f"/{area.path}")} for area in AREAS]
    return {
        "site_name": settings.SITE_NAME,
        "main_menu": menu,
        "admin_url": f"/{settings.ADMIN_URL}",
        "contact_email": settings.CONTACT_EMAIL,
        "map_tiles_url": settings.MAP_TILES_URL,
        "map_attribution": settings.MAP_ATTRIBUTION,
        **SITE_PAGES,
    }
