from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _sync_roles(sender, using="default", **kwargs):
    # post_migrate is sent once per app that has models, each time after that app's
    # permissions are created: only the last one sees the permissions of every model.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not with_models[-1]:
        return
    from django.contrib.auth.models import Group, Permission

    from comptes.roles import sync_role_permissions
    from cress.access import MODEL_RULES

    sync_role_permissions(rules=MODEL_RULES, group_model=Group, permission_model=Permission)


class CressConfig(AppConfig):
    name = "cress"
    verbose_name = "Site"

    def ready(self):
        from django.core.signals import request_finished

        from cress.logs import forget_request_id

        # The access declaration names every app's models: the composition root applies it.
        post_migrate.connect(_sync_roles, dispatch_uid="cress_sync_roles")
        request_finished.connect(forget_request_id, dispatch_uid="cress_forget_request_id")
