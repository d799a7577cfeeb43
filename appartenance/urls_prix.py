"""The Prix de l'ESS (issue 20, point 7)."""

from django.urls import path

from appartenance import views_prix as views

urlpatterns = [
    path("prix/", views.index, name="prix"),
    path("prix/<int:year>/", views.campaign, name="prix-campaign"),
    path("prix/<int:year>/laureats/", views.laureates, name="prix-laureates"),
    path("prix/<int:year>/candidater/", views.start, name="prix-start"),
    path("prix/candidature/<int:pk>/", views.application, name="prix-application"),
    path("prix/candidature/<int:pk>/pieces/", views.application_files, name="prix-application-files"),
    path("prix/candidature/<int:pk>/pieces/<int:attachment_pk>/", views.attachment, name="prix-attachment"),
    path("prix/<int:year>/jury/", views.jury, name="prix-jury"),
    path("prix/<int:year>/jury/conflits/", views.jury_conflict, name="prix-jury-conflict"),
    path("prix/<int:year>/jury/candidatures/<int:pk>/", views.jury_application, name="prix-jury-application"),
    path("prix/<int:year>/jury/export.csv", views.jury_export, name="prix-jury-export"),
    path("prix/<int:year>/jury/candidatures.json", views.jury_json, name="prix-jury-json"),
]
