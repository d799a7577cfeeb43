from experimentations import admin_alerts  # noqa: F401
