"""What « L'ESS et vous » holds about a person (appartenance/personal_data.py): found by the
email of their account, each record checked field by field; erased (the organisation's rows
unlinked, their name replaced), the jury's rows held for the Prix's fairness record."""

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from annuaire.models import PartnerMembership
from appartenance import badges, guide, personal_data, prix, tasks
from appartenance.memberships import change_membership_state
from appartenance.models_badges import BadgeKey, EssVerification, Membership, MembershipState, MembershipTransition
from appartenance.models_guide import GuideAction, GuideAnswer
from appartenance.models_prix import (
    ConflictOfInterest,
    JuryMember,
    PrixAttachment,
    PrixCampaign,
    PrixEvaluation,
    PrixScore,
)
from appartenance.models_report import GuideReport
from appartenance.models_resources import Resource
from tests.annuaire.factories import OrganisationFactory
from tests.appartenance.personal_data_factories import ATTACHMENT, REPORT, make_person
from tests.appartenance.prix_factories import make_application, make_campaign
from tests.helpers.personal_data import provider, records_of, traces

pytestmark = pytest.mark.django_db

YSALINE = "ysaline.grondin@exemple.re"
MAELYS = "maelys.boyer@exemple.re"


@pytest.fixture
def ysaline():
    return make_person(YSALINE, "Ysaline", "Grondin-Testa")


@pytest.fixture
def maelys():
    return make_person(MAELYS, "Maëlys", "Boyer-Kala")


def only(records):
    assert len(records) == 1, records
    return records[0]


def user_links(user) -> list[str]:
    """Every row of the provider's models that still points to this account."""
    left = []
    for label in provider("appartenance").models:
        model = apps.get_model(label)
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is get_user_model():
                rows = model._default_manager.filter(**{field.name: user})
                left += [f"{label}#{row.pk}.{field.name}" for row in rows]
    return left


def test_the_provider_declares_every_model_of_the_app_that_names_a_person():
    from cress.access import MODEL_RULES

    declared = set(provider("appartenance").models)
    personal = {
        rule.model
        for rule in MODEL_RULES
        if rule.app_label == "appartenance" and any(kind.name == "PERSONAL" for kind in rule.kinds)
    }
    assert personal <= declared, personal - declared
    user_model = get_user_model()
    with_an_account = {
        model._meta.label
        for model in apps.get_app_config("appartenance").get_models()
        if any(f.is_relation and f.related_model is user_model for f in model._meta.concrete_fields)
    }
    assert with_an_account <= declared, with_an_account - declared


