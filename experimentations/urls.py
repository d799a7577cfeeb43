"""Action 7's public pages under /financer-et-acheter/ (cress.navigation).

Each part keeps its own list of routes (financial tools, alerts, buyers' needs, the
suppliers' private pages, experiments); this module only joins them.
"""

from experimentations.urls_alerts import urlpatterns as alerts
from experimentations.urls_experiments import urlpatterns as experiments
from experimentations.urls_needs import urlpatterns as needs
from experimentations.urls_suppliers import urlpatterns as suppliers
from experimentations.urls_tools import urlpatterns as tools

app_name = "experimentations"

urlpatterns = [*tools, *alerts, *needs, *suppliers, *experiments]
