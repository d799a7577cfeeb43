from django.urls import path

from observatoire import territory_views, views, views_practices

app_name = "observatoire"

urlpatterns = [
    path("", views.index, name="index"),
    path("explorer/", views.explorer, name="explorer"),
    path("explorer/donnees.csv", views.explorer_csv, name="explorer-csv"),
    path("explorer/donnees.json", views.explorer_json, name="explorer-json"),
    path("territoires/", territory_views.portraits, name="portraits"),
    path("territoires/<str:code>/", territory_views.portrait, name="portrait"),
    path("niches/", territory_views.niches, name="niches"),
    path("methode/", views.method, name="methode"),
    path("bonnes-pratiques/", views_practices.good_practices, name="bonnes-pratiques"),
    path("panorama/", views.panorama_request, name="panorama"),
    path("panorama/demande/<uuid:public_id>/", views.panorama_progress, name="panorama-suivi"),
    path("panorama/telechargement/<str:token>/", views.panorama_download, name="panorama-telechargement"),
    path("panorama/telechargement/<str:token>/panorama.pdf", views.panorama_file, name="panorama-fichier"),
    path("publications/", views.publications, name="publications"),
    path("publications/<int:pk>/document.pdf", views.publication_file, name="publication-fichier"),
]
