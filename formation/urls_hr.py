"""Routes of formation: hr (joined in formation/urls.py, namespace « formation »)."""

urlpatterns = []
