from django.apps import AppConfig


class AppartenanceConfig(AppConfig):
    name = "appartenance"
    verbose_name = "Appartenance à l'ESS (action 4)"

    def ready(self):
        from appartenance.member_space import SPACE as MEMBER_SPACE
        from lib import member_spaces

        member_spaces.register(MEMBER_SPACE)  # its part of « Mon espace »
        # Each part registers its admin in its own module (there is no shared admin.py).
        from appartenance import admin_badges  # noqa: F401

        self.ready_resources()
        self.ready_report()
        self.ready_aggregates()
        self.ready_prix()
        self.ready_personal_data()

    def ready_report(self):
        from appartenance.models_report import GuideReport
        from lib import media

        # A report's PDF leaves storage with its row (and with its assessment's).
        media.delete_files_with_rows(GuideReport)

    def ready_aggregates(self):
        # The observatory's good-practices page (counts only, under its secrecy).
        from appartenance.aggregates import SOURCE
        from lib import practice_aggregates

        practice_aggregates.register(SOURCE)

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

    def ready_personal_data(self):
        from appartenance.personal_data import PROVIDER
        from lib import personal_data

        personal_data.register(PROVIDER)
