from django.apps import AppConfig


class ExperimentationsConfig(AppConfig):
    name = "experimentations"
    verbose_name = "Expérimentations (action 7)"

    def ready(self):
        from experimentations import references

        references.register()
