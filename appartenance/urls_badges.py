"""The membership badge's addresses: the token is the organisation's unguessable key
(appartenance.badges)."""

from django.urls import path

from appartenance import views_badges

urlpatterns = [
    path("badge/<str:token>/badge.svg", views_badges.badge_svg, name="badge-svg"),
    path("badge/<str:token>/badge.png", views_badges.badge_png_view, name="badge-png"),
    path("badge/<str:token>/", views_badges.badge_verification, name="badge-verification"),
    path("mes-badges/", views_badges.member_badges, name="badges-membre"),
]
