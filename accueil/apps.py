from django.apps import AppConfig


class AccueilConfig(AppConfig):
    name = "accueil"
    verbose_name = "Accueil et orientation (action 5)"

    def ready(self):
        from accueil import metrics, orientation, services
        from lib.media import delete_files_with_rows
        from messagerie.links import register_link_builder

        register_link_builder(services.TRACKING_LINK, services.build_tracking_link)
        register_link_builder(services.PARTNER_LINK, orientation.build_partner_link)
        delete_files_with_rows(self.get_model("Attachment"))
        metrics.register_metrics()
