from django.apps import AppConfig


class MessagerieConfig(AppConfig):
    name = "messagerie"
    verbose_name = "Messagerie"

    def ready(self):
        from lib import personal_data
        from messagerie import personal_data as messagerie_personal_data

        personal_data.register(messagerie_personal_data.PROVIDER)
