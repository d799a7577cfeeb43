from django.urls import path

from appartenance import views_selfcheck

urlpatterns = [
    path("mon-entreprise/", views_selfcheck.questionnaire, name="autodiagnostic"),
    path("mon-entreprise/resultat/", views_selfcheck.result, name="autodiagnostic-resultat"),
    path("mon-entreprise/etre-accompagne/", views_selfcheck.follow_up, name="autodiagnostic-suivi"),
]
