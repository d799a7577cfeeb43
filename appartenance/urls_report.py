"""The good-practices report (issue 20, point 4). Listed before the guide's routes: its
« rapport/ » would otherwise be read as a theme."""

from django.urls import path

from appartenance import views_report as views

urlpatterns = [
    path("bonnes-pratiques/<int:organisation>/<int:year>/rapport/", views.report_page, name="guide-report"),
    path("bonnes-pratiques/<int:organisation>/<int:year>/rapport/etat/", views.report_state, name="guide-report-state"),
    path(
        "bonnes-pratiques/<int:organisation>/<int:year>/rapport/rapport.pdf", views.report_file, name="guide-report-file"
    ),
]
