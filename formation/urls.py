"""The public and private pages of Action 6, mounted at /formations/ (cress.navigation).

Each part of the app keeps its own list of routes (the catalogue, registrations and their
private links, HR support, a trainee's documents, the convocation and surveys) so that
they can grow apart; this module only joins them.
"""

from formation.urls_catalogue import urlpatterns as catalogue
from formation.urls_documents import urlpatterns as documents
from formation.urls_hr import urlpatterns as hr
from formation.urls_registration import urlpatterns as registration
from formation.urls_survey import urlpatterns as survey

app_name = "formation"

urlpatterns = [*catalogue, *registration, *hr, *documents, *survey]
