"""The admin of Action 7: each part registers its models in its own module."""

from experimentations import admin_experiments  # noqa: F401
