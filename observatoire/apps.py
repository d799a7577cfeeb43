from django.apps import AppConfig


class ObservatoireConfig(AppConfig):
    name = "observatoire"
    verbose_name = "Observatoire (action 3)"

    def ready(self):
        from lib import keyfigures
        from lib.media import delete_files_with_rows
        from observatoire.home import PROVIDER

        # An import deleted before it ran takes its uploaded file with it.
        delete_files_with_rows(self.get_model("DataImport"))
        keyfigures.register(PROVIDER)
