from partenariats import urls_espace, urls_public

app_name = "partenariats"

# The public partners pages (urls_public) and the partner space (urls_espace, login). The
# partner space comes first: a partner's public page takes any one segment (« espace/ »
# included) under /partenaires/.
urlpatterns = [*urls_espace.urlpatterns, *urls_public.urlpatterns]
