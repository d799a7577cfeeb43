"""Routes of formation: registration (joined in formation/urls.py, namespace « formation »)."""

urlpatterns = []
