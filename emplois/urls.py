"""The ESS job board's pages under /emplois/ (cress.navigation).

Each part keeps its own list of routes (public offers, applications, the employer's space,
alerts); this module only joins them.
"""

from emplois.urls_alerts import urlpatterns as alerts
from emplois.urls_applications import urlpatterns as applications
from emplois.urls_employer import urlpatterns as employer
from emplois.urls_metiers import urlpatterns as metiers
from emplois.urls_public import urlpatterns as public
from emplois.urls_skills import urlpatterns as competences

app_name = "emplois"

urlpatterns = [*public, *metiers, *applications, *alerts, *employer, *competences]
