"""The public offers: the list and search, an offer's page, the RSS feed of new offers."""

from django.urls import path

from emplois import views_public
from emplois.feeds import NewOffersFeed

urlpatterns = [
    path("", views_public.index, name="index"),
    path("offres/<int:pk>-<slug:slug>/", views_public.offer_page, name="offer"),
    path("offres.rss", NewOffersFeed(), name="feed"),
]
