"""The staff's workplace for Action 7 (Django admin): each part registers its admin in its
own module (financial tools, alerts, buyers' needs, suppliers proposed, experiments);
importing them registers them."""

from experimentations import admin_alerts, admin_experiments, admin_matches, admin_needs, admin_tools  # noqa: F401
