from django.apps import AppConfig


class EmploisConfig(AppConfig):
    name = "emplois"
    verbose_name = "Emplois et carrières dans l'ESS (action 6)"

    def ready(self):
        from emplois import intake
        from lib.media import delete_files_with_rows

        delete_files_with_rows(self.get_model("Application"))
        # « Je souhaite travailler dans l'ESS », « Évoluer dans ma carrière ESS » in the intake.
        intake.register_kinds()
