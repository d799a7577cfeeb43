from django.apps import AppConfig


class FormationConfig(AppConfig):
    name = "formation"
    verbose_name = "Formation (action 6)"

    def ready(self):
        from formation import hr, tasks_hr  # noqa: F401 (tasks_hr registers its Celery task)
        from messagerie.links import register_link_builder

        register_link_builder(hr.HR_LINK, hr.build_follow_up_link)
