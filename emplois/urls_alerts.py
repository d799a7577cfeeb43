"""Routes of the job alerts (joined in emplois/urls.py, namespace « emplois »)."""

from django.urls import path

from emplois import views_alerts as views

urlpatterns = [
    path("alertes/nouvelle/", views.alert_new, name="alert-new"),
    path("alertes/confirmation/<str:token>/", views.alert_confirm, name="alert-confirm"),
    path("alertes/desinscription/<str:token>/", views.alert_unsubscribe, name="alert-unsubscribe"),
]
