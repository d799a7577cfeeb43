from django.urls import path

from territoires import urls_pages, urls_plans, views

app_name = "territoires"

# The overview, the territory pages (urls_pages) and the plans and policies (urls_plans).
urlpatterns = [
    path("", views.index, name="index"),
    *urls_plans.urlpatterns,
    *urls_pages.urlpatterns,
]
