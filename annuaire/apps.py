from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_directory_lists(sender, **kwargs):
    from django.apps import apps

    from annuaire.reference import load_directory_lists

    load_directory_lists(apps)


def _directory_changed(sender, **kwargs):
    # Cache invalidation, not business logic: whatever path writes to the directory
    # (services, admin delete or revert, shell), cached pages and map answers are
    # dropped once the write is committed.
    from django.db import transaction

    from annuaire.services import bump_directory_version

    transaction.on_commit(bump_directory_version)


class AnnuaireConfig(AppConfig):
    name = "annuaire"
    verbose_name = "Annuaire de l'ESS"

    def ready(self):
        from annuaire.member_space import SPACE as MEMBER_SPACE
        from lib import member_spaces

        member_spaces.register(MEMBER_SPACE)  # its part of « Mon espace »
        from annuaire import personal_data as annuaire_personal_data
        from lib import personal_data

        personal_data.register(annuaire_personal_data.PROVIDER)
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from annuaire import contributions, metrics
        from annuaire.selectors import territory_directory_link
        from annuaire.territory_block import BLOCK
        from lib import territory_blocks
        from lib.media import delete_files_with_rows
        from lib.territory_links import register_territory_link
        from messagerie.links import register_link_builder

        register_link_builder(contributions.CLAIM_LINK, contributions.build_claim_link)
        register_territory_link("annuaire", territory_directory_link)
        metrics.register_metrics()
        territory_blocks.register(BLOCK)

        post_migrate.connect(_load_directory_lists, sender=self, dispatch_uid="annuaire_load_lists")
        for model_name in ("Organisation", "Category", "Label"):
            model = self.get_model(model_name)
            post_save.connect(_directory_changed, sender=model, dispatch_uid=f"annuaire_changed_save_{model_name}")
            post_delete.connect(_directory_changed, sender=model, dispatch_uid=f"annuaire_changed_delete_{model_name}")
        organisation = self.get_model("Organisation")
        for relation in (organisation.categories.through, organisation.labels.through):
            m2m_changed.connect(
                _directory_changed, sender=relation, dispatch_uid=f"annuaire_changed_m2m_{relation.__name__}"
            )
        # Uploaded files go with their rows, once the deletion is committed.
        for model_name in ("Organisation", "Contribution"):
            delete_files_with_rows(self.get_model(model_name))
