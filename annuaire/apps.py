from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_directory_lists(sender, **kwargs):
    from django.apps import apps

    from annuaire.reference import load_directory_lists

    load_directory_lists(apps)


class AnnuaireConfig(AppConfig):
    name = "annuaire"
    verbose_name = "Annuaire de l'ESS"

    def ready(self):
        post_migrate.connect(_load_directory_lists, sender=self, dispatch_uid="annuaire_load_lists")
