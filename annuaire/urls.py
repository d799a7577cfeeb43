from django.urls import path

from annuaire import contribution_views, views

app_name = "annuaire"

urlpatterns = [
    path("", views.directory, name="index"),
    path("structure/<slug:slug>/", views.organisation_detail, name="structure"),
    path("carte.json", views.map_data, name="carte-donnees"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("export.geojson", views.export_geojson, name="export-geojson"),
    path("donnees/", views.open_data, name="donnees"),
    path("widget/", views.widget, name="widget"),
    path("proposer/", contribution_views.propose, name="proposer"),
    path("structure/<slug:slug>/corriger/", contribution_views.correct, name="corriger"),
    path("structure/<slug:slug>/gerer/", contribution_views.claim, name="revendiquer"),
    path("structure/<slug:slug>/modifier/", contribution_views.member_edit, name="modifier"),
    path("confirmation/<str:token>/", contribution_views.confirm_claim, name="confirmer"),
]
