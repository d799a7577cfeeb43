"""The pages of « L'ESS et vous » under /ess/ (cress.navigation). Each part keeps its own
list of routes (urls_*.py); this module only joins them."""

from django.urls import path

from appartenance import urls_resources, views

app_name = "appartenance"

urlpatterns = [
    path("", views.index, name="index"),
    *urls_resources.urlpatterns,
]
