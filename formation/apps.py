from django.apps import AppConfig


class FormationConfig(AppConfig):
    name = "formation"
    verbose_name = "Formation (action 6)"

    def ready(self):
        from formation import documents, links, tasks_documents  # noqa: F401 — tasks_documents: the worker's tasks
        from lib.media import delete_files_with_rows
        from messagerie.links import register_link_builder

        links.register()
        register_link_builder(documents.CERTIFICATE_LINK, documents.build_certificate_link)
        delete_files_with_rows(self.get_model("Registration"))
