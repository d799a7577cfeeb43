"""The territorial plans and the public policies."""

from django.urls import path

from territoires import views_plans

urlpatterns = [
    path("plans/", views_plans.plans, name="plans"),
    path("plans/<slug:slug>/", views_plans.plan, name="plan"),
    path("plans/<slug:slug>/synthese.pdf", views_plans.plan_pdf, name="plan-pdf"),
    path("politiques/", views_plans.policies, name="politiques"),
    path("politiques/<slug:slug>/", views_plans.policy, name="politique"),
]
