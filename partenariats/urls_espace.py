"""The partner space: a partner's users see their conventions, commitments and minutes."""

urlpatterns = []
