from django.urls import path

from observatoire import views

app_name = "observatoire"

urlpatterns = [
    path("", views.index, name="index"),
    path("explorer/", views.explorer, name="explorer"),
    path("explorer/donnees.csv", views.explorer_csv, name="explorer-csv"),
    path("explorer/donnees.json", views.explorer_json, name="explorer-json"),
    path("methode/", views.method, name="methode"),
]
