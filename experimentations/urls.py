"""Action 7's public pages under /financer-et-acheter/: each part adds its own module."""

from experimentations import urls_alerts, urls_tools

app_name = "experimentations"

urlpatterns = [*urls_tools.urlpatterns, *urls_alerts.urlpatterns]
