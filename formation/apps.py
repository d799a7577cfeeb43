from django.apps import AppConfig


class FormationConfig(AppConfig):
    name = "formation"
    verbose_name = "Formation (action 6)"

    def ready(self):
        from formation import schedule, tasks_schedule  # noqa: F401 — registers the sweep's Celery task
        from messagerie.links import register_link_builder

        register_link_builder(schedule.CONVOCATION_LINK, schedule.build_convocation_link)
        register_link_builder(schedule.SURVEY_LINK, schedule.build_survey_link)
