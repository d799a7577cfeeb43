"""Routes of formation: catalogue (joined in formation/urls.py, namespace « formation »)."""

urlpatterns = []
