from django.apps import AppConfig


class EmploisConfig(AppConfig):
    name = "emplois"
    verbose_name = "Emplois et carrières dans l'ESS (action 6)"

    def ready(self):
        from emplois import skills, tasks_skills  # noqa: F401 — tasks_skills registers its Celery tasks
        from lib.media import delete_files_with_rows
        from messagerie.links import register_link_builder

        delete_files_with_rows(self.get_model("Application"))
        # The skills record: its private link, its PDF summary removed with the row.
        register_link_builder(skills.RECORD_LINK, skills.build_record_link)
        delete_files_with_rows(self.get_model("SkillsRecord"))
