from django.apps import AppConfig

# The models whose changes show on the public pages (plan pages, territory blocks).
PUBLIC_MODELS = ("Plan", "Axis", "Action", "Indicator", "IndicatorValue", "Policy", "PtceMember")


def _territoires_changed(sender, **kwargs):
    # Cache invalidation only: whatever writes, cached pages and blocks are dropped on commit.
    from django.db import transaction

    from territoires.cache import bump_version

    transaction.on_commit(bump_version)


class TerritoiresConfig(AppConfig):
    name = "territoires"
    verbose_name = "Territoires (action 2)"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from lib import territory_blocks
        from territoires.territory_block import BLOCK

        for model_name in PUBLIC_MODELS:
            model = self.get_model(model_name)
            post_save.connect(_territoires_changed, sender=model, dispatch_uid=f"territoires_save_{model_name}")
            post_delete.connect(_territoires_changed, sender=model, dispatch_uid=f"territoires_del_{model_name}")
        for through in (
            self.get_model("Plan").partners.through,
            self.get_model("Action").partners.through,
            self.get_model("Policy").territories.through,
        ):
            m2m_changed.connect(_territoires_changed, sender=through, dispatch_uid=f"territoires_m2m_{through}")
        territory_blocks.register(BLOCK)
