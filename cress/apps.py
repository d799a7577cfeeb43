from django.apps import AppConfig


class CressConfig(AppConfig):
    name = "cress"
    verbose_name = "Site"
