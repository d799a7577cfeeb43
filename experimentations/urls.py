from django.urls import include, path
from django.views.generic import RedirectView

app_name = "experimentations"

urlpatterns = [
    # Until the hub of Action 7 (the financial tools' slice) lands, its address leads to the experiments.
    path("", RedirectView.as_view(pattern_name="experimentations:experiments"), name="index"),
    path("", include("experimentations.urls_experiments")),
]
