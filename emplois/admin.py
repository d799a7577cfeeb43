"""The staff's workplace for the ESS job board (Django admin): each part registers its admin
in its own module (offers and their moderation, applications, alerts); importing them
registers them."""

from emplois import admin_alerts, admin_applications, admin_metiers, admin_offers, admin_skills  # noqa: F401
