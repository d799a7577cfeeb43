from django.apps import AppConfig


class ComptesConfig(AppConfig):
    name = "comptes"
    verbose_name = "Comptes et rôles"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from comptes import personal_data as comptes_personal_data
        from comptes import services
        from comptes.sessions import apply_login_policy
        from lib import personal_data
        from messagerie.links import register_link_builder

        user_logged_in.connect(apply_login_policy, dispatch_uid="comptes_login_policy")
        register_link_builder(services.RESET_LINK, services.build_reset_link)
        register_link_builder(services.ACTIVATION_LINK, services.build_activation_link)
        personal_data.register(comptes_personal_data.PROVIDER)
