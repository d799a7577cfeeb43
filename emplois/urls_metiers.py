"""Les métiers de l'ESS: the families of métiers and a page for each."""

from django.urls import path

from emplois import views_metiers

urlpatterns = [
    path("metiers/", views_metiers.index, name="metiers"),
    path("metiers/<slug:slug>/", views_metiers.detail, name="metier"),
]
