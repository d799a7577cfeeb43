from django.apps import AppConfig

# The models whose changes show on the public pages (partners page, territory block).
PUBLIC_MODELS = ("Partner", "Convention", "Commitment", "PartnerFigure", "Amendment")


def _partenariats_changed(sender, **kwargs):
    # Cache invalidation only: whatever writes (admin, services, shell), cached public
    # pages and blocks are dropped once the write is committed.
    from django.db import transaction

    from partenariats.cache import bump_version

    transaction.on_commit(bump_version)


class PartenariatsConfig(AppConfig):
    name = "partenariats"
    verbose_name = "Partenariats (action 1)"

    def ready(self):
        from lib import member_spaces
        from partenariats.member_space import SPACE as MEMBER_SPACE

        member_spaces.register(MEMBER_SPACE)  # its part of « Mon espace »
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from lib import territory_blocks
        from lib.media import delete_files_with_rows
        from messagerie.links import register_link_builder

        # tasks_reminders and tasks_committees register their Celery tasks (only tasks.py is autodiscovered).
        from partenariats import committees, tasks_committees, tasks_reminders  # noqa: F401
        from partenariats.territory_block import BLOCK

        for model_name in PUBLIC_MODELS:
            model = self.get_model(model_name)
            post_save.connect(_partenariats_changed, sender=model, dispatch_uid=f"partenariats_save_{model_name}")
            post_delete.connect(_partenariats_changed, sender=model, dispatch_uid=f"partenariats_del_{model_name}")
        for through in (self.get_model("Partner").territories.through, self.get_model("Convention").parties.through):
            m2m_changed.connect(_partenariats_changed, sender=through, dispatch_uid=f"partenariats_m2m_{through}")
        # A partner's name, address and commune are its organisation's (annuaire).
        from annuaire.models import Organisation

        post_save.connect(_partenariats_changed, sender=Organisation, dispatch_uid="partenariats_save_organisation")
        for model_name in ("Partner", "Convention", "Amendment", "Deliverable", "Committee"):
            delete_files_with_rows(self.get_model(model_name))
        register_link_builder(committees.MINUTES_LINK, committees.build_minutes_link)
        territory_blocks.register(BLOCK)
        # What Action 1 holds about one person (RGPD articles 15 and 17).
        from lib import personal_data
        from partenariats.personal_data import PROVIDER as PERSONAL_DATA

        personal_data.register(PERSONAL_DATA)
