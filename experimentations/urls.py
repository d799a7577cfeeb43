"""The public pages of Action 7, under /financer-et-acheter/ (each part in its own URLconf)."""

from experimentations import urls_suppliers

app_name = "experimentations"

urlpatterns = [
    *urls_suppliers.urlpatterns,
]
