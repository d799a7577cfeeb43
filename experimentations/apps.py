from django.apps import AppConfig


def _tools_changed(sender, **kwargs):
    # Cache invalidation only: whatever writes (admin, services, shell), the cached tools
    # pages are dropped once the write is committed.
    from django.db import transaction

    from experimentations.cache import bump_version

    transaction.on_commit(bump_version)


class ExperimentationsConfig(AppConfig):
    name = "experimentations"
    verbose_name = "Expérimentations (action 7)"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from annuaire.models import Organisation
        from experimentations import agenda as tools_agenda
        from lib import agenda
        from lib.need_resources import register_need_resource

        tool = self.get_model("FinancialTool")
        post_save.connect(_tools_changed, sender=tool, dispatch_uid="experimentations_save_tool")
        post_delete.connect(_tools_changed, sender=tool, dispatch_uid="experimentations_del_tool")
        for field in ("legal_forms", "sectors", "territories"):
            through = getattr(tool, field).through
            m2m_changed.connect(_tools_changed, sender=through, dispatch_uid=f"experimentations_m2m_{field}")
        # A tool's provider is shown by its directory name and page.
        post_save.connect(_tools_changed, sender=Organisation, dispatch_uid="experimentations_save_organisation")
        agenda.register(tools_agenda.SOURCE)
        # The intake's « financement » need (accueil.models.Need.FUNDING) leads to the finder.
        register_need_resource("financement", "trouver", tools_agenda.funding_need_resource)

        from experimentations import needs, tasks_needs  # noqa: F401 (Celery reads only tasks.py)
        from messagerie.links import register_link_builder

        register_link_builder(needs.NEED_LINK, needs.build_buyer_link)

        from experimentations import references
        from lib.media import delete_files_with_rows

        delete_files_with_rows(self.get_model("ExperimentDocument"))

        references.register()
        # Alerts: their private links; tasks_alerts registers its Celery tasks (only tasks.py
        # is autodiscovered).
        from experimentations import alerts, tasks_alerts  # noqa: F401
        from messagerie.links import register_link_builder

        register_link_builder(alerts.CONFIRM_LINK, alerts.build_confirm_link)
        register_link_builder(alerts.UNSUBSCRIBE_LINK, alerts.build_unsubscribe_link)
