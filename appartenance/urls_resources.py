from django.urls import path

from appartenance import views_resources

urlpatterns = [
    path("ressources/", views_resources.resource_list, name="resources"),
    path("ressources/<slug:slug>/", views_resources.resource_page, name="resource"),
    path("ressources/<slug:slug>/telecharger/", views_resources.resource_download, name="resource-download"),
]
