from django.apps import AppConfig


class FormationConfig(AppConfig):
    name = "formation"
    verbose_name = "Formation (action 6)"

    def ready(self):
        from formation import links

        links.register()
