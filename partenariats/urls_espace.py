"""The partner space: a partner's users see their conventions, commitments and minutes."""

from django.urls import path

from partenariats import views_espace

urlpatterns = [
    path("espace/", views_espace.conventions, name="espace"),
    path("espace/conventions/<int:pk>/", views_espace.convention, name="espace-convention"),
    path(
        "espace/conventions/<int:pk>/convention-signee/",
        views_espace.convention_file,
        name="espace-convention-fichier",
    ),
    path("espace/avenants/<int:pk>/fichier/", views_espace.amendment_file, name="espace-avenant-fichier"),
    path("espace/engagements/<int:pk>/", views_espace.commitment, name="espace-engagement"),
    path("espace/livrables/<int:pk>/fichier/", views_espace.deliverable_file, name="espace-livrable"),
    path("espace/comites/<int:pk>/compte-rendu/", views_espace.minutes_file, name="espace-compte-rendu"),
]
