"""The territory pages: région, arrondissements, EPCI and communes, one block per action."""

from django.urls import re_path

from territoires import views_pages

urlpatterns = [
    re_path(
        r"^(?P<kind>region|arrondissement|epci|commune)/(?P<slug>[-\w]+)/$",
        views_pages.territory_page,
        name="territoire",
    ),
]
