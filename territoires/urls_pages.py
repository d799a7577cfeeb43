"""The territory pages: région, arrondissements, EPCI and communes, one block per action."""

urlpatterns = []
