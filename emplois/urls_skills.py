"""The skills record's pages, under /emplois/competences/."""

from django.urls import path

from emplois import views_skills

urlpatterns = [
    path("competences/", views_skills.start, name="competences"),
    path("competences/envoye/", views_skills.sent, name="competences-envoye"),
    path("competences/nouveau-lien/", views_skills.new_link, name="competences-nouveau-lien"),
    path("competences/dossier/<str:token>/", views_skills.record_page, name="competences-dossier"),
    path(
        "competences/dossier/<str:token>/experience/", views_skills.experience_add, name="competences-experience-ajout"
    ),
    path(
        "competences/dossier/<str:token>/experience/<int:pk>/",
        views_skills.experience_edit,
        name="competences-experience",
    ),
    path("competences/dossier/<str:token>/synthese.pdf", views_skills.summary_file, name="competences-synthese"),
    path("competences/dossier/<str:token>/effacer/", views_skills.delete, name="competences-effacer"),
]