def test_find_returns_each_record_of_the_person_field_by_field(ysaline, maelys):
    found = provider("appartenance").find("YSALINE.Grondin@Exemple.RE".lower())
    campaign = ysaline.campaign

    answers = records_of(found, "Réponse au guide des bonnes pratiques")
    assert [a["réponse"] for a in answers] == ["Oui", "En partie"]
    first = answers[0]
    assert first["structure"] == ysaline.organisation.name
    assert first["année"] == timezone.localdate().year
    assert first["question"].startswith("Les instances prévues par les statuts")
    assert first["valeur"] is None and first["précision"] == ""
    assert (
        first["répondu le"]
        == GuideAnswer.objects.get(updated_by=ysaline.user, question="gouvernance.instances").updated_at
    )

    action = only(records_of(found, "Action d'amélioration"))
    assert action == {
        "structure": ysaline.organisation.name,
        "année": ysaline.assessment.year,
        "thème": "Gouvernance démocratique",
        "action": "Ouvrir le conseil aux salariés",
        "porteur": "Ysaline Grondin-Testa (trésorière)",
        "échéance": None,
        "état": "À faire",
        "créée le": ysaline.action.created_at,
        "votre lien": "créée par vous, vous en êtes le porteur",
    }

    report = only(records_of(found, "Rapport de bonnes pratiques demandé"))
    assert report == {
        "structure": ysaline.organisation.name,
        "année": ysaline.assessment.year,
        "état": "Prêt",
        "demandé le": ysaline.report.requested_at,
        "construit le": ysaline.report.built_at,
        "pages": 1,
    }

    application = only(records_of(found, "Candidature au Prix de l'ESS"))
    ysaline.application.refresh_from_db()
    assert application == {
        "campagne": campaign.title,
        "catégorie": "Utilité sociale",
        "structure": ysaline.organisation.name,
        "état": "Déposée",
        "titre du projet": "Une épicerie solidaire",
        "le projet en bref": "Une épicerie solidaire.",
        "ses effets, ses résultats": "Trente familles aidées.",
        "distinction": "",
        "commencée le": ysaline.application.created_at,
        "déposée le": ysaline.application.submitted_at,
        "créée par vous": True,
        "déposée par vous": True,
    }
    label = f"{ysaline.organisation.name} — Utilité sociale ({campaign.year})"
    transition = only(records_of(found, "Changement d'état d'une candidature fait par vous"))
    assert transition["candidature"] == label
    assert (transition["de"], transition["vers"], transition["commentaire"]) == ("Brouillon", "Déposée", "")

    attachment = only(records_of(found, "Pièce jointe d'une candidature"))
    file_name = ysaline.attachment.file.name.rsplit("/", 1)[-1]
    assert attachment == {
        "candidature": label,
        "intitulé": "Rapport d'activité",
        "type de fichier": "PDF",
        "fichier": file_name,
        "ajoutée le": ysaline.attachment.uploaded_at,
    }

    juror = only(records_of(found, "Membre du jury du Prix"))
    assert juror == {
        "campagne": campaign.title,
        "qualité": "Personnalité qualifiée",
        "nommé le": ysaline.juror.created_at,
    }
    conflict = only(records_of(found, "Conflit d'intérêts déclaré"))
    assert conflict["structure"] == ysaline.organisation.name
    assert conflict["lien déclaré"] == "Membre de la structure"
    evaluation = only(records_of(found, "Évaluation d'une candidature (jury)"))
    assert evaluation["candidature"] == f"{ysaline.scored.organisation.name} — Utilité sociale ({campaign.year})"
    assert evaluation["notes"] == {"Utilité sociale du projet": 8, "Ancrage territorial": 6, "Gouvernance": 7}
    assert evaluation["commentaire"] == "Un projet ancré dans son quartier."

    resource = only(records_of(found, "Ressource dont vous êtes l'auteur"))
    assert resource == {
        "titre": "Guide de la gouvernance partagée",
        "auteur": "Ysaline Grondin-Testa et la CRESS",
        "date": timezone.localdate(),
        "publiée": True,
    }

    # Nothing of Maëlys's, and no other kind of record.
    assert len(found.records) == 11
    assert "Boyer-Kala" not in str([record.data for record in found.records])

    documents = {document.name: document for document in found.documents}
    assert set(documents) == {
        f"rapport-{ysaline.report.pk}/{ysaline.report.file.name.rsplit('/', 1)[-1]}",
        f"piece-{ysaline.attachment.pk}/{file_name}",
    }
    contents = {}
    for name, document in documents.items():
        with document.file.open("rb") as handle:
            contents[name.split("-")[0]] = handle.read()
    assert contents == {"rapport": REPORT, "piece": ATTACHMENT}


def test_a_person_without_an_account_here_has_nothing():
    assert not provider("appartenance").find("personne@exemple.re")
    assert provider("appartenance").erase("personne@exemple.re", by=None).erased == 0


