"""The staff's workplace for « L'ESS et vous »: each part registers its admin in its own
module (admin_<part>.py); importing them registers them."""

from appartenance import admin_prix, admin_resources  # noqa: F401
