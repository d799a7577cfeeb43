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

        # The modules of Celery tasks register them (only tasks.py is autodiscovered).
        from experimentations import (
            alerts,
            batches,
            needs,
            references,
            tasks_alerts,  # noqa: F401
            tasks_batches,  # noqa: F401
            tasks_needs,  # noqa: F401
        )
        from experimentations.models import Instrument
        from lib import agenda
        from lib.ess_benefits import register_ess_benefit
        from lib.media import delete_files_with_rows
        from lib.need_resources import register_need_resource
        from lib.resources import TopicKind, register_topic_kind
        from messagerie.links import register_link_builder

        tool = self.get_model("FinancialTool")
        post_save.connect(_tools_changed, sender=tool, dispatch_uid="experimentations_save_tool")
        post_delete.connect(_tools_changed, sender=tool, dispatch_uid="experimentations_del_tool")
        for field in ("legal_forms", "sectors", "territories"):
            through = getattr(tool, field).through
            m2m_changed.connect(_tools_changed, sender=through, dispatch_uid=f"experimentations_m2m_{field}")
        # A tool's provider is shown by its directory name and page.
        post_save.connect(_tools_changed, sender=Organisation, dispatch_uid="experimentations_save_organisation")
        agenda.register(tools_agenda.SOURCE)
        # The intake's « financement » need (accueil.models.Need.FUNDING) leads to the finder,
        # and its staff suggest tools to a request (lib.references).
        register_need_resource("financement", "trouver", tools_agenda.funding_need_resource)
        references.register()
        # The self-check's result says what being in the ESS opens: the purchasing platform.
        register_ess_benefit("achats", needs.purchasing_ess_benefit)
        # The resource centre's resources about a kind of financial tool (lib.resources), on the tool's page.
        register_topic_kind(TopicKind("outil", "Outil financier : instrument", lambda: Instrument.choices))
        # Private links: the buyer's page, an alert's confirmation and unsubscription, a supplier's page.
        register_link_builder(needs.NEED_LINK, needs.build_buyer_link)
        register_link_builder(alerts.CONFIRM_LINK, alerts.build_confirm_link)
        register_link_builder(alerts.UNSUBSCRIBE_LINK, alerts.build_unsubscribe_link)
        register_link_builder(batches.SUPPLIER_LINK, batches.build_supplier_link)
        delete_files_with_rows(self.get_model("ExperimentDocument"))
        # What Action 7 holds about one person (RGPD articles 15 and 17).
        from experimentations.personal_data import PROVIDER as PERSONAL_DATA
        from lib import personal_data

        personal_data.register(PERSONAL_DATA)
