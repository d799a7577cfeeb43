from django.apps import AppConfig


class ExperimentationsConfig(AppConfig):
    name = "experimentations"
    verbose_name = "Expérimentations (action 7)"

    def ready(self):
        from experimentations import batches, tasks_batches  # noqa: F401  (the batches' Celery tasks)
        from messagerie.links import register_link_builder

        register_link_builder(batches.SUPPLIER_LINK, batches.build_supplier_link)
