from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_metier_families(sender, **kwargs):
    # Migration 0003 loads the métiers of the ESS once; a `flush` (transactional tests)
    # empties the table, and this loads them again. A table with rows is staff's: left alone.
    from django.apps import apps

    from emplois.metiers import load_families

    if not apps.get_model("emplois", "MetierFamily").objects.exists():
        load_families(apps)


class EmploisConfig(AppConfig):
    name = "emplois"
    verbose_name = "Emplois et carrières dans l'ESS (action 6)"

    def ready(self):
        from emplois.member_space import SPACE as MEMBER_SPACE
        from lib import member_spaces

        member_spaces.register(MEMBER_SPACE)  # its part of « Mon espace »
        # The modules of Celery tasks register them (only tasks.py is autodiscovered).
        from emplois import (  # noqa: F401
            alerts,
            applications,
            cache,
            intake,
            skills,
            tasks_alerts,
            tasks_applications,
            tasks_offers,
            tasks_skills,
        )
        from lib.media import delete_files_with_rows
        from lib.resources import TopicKind, register_topic_kind
        from messagerie.links import register_link_builder

        delete_files_with_rows(self.get_model("Application"))
        # « Je souhaite travailler dans l'ESS », « Évoluer dans ma carrière ESS » in the intake.
        intake.register_kinds()
        post_migrate.connect(_load_metier_families, sender=self, dispatch_uid="emplois_load_metiers")
        # Private links: the employer's page of an application, the candidate's page.
        register_link_builder(applications.EMPLOYER_LINK, applications.build_employer_link)
        register_link_builder(applications.CANDIDATE_LINK, applications.build_candidate_link)
        # Private links: a job alert's confirmation and unsubscription.
        register_link_builder(alerts.CONFIRM_LINK, alerts.SUBSCRIPTIONS.build_confirm_link)
        register_link_builder(alerts.UNSUBSCRIBE_LINK, alerts.SUBSCRIPTIONS.build_unsubscribe_link)
        # The offers' public data version, bumped on every committed change (emplois.cache).
        cache.connect_signals()
        # The resource centre's resources about a métier family (lib.resources), on its page.
        register_topic_kind(TopicKind("metier", "Métier de l'ESS", _published_metier_families))
        # The skills record: its private link, its PDF summary removed with the row.
        register_link_builder(skills.RECORD_LINK, skills.build_record_link)
        delete_files_with_rows(self.get_model("SkillsRecord"))
        # What the job board holds about one person (RGPD articles 15 and 17).
        from emplois.personal_data import PROVIDER as PERSONAL_DATA
        from lib import personal_data

        personal_data.register(PERSONAL_DATA)


def _published_metier_families():
    from emplois.models import MetierFamily

    return MetierFamily.objects.filter(is_published=True).order_by("name").values_list("slug", "name")
