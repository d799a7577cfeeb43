"""The portal's public JSON API, version 1, mounted at /api/v1/ by cress/urls.py.

It serves the directory only, so the directory owns it (its open-data page links it).
When another app publishes data here, the composition root gathers each app's
endpoints under this namespace instead.
"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from annuaire.api import OrganisationDetail, OrganisationList

app_name = "api"

urlpatterns = [
    path("structures/", OrganisationList.as_view(), name="structures"),
    path("structures/<slug:identifiant>/", OrganisationDetail.as_view(), name="structure"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
