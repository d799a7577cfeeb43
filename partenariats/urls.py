from partenariats import urls_espace, urls_public

app_name = "partenariats"

# The public partners pages (urls_public) and the partner space (urls_espace, login).
urlpatterns = [*urls_public.urlpatterns, *urls_espace.urlpatterns]
