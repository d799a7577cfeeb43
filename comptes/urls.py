from django.contrib.auth import views as auth_views
from django.urls import path

from comptes import views

app_name = "comptes"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="connexion"),
    path("connexion/verification/", views.second_factor_verify, name="verification"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="deconnexion"),
    path("bienvenue/", views.after_login, name="apres-connexion"),
    path("double-authentification/", views.second_factor_settings, name="double-authentification"),
    path(
        "double-authentification/activation/",
        views.second_factor_enrol,
        name="activation-double-authentification",
    ),
    path("mot-de-passe-oublie/", views.PasswordResetView.as_view(), name="mot-de-passe-oublie"),
    path("mot-de-passe-oublie/envoye/", views.PasswordResetDoneView.as_view(), name="mot-de-passe-envoye"),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="mot-de-passe-nouveau",
    ),
    path("mot-de-passe/change/", views.PasswordResetCompleteView.as_view(), name="mot-de-passe-change"),
    path("activation/<uidb64>/<token>/", views.ActivationView.as_view(), name="activation"),
]
