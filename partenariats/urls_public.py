"""The public partners pages."""

from django.urls import path

from partenariats import views_committees, views_public

urlpatterns = []

# --- Committees: the minutes behind the private link of their email (helper copil) -------------
urlpatterns += [
    # Before <token>/: « nouveau-lien » would otherwise be read as a token.
    path("comite/compte-rendu/nouveau-lien/", views_committees.renew_link, name="compte-rendu-nouveau-lien"),
    path("comite/compte-rendu/<str:token>/", views_committees.minutes_page, name="compte-rendu"),
    path(
        "comite/compte-rendu/<str:token>/compte-rendu.pdf", views_committees.minutes_file, name="compte-rendu-fichier"
    ),
]
# --- End of committees ---------------------------------------------------------------------------

# The partners page, a partner's page and its logo (views_public). A partner's page takes
# any single segment under /partenaires/: it stays last, and fixed addresses of one segment
# go before it.
urlpatterns += [
    path("", views_public.index, name="index"),
    path("<slug:slug>/logo/<str:name>", views_public.logo, name="logo"),
    path("<slug:slug>/", views_public.partner, name="partenaire"),
]
