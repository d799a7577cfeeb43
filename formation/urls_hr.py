"""Routes of formation: HR support for employers (joined in formation/urls.py, namespace « formation »)."""

from django.urls import path

from formation import views_hr

urlpatterns = [
    path("appui-rh/", views_hr.request_form, name="appui-rh"),
    path("appui-rh/envoyee/", views_hr.sent, name="appui-rh-envoyee"),
    path("appui-rh/structures/", views_hr.organisation_suggestions, name="appui-rh-structures"),
    path("appui-rh/suivi/", views_hr.renew_link, name="appui-rh-nouveau-lien"),
    path("appui-rh/suivi/<str:token>/", views_hr.follow_up, name="appui-rh-suivi"),
]
