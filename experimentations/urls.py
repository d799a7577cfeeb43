"""The public pages of Action 7, mounted at /financer-et-acheter/ (cress.navigation).

Each part keeps its own list of routes; this module only joins them.
"""

from django.urls import path
from django.views.generic import RedirectView

from experimentations.urls_needs import urlpatterns as needs

app_name = "experimentations"

urlpatterns = [
    # Until the hub page (the « outils » slice) lands, the area's index leads to the buyers' part.
    path("", RedirectView.as_view(pattern_name="experimentations:need-new"), name="index"),
    *needs,
]
