from django.apps import AppConfig


class AppartenanceConfig(AppConfig):
    name = "appartenance"
    verbose_name = "Appartenance à l'ESS (action 4)"

    def ready(self):
        # Each part registers its admin in its own module (there is no shared admin.py).
        from appartenance import admin_badges  # noqa: F401

        self.ready_resources()
        self.ready_prix()

    def ready_resources(self):
        from appartenance import resources
        from appartenance.models_resources import Resource
        from lib import media
        from lib import resources as registry

        resources.connect_signals()
        registry.register_source(resources.SOURCE)
        media.delete_files_with_rows(Resource)

    def ready_prix(self):
        from appartenance.models_prix import PrixAttachment
        from lib import media

        media.delete_files_with_rows(PrixAttachment)
