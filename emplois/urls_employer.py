"""The employer's space: a member of an organisation posts and follows its offers."""

from django.urls import path

from emplois import views_employer

urlpatterns = [
    path("espace/", views_employer.offers, name="employer"),
    path("espace/offres/nouvelle/", views_employer.offer_new, name="employer-new"),
    path("espace/offres/<int:pk>/", views_employer.offer_detail, name="employer-offer"),
    path("espace/offres/<int:pk>/modifier/", views_employer.offer_edit, name="employer-edit"),
    path("espace/offres/<int:pk>/dupliquer/", views_employer.offer_duplicate, name="employer-duplicate"),
    path("espace/offres/<int:pk>/etat/<str:target>/", views_employer.offer_move, name="employer-move"),
]
