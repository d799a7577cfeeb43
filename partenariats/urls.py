from django.urls import path
from django.views.generic import TemplateView

from partenariats import urls_espace, urls_public

app_name = "partenariats"

# The public partners pages (urls_public) and the partner space (urls_espace, login).
urlpatterns = [*urls_public.urlpatterns, *urls_espace.urlpatterns]

# Placeholder (helper copil) so that the area can be live in cress/navigation.py before the
# public partners page exists: drop it when urls_public names its own « index ».
if "index" not in {pattern.name for pattern in urlpatterns}:
    urlpatterns.append(path("", TemplateView.as_view(template_name="partenariats/index_provisoire.html"), name="index"))
