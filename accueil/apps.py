from django.apps import AppConfig


def _intake_changed(sender, **kwargs):
    # Cache invalidation only: the territory pages' intake figures are dropped once any
    # write to a request or an orientation is committed.
    from django.db import transaction

    from accueil.cache import bump_version

    transaction.on_commit(bump_version)


class AccueilConfig(AppConfig):
    name = "accueil"
    verbose_name = "Accueil et orientation (action 5)"

    def ready(self):
        from accueil.member_space import SPACE as MEMBER_SPACE
        from lib import member_spaces

        member_spaces.register(MEMBER_SPACE)  # its part of « Mon espace »
        from django.db.models.signals import post_delete, post_save

        from accueil import metrics, orientation, services
        from accueil.territory_block import BLOCK
        from lib import territory_blocks
        from lib.intake_prefill import register_intake_start
        from lib.media import delete_files_with_rows
        from messagerie.links import register_link_builder

        register_link_builder(services.TRACKING_LINK, services.build_tracking_link)
        register_link_builder(services.PARTNER_LINK, orientation.build_partner_link)
        delete_files_with_rows(self.get_model("Attachment"))
        metrics.register_metrics()
        territory_blocks.register(BLOCK)
        # Pages that prefill a request (lib.intake_prefill) send people to its first step.
        register_intake_start("accueil:etape", "personne")
        register_resource_topics()
        from accueil.personal_data import PROVIDER as PERSONAL_DATA
        from lib import personal_data

        personal_data.register(PERSONAL_DATA)  # what it holds about a person (RGPD)
        for model_name in ("IntakeRequest", "Orientation"):
            model = self.get_model(model_name)
            post_save.connect(_intake_changed, sender=model, dispatch_uid=f"accueil_save_{model_name}")
            post_delete.connect(_intake_changed, sender=model, dispatch_uid=f"accueil_del_{model_name}")


def register_resource_topics() -> None:
    """What a resource of the resource centre may be about here (lib.resources): a form of
    the status guide (its result page shows them), a need of the intake."""
    from accueil.guide import legal_forms
    from accueil.models import need_choices
    from lib.resources import TopicKind, register_topic_kind

    register_topic_kind(TopicKind("statut", "Guide des statuts : forme juridique", legal_forms))
    register_topic_kind(TopicKind("besoin", "Demande d'accompagnement : besoin", need_choices))
