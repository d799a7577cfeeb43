from django.urls import path

from experimentations import views_experiments as views

urlpatterns = [
    path("experimentations/", views.experiments, name="experiments"),
    path("experimentations/<slug:slug>/", views.experiment, name="experiment"),
    path("experimentations/<slug:slug>/documents/<int:pk>/", views.experiment_document, name="experiment-document"),
]
