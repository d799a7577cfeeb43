"""The good-practices report (issue 20, point 4). Listed before the guide's routes: its
« rapport/ » would otherwise be read as a theme."""

from django.urls import path

from appartenance import views_report as views

ROOT = "bonnes-pratiques/<int:organisation>/<int:year>/rapport/"

urlpatterns = [
    path(ROOT, views.report_page, name="guide-report"),
    path(ROOT + "etat/", views.report_state, name="guide-report-state"),
    path(ROOT + "rapport.pdf", views.report_file, name="guide-report-file"),
]
