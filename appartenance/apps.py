from django.apps import AppConfig


class AppartenanceConfig(AppConfig):
    name = "appartenance"
    verbose_name = "Appartenance à l'ESS (action 4)"

    def ready(self):
        # Each part registers its admin in its own module (there is no shared admin.py).
        from appartenance import admin_badges  # noqa: F401