def test_erase_unlinks_the_account_replaces_the_name_and_holds_the_jury(
    ysaline, maelys, admin_user, django_capture_on_commit_callbacks
):
    other_before = provider("appartenance").find(MAELYS)
    storage = ysaline.report.file.storage
    report_name, attachment_name = ysaline.report.file.name, ysaline.attachment.file.name
    evaluation = PrixEvaluation.objects.get(juror=ysaline.juror)
    conflict = ConflictOfInterest.objects.get(juror=ysaline.juror)
    scores = dict(PrixScore.objects.filter(evaluation=evaluation).values_list("criterion__name", "points"))

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        result = provider("appartenance").erase(YSALINE, by=admin_user)

    # answers 2, action 1, report deleted 1 and unlinked 0 (it is gone), application 1,
    # its transition 1, attachment 1, resource 1
    assert result.erased == 8
    title = ysaline.campaign.title
    assert [(hold.what, hold.model, hold.pk) for hold in result.kept] == [
        (f"Nomination au jury du {title}", "appartenance.JuryMember", ysaline.juror.pk),
        (f"Conflit d'intérêts déclaré par un juré du {title}", "appartenance.ConflictOfInterest", conflict.pk),
        (
            f"Évaluation d'une candidature par un juré du {title} (notes et commentaire)",
            "appartenance.PrixEvaluation",
            evaluation.pk,
        ),
    ]
    results_day = timezone.localdate(ysaline.campaign.results_at)
    for hold in result.kept:
        assert "Code civil, article 2224" in hold.reason and "5 ans" in hold.reason
        assert hold.until == results_day.replace(year=results_day.year + settings.PRIX_JURY_RETENTION_YEARS)
        assert "Ysaline" not in hold.what + hold.reason

    # What is left names her nowhere, except the jury's rows the holds keep, untouched.
    held = {}
    for hold in result.kept:
        held.setdefault(hold.model, set()).add(hold.pk)
    needles = [YSALINE, "Ysaline", "Grondin-Testa"]
    assert traces(needles, model_labels=provider("appartenance").models, exclude=held) == []
    assert user_links(ysaline.user) == [f"appartenance.JuryMember#{ysaline.juror.pk}.user"]
    evaluation.refresh_from_db()
    assert evaluation.comment == "Un projet ancré dans son quartier."
    assert dict(PrixScore.objects.filter(evaluation=evaluation).values_list("criterion__name", "points")) == scores
    assert ConflictOfInterest.objects.get(pk=conflict.pk).reason == "Membre de la structure"

    # The organisation's rows stay, unlinked; the name is replaced where it was written.
    assert GuideAnswer.objects.filter(assessment=ysaline.assessment).count() == 2
    action = GuideAction.objects.get(pk=ysaline.action.pk)
    assert (action.owner, action.created_by, action.title) == (
        "(nom effacé) (trésorière)",
        None,
        "Ouvrir le conseil aux salariés",
    )
    application = type(ysaline.application).objects.get(pk=ysaline.application.pk)
    assert (application.created_by, application.submitted_by, application.project_title) == (
        None,
        None,
        "Une épicerie solidaire",
    )
    attachment = PrixAttachment.objects.get(pk=ysaline.attachment.pk)
    assert attachment.uploaded_by is None and storage.exists(attachment_name)
    assert Resource.objects.get(pk=ysaline.resource.pk).author == "Anonyme et la CRESS"
    # The built report printed the porteur's name: it is deleted, its file too.
    assert not GuideReport.objects.filter(pk=ysaline.report.pk).exists()
    assert not storage.exists(report_name)

    # Maëlys's rows are as they were.
    assert provider("appartenance").find(MAELYS) == other_before
    assert storage.exists(maelys.report.file.name) and storage.exists(maelys.attachment.file.name)

    # A second erasure erases nothing more and shows the hold again.
    with transaction.atomic():
        again = provider("appartenance").erase(YSALINE, by=admin_user)
    assert again.erased == 0
    assert again.kept == result.kept

    # Who the juror was is kept on the appointment: the held rows outlive the account, which
    # comptes' provider deletes after this one, and are still found by her address.
    juror = JuryMember.objects.get(pk=ysaline.juror.pk)
    assert (juror.held_name, juror.held_email) == ("Ysaline Grondin-Testa", YSALINE)
    ysaline.user.delete()
    juror.refresh_from_db()
    assert juror.user is None and juror.display_name == "Ysaline Grondin-Testa"
    assert PrixEvaluation.objects.get(pk=evaluation.pk).comment == "Un projet ancré dans son quartier."
    assert ConflictOfInterest.objects.filter(pk=conflict.pk).exists()
    found = provider("appartenance").find(YSALINE.upper().lower())
    assert [record.kind for record in found.records] == [
        "Membre du jury du Prix",
        "Conflit d'intérêts déclaré",
        "Évaluation d'une candidature (jury)",
    ]
    with transaction.atomic():
        last = provider("appartenance").erase(YSALINE, by=admin_user)
    assert (last.erased, last.kept) == (0, result.kept)


