"""The supplier's private pages (its link, emailed in batches: experimentations/batches.py)."""

from django.urls import path

from experimentations import views_suppliers

urlpatterns = [
    path("achats/fournisseur/<str:token>/", views_suppliers.supplier, name="supplier"),
    path("achats/fournisseur/<str:token>/besoin/", views_suppliers.supplier_need, name="supplier-need"),
]
