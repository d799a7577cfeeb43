from django.urls import path

from annuaire import views

app_name = "annuaire"

urlpatterns = [
    path("", views.directory, name="index"),
    path("structure/<slug:slug>/", views.organisation_detail, name="structure"),
    path("carte.json", views.map_data, name="carte-donnees"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("export.geojson", views.export_geojson, name="export-geojson"),
    path("donnees/", views.open_data, name="donnees"),
    path("widget/", views.widget, name="widget"),
]