def test_a_jurors_rows_past_their_hold_are_erased_and_purged(settings, admin_user):
    settings.PRIX_JURY_RETENTION_YEARS = 2
    long_ago = timezone.now() - timedelta(days=3 * 366)
    old = make_campaign(year=2030, phase="jury", now=long_ago)
    recent = make_campaign(year=2031, phase="jury")
    person = make_person(YSALINE, "Ysaline", "Grondin-Testa")
    other = make_person(MAELYS, "Maëlys", "Boyer-Kala")
    organisation = OrganisationFactory(name="Épicerie solidaire du Port")
    member = PartnerMembership.objects.create(
        user=type(person.user).objects.create_user("membre.port@exemple.re"), organisation=organisation
    ).user
    applications = {c.year: make_application(c, organisation, member) for c in (old, recent)}
    for campaign, user in ((old, person.user), (old, other.user), (recent, other.user)):
        juror = JuryMember.objects.create(campaign=campaign, user=user)
        prix.score_application(
            juror=juror,
            application_id=applications[campaign.year].pk,
            points={c.pk: 5 for c in campaign.criteria.all()},
            comment="Solide.",
            now=campaign.jury_starts_at + timedelta(hours=1),
        )

    with transaction.atomic():
        result = provider("appartenance").erase(YSALINE, by=admin_user)
    # Her old campaign's appointment and evaluation are past the hold: deleted.
    assert not JuryMember.objects.filter(campaign=old, user=person.user).exists()
    assert {hold.what for hold in result.kept} == {
        f"Nomination au jury du {person.campaign.title}",
        f"Conflit d'intérêts déclaré par un juré du {person.campaign.title}",
        f"Évaluation d'une candidature par un juré du {person.campaign.title} (notes et commentaire)",
    }
    assert result.kept[0].until.year == timezone.localdate(person.campaign.results_at).year + 2

    # The beat's purge deletes the other juror's expired rows, and only those.
    assert personal_data.purge_expired_jury_records() == 2
    assert not JuryMember.objects.filter(campaign=old).exists()
    assert JuryMember.objects.filter(campaign=recent, user=other.user).exists()
    assert JuryMember.objects.filter(campaign=person.campaign).count() == 1
    assert personal_data.purge_expired_jury_records() == 0
    assert tasks.purge_expired_jury_records.apply().get() == 0


def test_a_former_staff_members_acts_are_found_and_unlinked(maelys, admin_user):
    person = make_person(YSALINE, "Ysaline", "Grondin-Testa")
    staff = person.user
    organisation = OrganisationFactory(name="Mutuelle des Hauts")
    EssVerification.objects.create(organisation=organisation, verified_by=staff, note="Statuts vus.")
    badges.revoke_badge(organisation=organisation, by=staff)
    membership = Membership.objects.create(organisation=organisation, year=2026)
    change_membership_state(
        membership=membership, target=MembershipState.WAIVED, by=staff, comment="Structure naissante."
    )
    campaign = PrixCampaign.objects.get(pk=person.campaign.pk)
    PrixCampaign.objects.filter(pk=campaign.pk).update(deliberated_by=staff, deliberated_at=timezone.now())
    campaign.refresh_from_db()

    found = provider("appartenance").find(YSALINE)
    assert only(records_of(found, "Statut ESS vérifié par vous")) == {
        "structure": "Mutuelle des Hauts",
        "vérifié le": timezone.localdate(),
        "note": "Statuts vus.",
    }
    key = BadgeKey.objects.get(organisation=organisation)
    assert only(records_of(found, "Badge révoqué par vous")) == {
        "structure": "Mutuelle des Hauts",
        "version": 2,
        "révoqué le": key.revoked_at,
    }
    change = only(records_of(found, "Changement d'état d'une adhésion fait par vous"))
    assert (change["structure"], change["année"], change["de"], change["vers"], change["commentaire"]) == (
        "Mutuelle des Hauts",
        2026,
        "Cotisation à régler",
        "Exonérée de cotisation",
        "Structure naissante.",
    )
    assert only(records_of(found, "Délibération du Prix enregistrée par vous")) == {
        "campagne": campaign.title,
        "enregistrée le": campaign.deliberated_at,
    }

    with transaction.atomic():
        provider("appartenance").erase(YSALINE, by=admin_user)
    assert user_links(staff) == [f"appartenance.JuryMember#{person.juror.pk}.user"]
    assert EssVerification.objects.get(organisation=organisation).note == "Statuts vus."
    assert MembershipTransition.objects.get(subject=membership).comment == "Structure naissante."
    assert BadgeKey.objects.get(organisation=organisation).version == 2
    # Maëlys's campaign was deliberated by no one; hers is untouched.
    assert GuideAnswer.objects.filter(updated_by=maelys.user).count() == 2


