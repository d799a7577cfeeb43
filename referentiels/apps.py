from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_reference_data(sender, using="default", **kwargs):
    # Every `migrate` (and every `flush`, which transactional tests do) brings the
    # reference tables in line with referentiels/data/: rows are upserted on their
    # official code in a few statements, so a corrected CSV lands with the next deploy.
    from django.apps import apps

    from referentiels.loading import load_all

    load_all(apps)


class ReferentielsConfig(AppConfig):
    name = "referentiels"
    verbose_name = "Référentiels"

    def ready(self):
        post_migrate.connect(_load_reference_data, sender=self, dispatch_uid="referentiels_load_data")
