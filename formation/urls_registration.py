"""Routes of formation: registration (joined in formation/urls.py, namespace « formation »)."""

from django.urls import path

from formation import views_registration as views

urlpatterns = [
    path("session/<int:pk>/inscription/", views.register, name="inscription"),
    path("session/<int:pk>/inscription-groupe/", views.register_group, name="inscription-groupe"),
    path("structures/", views.structures, name="structures"),
    path("mon-inscription/<str:token>/", views.my_registration, name="mon-inscription"),
]
