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

    sync_role_permissions(
        group_model=Group,
        permission_model=Permission,
    )


class ComptesConfig(AppConfig):
    name = "comptes"
    verbose_name = "Comptes et rôles"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from comptes import services
        from comptes.sessions import apply_login_policy
        from messagerie.links import register_link_builder

        post_migrate.connect(_sync_roles, dispatch_uid="comptes_sync_roles")
        user_logged_in.connect(apply_login_policy, dispatch_uid="comptes_login_policy")
        register_link_builder(services.RESET_LINK, services.build_reset_link)
        register_link_builder(services.ACTIVATION_LINK, services.build_activation_link)
