from django.apps import AppConfig


class EmploisConfig(AppConfig):
    name = "emplois"
    verbose_name = "Emplois et carrières dans l'ESS (action 6)"

    def ready(self):
        # The modules of Celery tasks register them (only tasks.py is autodiscovered).
        from emplois import applications, tasks_applications  # noqa: F401
        from lib.media import delete_files_with_rows
        from messagerie.links import register_link_builder

        delete_files_with_rows(self.get_model("Application"))
        # Private links: the employer's page of an application, the candidate's page.
        register_link_builder(applications.EMPLOYER_LINK, applications.build_employer_link)
        register_link_builder(applications.CANDIDATE_LINK, applications.build_candidate_link)
