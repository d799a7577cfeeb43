"""The public offers: the list and search, an offer's page."""

from django.urls import path

from emplois import views_public

urlpatterns = [
    path("", views_public.index, name="index"),
]
