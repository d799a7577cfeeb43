"""The territorial plans and the public policies."""

urlpatterns = []
