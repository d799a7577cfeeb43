"""The site's URLconf with the formation area mounted at /formations/, for the tests of the
parts of Action 6 built before the area is live (cress/navigation.py gives it its `urls`
with the catalogue). Once it is live this is the site's URLconf itself; then delete it
and the `pytest.mark.urls("tests.formation.urls_mounted")` marks."""

from django.urls import include, path

from cress.navigation import AREAS
from cress.urls import urlpatterns as site

if any(area.namespace == "formation" and area.live for area in AREAS):
    urlpatterns = site
else:
    urlpatterns = [*site, path("formations/", include("formation.urls"))]
