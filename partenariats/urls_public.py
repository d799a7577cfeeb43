"""The public partners pages."""

urlpatterns = []
