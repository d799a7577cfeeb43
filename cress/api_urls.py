"""The portal's public JSON API, version 1."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from annuaire.api import OrganisationDetail, OrganisationList

app_name = "api"

urlpatterns = [
    path("structures/", OrganisationList.as_view(), name="structures"),
    path("structures/<slug:slug>/", OrganisationDetail.as_view(), name="structure"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
