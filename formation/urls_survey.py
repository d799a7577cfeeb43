"""Routes of formation: the pages behind the scheduled emails' private links, the convocation
and the surveys (joined in formation/urls.py, namespace « formation »)."""

from django.urls import path

from formation import views_survey

urlpatterns = [
    path("convocation/<str:token>/", views_survey.convocation, name="convocation"),
    path("questionnaire/<str:kind>/<str:token>/", views_survey.survey, name="questionnaire"),
]
