from django.apps import AppConfig


class AppartenanceConfig(AppConfig):
    name = "appartenance"
    verbose_name = "Appartenance à l'ESS (action 4)"

    def ready(self):
        pass
