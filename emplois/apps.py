from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_metier_families(sender, **kwargs):
    # Migration 0003 loads the métiers of the ESS once; a `flush` (transactional tests)
    # empties the table, and this loads them again. A table with rows is staff's: left alone.
    from django.apps import apps

    from emplois.metiers import load_families

    if not apps.get_model("emplois", "MetierFamily").objects.exists():
        load_families(apps)


class EmploisConfig(AppConfig):
    name = "emplois"
    verbose_name = "Emplois et carrières dans l'ESS (action 6)"

    def ready(self):
        from emplois import intake
        from lib.media import delete_files_with_rows

        delete_files_with_rows(self.get_model("Application"))
        # « Je souhaite travailler dans l'ESS », « Évoluer dans ma carrière ESS » in the intake.
        intake.register_kinds()
        post_migrate.connect(_load_metier_families, sender=self, dispatch_uid="emplois_load_metiers")
