from django.urls import path

from communication import feeds, views

app_name = "actualites"

urlpatterns = [
    path("", views.news_index, name="index"),
    path("rss/", feeds.cached(feeds.LatestNewsRss), name="rss"),
    path("atom/", feeds.cached(feeds.LatestNewsAtom), name="atom"),
    path("lettre/", views.newsletter_subscribe, name="lettre-inscription"),
    path("lettre/confirmation/<str:token>/", views.newsletter_confirm, name="lettre-confirmation"),
    path("lettre/desinscription/<str:token>/", views.newsletter_unsubscribe, name="lettre-desinscription"),
    path("<slug:slug>/", views.news_detail, name="article"),
]
