"""The financial tools' public pages (views_tools), under /financer-et-acheter/."""

from django.urls import path

from experimentations import views_tools

urlpatterns = [
    path("", views_tools.hub, name="index"),
    path("outils/", views_tools.tool_list, name="tools"),
    path("outils/donnees.csv", views_tools.open_data_csv, name="tools-csv"),
    path("outils/donnees.json", views_tools.open_data_json, name="tools-json"),
    path("outils/<slug:slug>/", views_tools.tool_detail, name="tool"),
    path("trouver/", views_tools.finder, name="finder"),
]
