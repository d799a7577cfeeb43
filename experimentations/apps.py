from django.apps import AppConfig


class ExperimentationsConfig(AppConfig):
    name = "experimentations"
    verbose_name = "Expérimentations (action 7)"

    def ready(self):
        # tasks_alerts registers its Celery tasks (only tasks.py is autodiscovered).
        from experimentations import alerts, tasks_alerts  # noqa: F401
        from messagerie.links import register_link_builder

        register_link_builder(alerts.CONFIRM_LINK, alerts.build_confirm_link)
        register_link_builder(alerts.UNSUBSCRIBE_LINK, alerts.build_unsubscribe_link)
