from django.urls import path

from accueil import views

app_name = "accueil"

urlpatterns = [
    path("", views.index, name="index"),
    path("quel-statut/", views.guide, name="guide"),
    path("demande/envoyee/", views.sent, name="envoyee"),
    path("demande/activites/", views.naf_suggestions, name="activites"),
    path("demande/<slug:name>/", views.step, name="etape"),
    path("suivi/", views.renew_link, name="nouveau-lien"),
    path("suivi/<str:token>/", views.tracking, name="suivi"),
    path("suivi/<str:token>/retirer/", views.withdraw, name="retrait"),
    path("partenaire/", views.partner_list, name="partenaire-liste"),
    path("partenaire/orientation/<int:pk>/", views.partner_orientation, name="partenaire-orientation"),
    path(
        "partenaire/orientation/<int:pk>/documents/<int:document>/",
        views.partner_orientation_document,
        name="partenaire-orientation-document",
    ),
    path("partenaire/<str:token>/", views.partner, name="partenaire"),
    path("partenaire/<str:token>/documents/<int:document>/", views.partner_document, name="partenaire-document"),
]
