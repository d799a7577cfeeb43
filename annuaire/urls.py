from django.urls import path

from annuaire import views

app_name = "annuaire"

urlpatterns = [
    path("", views.directory, name="index"),
    path("structure/<slug:slug>/", views.organisation_detail, name="structure"),
]
