"""The admin of Action 7 (each part in its own module)."""

from experimentations import admin_matches  # noqa: F401  (the suppliers proposed for a need)
