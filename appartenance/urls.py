"""The pages of « L'ESS et vous » under /ess/ (cress.navigation). Each part keeps its own
list of routes (urls_*.py); this module only joins them."""

from django.urls import path

from appartenance import views
from appartenance.urls_badges import urlpatterns as badges
from appartenance.urls_guide import urlpatterns as guide
from appartenance.urls_prix import urlpatterns as prix
from appartenance.urls_report import urlpatterns as report
from appartenance.urls_resources import urlpatterns as resources
from appartenance.urls_selfcheck import urlpatterns as selfcheck

app_name = "appartenance"

urlpatterns = [
    path("", views.index, name="index"),
    *report,
    *guide,
    *selfcheck,
    *badges,
    *resources,
    *prix,
]
