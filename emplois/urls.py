"""The ESS job board's pages under /emplois/ (cress.navigation).

Each part keeps its own list of routes (public offers, applications, the employer's space,
alerts); this module only joins them.
"""

from emplois.urls_public import urlpatterns as public
from emplois.urls_skills import urlpatterns as competences

app_name = "emplois"

urlpatterns = [*public, *competences]
