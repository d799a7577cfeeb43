from django.apps import AppConfig


class EmploisConfig(AppConfig):
    name = "emplois"
    verbose_name = "Emplois et carrières dans l'ESS (action 6)"

    def ready(self):
        from emplois import tasks_offers  # noqa: F401 — registers the beat's tasks
        from lib.media import delete_files_with_rows

        delete_files_with_rows(self.get_model("Application"))
