"""The staff's workplace for Action 6 (Django admin).

Trainings, sessions and registrations are in `formation.admin_sessions`; HR support requests
and the quality dashboard in `formation.admin_hr`. Importing them registers them.
"""

from formation import admin_hr, admin_sessions  # noqa: F401
