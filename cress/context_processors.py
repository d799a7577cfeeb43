from django.conf import settings
from django.urls import reverse, reverse_lazy

from cress import accessibility
from cress.navigation import TRACKING, live_areas

# The site's own pages that an app's page may link to: the apps' templates take them from
# here rather than naming the composition root's URLs (tests/test_layering.py).
SITE_PAGES = {
    "home_url": reverse_lazy("home"),
    "personal_data_url": reverse_lazy("donnees-personnelles"),
}


def site(request):
    """What the base layout needs on every page: the menu and the site's identity."""
    path = request.path
    menu = []
    for area in live_areas():
        url = reverse(area.url_name)
        menu.append({"label": area.label, "url": url, "active": path.startswith(url)})
    tracking = reverse(TRACKING.url_name)
    return {
        "site_name": settings.SITE_NAME,
        # Django's auth views put the request's host in `site_name`: the layout uses its own name.
        "portal_name": settings.SITE_NAME,
        "main_menu": menu,
        "tracking_link": {"label": TRACKING.label, "url": tracking, "active": path.startswith(tracking)},
        "admin_url": f"/{settings.ADMIN_URL}",
        "contact_email": settings.CONTACT_EMAIL,
        "map_tiles_url": settings.MAP_TILES_URL,
        "map_attribution": settings.MAP_ATTRIBUTION,
        "accessibility_state": accessibility.statement().state,
        **SITE_PAGES,
    }
