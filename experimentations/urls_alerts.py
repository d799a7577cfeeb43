"""Routes of the alerts (joined in experimentations/urls.py, namespace « experimentations »)."""

from django.urls import path

from experimentations import views_alerts as views

urlpatterns = [
    path("alertes/nouvelle/", views.alert_new, name="alert-new"),
    path("alertes/confirmation/<str:token>/", views.alert_confirm, name="alert-confirm"),
    path("alertes/desinscription/<str:token>/", views.alert_unsubscribe, name="alert-unsubscribe"),
]
