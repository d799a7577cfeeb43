from django.apps import AppConfig


class ObservatoireConfig(AppConfig):
    name = "observatoire"
    verbose_name = "Observatoire (action 3)"

    def ready(self):
        from lib import employment_figures, keyfigures, personal_data, territory_blocks
        from lib.media import delete_files_with_rows
        from messagerie.links import register_link_builder
        from observatoire import panoramas
        from observatoire import personal_data as observatoire_personal_data
        from observatoire.employment_source import SOURCE as EMPLOYMENT_SOURCE
        from observatoire.home import PROVIDER
        from observatoire.territory_block import BLOCK

        register_link_builder(panoramas.PANORAMA_LINK, panoramas.build_panorama_link)
        # Uploaded files (an import not yet run), panoramas and publications go with their rows.
        for model_name in ("DataImport", "Panorama", "Publication"):
            delete_files_with_rows(self.get_model(model_name))
        keyfigures.register(PROVIDER)
        territory_blocks.register(BLOCK)
        personal_data.register(observatoire_personal_data.PROVIDER)
        # The ESS métiers pages (emplois) show the ESS employment of each family's activities.
        employment_figures.register(EMPLOYMENT_SOURCE)
