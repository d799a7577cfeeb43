from django.apps import AppConfig


class AccueilConfig(AppConfig):
    name = "accueil"
    verbose_name = "Accueil et orientation (action 5)"

    def ready(self):
        from lib.media import delete_files_with_rows

        delete_files_with_rows(self.get_model("Attachment"))
