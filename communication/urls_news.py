from django.urls import path

from communication import feeds, views

app_name = "actualites"

urlpatterns = [
    path("", views.news_index, name="index"),
    path("rss/", feeds.LatestNewsRss(), name="rss"),
    path("atom/", feeds.LatestNewsAtom(), name="atom"),
    path("<slug:slug>/", views.news_detail, name="article"),
]