def test_an_uploader_may_leave_a_submitted_application_but_its_files_stay_frozen(ysaline):
    """The account that uploaded a file of a submitted application may be unlinked (its
    deletion sets it to null); the file itself still never changes."""
    attachment = ysaline.attachment
    with transaction.atomic(), pytest.raises(IntegrityError, match="ses pièces ne changent plus"):
        PrixAttachment.objects.filter(pk=attachment.pk).update(title="Autre pièce")
    other = type(ysaline.user).objects.create_user("autre.membre@exemple.re")
    with transaction.atomic(), pytest.raises(IntegrityError, match="ses pièces ne changent plus"):
        PrixAttachment.objects.filter(pk=attachment.pk).update(uploaded_by=other)
    ysaline.user.delete()
    attachment.refresh_from_db()
    assert attachment.uploaded_by is None and attachment.title == "Rapport d'activité"
    # An account deleted without a personal-data request leaves an anonymous juror whose
    # scores still count.
    juror = JuryMember.objects.get(pk=ysaline.juror.pk)
    assert (juror.user, juror.display_name, juror.evaluations.count()) == (None, "", 1)


def test_every_retention_names_its_setting_and_reads():
    retentions = provider("appartenance").retentions
    assert any("PRIX_JURY_RETENTION_YEARS" in retention.settings for retention in retentions)
    texts = [retention.period_text() for retention in retentions]
    assert f"{settings.PRIX_JURY_RETENTION_YEARS} ans après l'annonce des résultats" in texts[2]
    assert all(retention.basis and retention.treatment for retention in retentions)


def test_the_hold_follows_the_setting(settings, ysaline):
    settings.PRIX_JURY_RETENTION_YEARS = 7
    hold = provider("appartenance").erase(YSALINE, by=None).kept[0]
    results_day = timezone.localdate(ysaline.campaign.results_at)
    assert hold.until == date(results_day.year + 7, results_day.month, results_day.day)
    assert "7 ans" in hold.reason


def test_text_others_wrote_naming_the_person_is_found_and_their_name_replaced(
    ysaline, maelys, admin_user, django_capture_on_commit_callbacks
):
    """Maëlys's organisation wrote Ysaline's name in its answers, an action's title and a
    draft application; staff in a membership's log. The name goes, the rest stays; the built
    report that printed it goes too. A submitted application's text is frozen: not touched."""
    guide.save_answers(
        assessment=maelys.assessment,
        theme=guide.guide().theme("strategie"),
        values={"strategie.precisions": "Stratégie revue avec ysaline grondin-testa en mars."},
        by=maelys.user,
    )
    GuideAction.objects.filter(pk=maelys.action.pk).update(title="Former Ysaline Grondin-Testa à la comptabilité")
    draft = make_application(
        maelys.campaign, maelys.organisation, maelys.user, category=1, submit=False, title="Un tiers-lieu"
    )
    type(draft).objects.filter(pk=draft.pk).update(summary="Un tiers-lieu animé par Grondin-Testa Ysaline.")
    membership = Membership.objects.create(organisation=maelys.organisation, year=2026)
    change_membership_state(
        membership=membership, target=MembershipState.WAIVED, comment="Demande de Ysaline Grondin-Testa."
    )
    report_name = maelys.report.file.name

    found = provider("appartenance").find(YSALINE)
    mentions = records_of(found, "Texte qui vous nomme")
    assert mentions == [
        {"où": "réponse au guide — précision", "texte": "Stratégie revue avec ysaline grondin-testa en mars."},
        {"où": "action d'amélioration — action", "texte": "Former Ysaline Grondin-Testa à la comptabilité"},
        {"où": "changement d'état d'une adhésion — commentaire", "texte": "Demande de Ysaline Grondin-Testa."},
        {"où": "candidature au Prix — le projet en bref", "texte": "Un tiers-lieu animé par Grondin-Testa Ysaline."},
    ]

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        provider("appartenance").erase(YSALINE, by=admin_user)

    answer = GuideAnswer.objects.get(assessment=maelys.assessment, question="strategie.precisions")
    assert (answer.text, answer.updated_by) == ("Stratégie revue avec (nom effacé) en mars.", maelys.user)
    assert GuideAction.objects.get(pk=maelys.action.pk).title == "Former (nom effacé) à la comptabilité"
    assert MembershipTransition.objects.get(subject=membership).comment == "Demande de (nom effacé)."
    assert type(draft).objects.get(pk=draft.pk).summary == "Un tiers-lieu animé par (nom effacé)."
    assert not GuideReport.objects.filter(pk=maelys.report.pk).exists()
    assert not maelys.report.file.storage.exists(report_name)
    assert not records_of(provider("appartenance").find(YSALINE), "Texte qui vous nomme")
    # Maëlys's own links are untouched.
    assert GuideAnswer.objects.filter(updated_by=maelys.user).count() == 3
    assert type(draft).objects.get(pk=draft.pk).created_by == maelys.user
