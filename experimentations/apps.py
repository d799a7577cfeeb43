from django.apps import AppConfig


class ExperimentationsConfig(AppConfig):
    name = "experimentations"
    verbose_name = "Expérimentations (action 7)"

    def ready(self):
        from experimentations import needs, tasks_needs  # noqa: F401 (Celery reads only tasks.py)
        from messagerie.links import register_link_builder

        register_link_builder(needs.NEED_LINK, needs.build_buyer_link)
