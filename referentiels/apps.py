from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_reference_data(sender, using="default", **kwargs):
    # The data migration loads the reference data once; `flush` (and transactional
    # tests, which flush) empties every table, so reload it when it is missing.
    from django.apps import apps

    from referentiels.loading import load_all
    from referentiels.models import Territory

    if not Territory.objects.using(using).exists():
        load_all(apps)


class ReferentielsConfig(AppConfig):
    name = "referentiels"
    verbose_name = "Référentiels"

    def ready(self):
        post_migrate.connect(_ensure_reference_data, sender=self, dispatch_uid="referentiels_ensure_data")
