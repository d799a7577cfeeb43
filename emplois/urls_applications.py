"""Applications through the portal: the form, the employer's and the candidate's pages."""

from django.urls import path

from emplois import views_applications

urlpatterns = [
    path("offres/<int:pk>/candidater/", views_applications.apply, name="apply"),
    path("candidature/envoyee/", views_applications.apply_sent, name="apply-sent"),
    path("candidature/nouveau-lien/", views_applications.new_link, name="application-new-link"),
    path("ma-candidature/<str:token>/", views_applications.candidate_page, name="application-candidate"),
    path("employeur/candidature/<str:token>/", views_applications.employer_page, name="application-employer"),
    path(
        "employeur/candidature/<str:token>/<slug:which>/",
        views_applications.employer_file,
        name="application-employer-file",
    ),
    path("espace/candidatures/<int:pk>/", views_applications.member_page, name="application-member"),
    path("espace/candidatures/<int:pk>/<slug:which>/", views_applications.member_file, name="application-member-file"),
]
