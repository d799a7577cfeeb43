"""Routes of formation: catalogue (joined in formation/urls.py, namespace « formation »)."""

from django.urls import path

from formation import views_catalogue

urlpatterns = [
    path("", views_catalogue.catalogue, name="index"),
    path("catalogue/<slug:slug>/", views_catalogue.training, name="formation"),
]
