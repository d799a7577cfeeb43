from django.urls import path

from communication import views

app_name = "agenda"

urlpatterns = [
    path("", views.agenda_index, name="index"),
    path("archives/", views.agenda_index, {"archive": True}, name="archives"),
    path("mois/", views.agenda_this_month, name="ce-mois"),
    path("mois/<int:year>/<int:month>/", views.agenda_month, name="mois"),
    path("agenda.ics", views.agenda_feed, name="ical"),
    path("<slug:slug>/", views.event_detail, name="evenement"),
    path("<slug:slug>.ics", views.event_ics, name="evenement-ics"),
]
