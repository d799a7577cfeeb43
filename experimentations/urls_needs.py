"""The buyers' pages of responsible purchasing, under /financer-et-acheter/achats/."""

from django.urls import path

from experimentations import views_needs

urlpatterns = [
    path("achats/nouveau/", views_needs.need_new, name="need-new"),
    path("achats/nouveau/envoye/", views_needs.need_posted, name="need-posted"),
    path("achats/besoin/<str:token>/", views_needs.need_buyer, name="need-buyer"),
    path("achats/besoin/<str:token>/modifier/", views_needs.need_edit, name="need-edit"),
    path("achats/besoins-inspirants/", views_needs.inspiring, name="needs-inspiring"),
]
