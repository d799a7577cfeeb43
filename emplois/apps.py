from django.apps import AppConfig


class EmploisConfig(AppConfig):
    name = "emplois"
    verbose_name = "Emplois et carrières dans l'ESS (action 6)"

    def ready(self):
        # The modules of Celery tasks register them (only tasks.py is autodiscovered).
        from emplois import alerts, tasks_alerts  # noqa: F401
        from lib.media import delete_files_with_rows
        from messagerie.links import register_link_builder

        delete_files_with_rows(self.get_model("Application"))
        # Private links: a job alert's confirmation and unsubscription.
        register_link_builder(alerts.CONFIRM_LINK, alerts.SUBSCRIPTIONS.build_confirm_link)
        register_link_builder(alerts.UNSUBSCRIBE_LINK, alerts.SUBSCRIPTIONS.build_unsubscribe_link)
