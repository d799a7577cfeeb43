from experimentations.urls_alerts import urlpatterns as alerts

app_name = "experimentations"

urlpatterns = [*alerts]

# TEMPORARY (branch alertes, until branch outils brings the hub): the area's index.
from django.urls import path  # noqa: E402
from django.views.generic import TemplateView  # noqa: E402

urlpatterns.append(path("", TemplateView.as_view(template_name="base.html"), name="index"))
