from django.apps import AppConfig


class ObservatoireConfig(AppConfig):
    name = "observatoire"
    verbose_name = "Observatoire (action 3)"
