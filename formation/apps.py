from django.apps import AppConfig

# The models whose changes show on the public pages (places left, published results).
PUBLIC_MODELS = ("Training", "Session", "Trainer", "Registration", "Attendance", "SurveyResponse")


def _formation_changed(sender, **kwargs):
    # Cache invalidation only: whatever writes (admin, services, shell), the cached
    # catalogue and agenda pages are dropped once the write is committed.
    from django.db import transaction

    from formation.cache import bump_version

    transaction.on_commit(bump_version)


class FormationConfig(AppConfig):
    name = "formation"
    verbose_name = "Formation (action 6)"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        # tasks_hr, tasks_documents and tasks_schedule register their Celery tasks (only tasks.py is autodiscovered).
        from formation import (  # noqa: F401
            cache,
            documents,
            hr,
            links,
            metrics,
            schedule,
            selectors,
            tasks_documents,
            tasks_hr,
            tasks_schedule,
        )
        from formation.metier_trainings import SOURCE as METIER_TRAININGS
        from formation.models import Theme
        from lib import agenda, trainings
        from lib.media import delete_files_with_rows
        from lib.need_resources import register_need_resource
        from lib.resources import TopicKind, register_topic_kind
        from lib.territory_links import register_territory_link
        from messagerie.links import register_link_builder

        agenda.register(
            agenda.AgendaSource(
                name="formation",
                kind=selectors.AGENDA_KIND,
                kind_label=selectors.AGENDA_KIND_LABEL,
                items=selectors.agenda_items,
                version=cache.current_version,
                next_change=selectors.agenda_next_change,
            )
        )
        # The intake's « formation » need (accueil.models.Need.TRAINING) leads to the catalogue.
        register_need_resource("formation", "catalogue", selectors.catalogue_need_resource)
        register_territory_link("formation", selectors.territory_catalogue_link)
        # The ESS métiers pages (emplois) show the trainings leading to each family's ROME fiches.
        trainings.register(METIER_TRAININGS)
        # The resource centre's resources about a training theme (lib.resources), on the training's page.
        register_topic_kind(TopicKind("formation", "Formation : thème", lambda: Theme.choices))
        metrics.register_metrics()
        from formation.personal_data import PROVIDER as PERSONAL_DATA
        from lib import personal_data

        personal_data.register(PERSONAL_DATA)  # what it holds about a person (RGPD)

        for model_name in PUBLIC_MODELS:
            model = self.get_model(model_name)
            post_save.connect(_formation_changed, sender=model, dispatch_uid=f"formation_save_{model_name}")
            post_delete.connect(_formation_changed, sender=model, dispatch_uid=f"formation_del_{model_name}")
        links.register()
        register_link_builder(hr.HR_LINK, hr.build_follow_up_link)
        register_link_builder(documents.CERTIFICATE_LINK, documents.build_certificate_link)
        delete_files_with_rows(self.get_model("Registration"))
        register_link_builder(schedule.CONVOCATION_LINK, schedule.build_convocation_link)
        register_link_builder(schedule.SURVEY_LINK, schedule.build_survey_link)
