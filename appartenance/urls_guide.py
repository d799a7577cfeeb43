"""The good-practices guide (issue 20, points 3 and 4)."""

from django.urls import path

from appartenance import views_guide as views

urlpatterns = [
    path("bonnes-pratiques/", views.index, name="guide"),
    path("bonnes-pratiques/commencer/", views.start, name="guide-start"),
    path("bonnes-pratiques/<int:organisation>/<int:year>/", views.assessment, name="guide-assessment"),
    path("bonnes-pratiques/<int:organisation>/<int:year>/actions/", views.action_new, name="guide-action-new"),
    path(
        "bonnes-pratiques/<int:organisation>/<int:year>/actions/<int:pk>/",
        views.action_status,
        name="guide-action-status",
    ),
    path("bonnes-pratiques/<int:organisation>/<int:year>/<slug:theme>/", views.theme, name="guide-theme"),
]
