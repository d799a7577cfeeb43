"""The staff's workplace for Action 7: each part registers its admin in its own module."""

from experimentations import admin_needs  # noqa: F401
