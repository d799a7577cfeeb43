"""The staff's workplace for Action 7 (Django admin): each part registers its admin in its
own module (financial tools, alerts, buyers' needs, experiments, …); importing them
registers them."""

from experimentations import admin_alerts, admin_experiments, admin_needs, admin_tools  # noqa: F401
