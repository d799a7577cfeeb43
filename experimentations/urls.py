from django.urls import include, path

app_name = "experimentations"

urlpatterns = [
    path("", include("experimentations.urls_experiments")),
]
