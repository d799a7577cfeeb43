"""The intake's part of a personal-data request (accueil/personal_data.py): everything it
holds about an email address, then its erasure, checked field by field."""

import os

import pytest
from django.db.models import Q
from django.forms.models import model_to_dict

from accueil.models import (
    Attachment,
    DocumentDownload,
    IntakeRequest,
    InternalNote,
    Message,
    Orientation,
    ParticipantProfile,
    RequestErasure,
)
from accueil.personal_data import emails_about
from lib import personal_data
from lib.dates import french_datetime
from messagerie.models import OutgoingEmail
from tests.accueil.personal_data_factories import make_intake_person
from tests.comptes.factories import UserFactory
from tests.helpers.personal_data import provider, records_of, traces

pytestmark = pytest.mark.django_db

EMAIL = "ysaline.grondin@exemple.re"
FIRST, LAST, PHONE = "Ysaline", "Grondin-Testa", "0692 11 22 33"
OTHER_EMAIL = "maelys.boyer@exemple.re"


@pytest.fixture
def people():
    ysaline = make_intake_person(EMAIL, FIRST, LAST, PHONE)
    maelys = make_intake_person(OTHER_EMAIL, "Maëlys", "Boyer-Kala", "0693 44 55 66")
    return ysaline, maelys


def read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def test_the_provider_is_registered_with_every_personal_model_and_its_retentions(settings):
    accueil = provider("accueil")
    assert personal_data.declared_models()["accueil.IntakeRequest"] == "accueil"
    assert set(accueil.models) >= {
        f"accueil.{name}"
        for name in (
            "IntakeRequest",
            "RequestTransition",
            "Attachment",
            "DocumentDownload",
            "RequestAssignment",
            "ParticipantProfile",
            "Message",
            "InternalNote",
            "Orientation",
            "OrientationTransition",
            "RequestReference",
            "RequestReferenceTransition",
        )
    }
    settings.INTAKE_ANONYMISE_MONTHS, settings.INTAKE_ATTACHMENTS_MONTHS, settings.FSE_RETENTION_YEARS = 24, 3, 7
    periods = [retention.period_text() for retention in accueil.retentions]
    assert periods[0].startswith("24 mois après la clôture") and periods[1] == "3 mois après la clôture de la demande"
    assert periods[2].startswith("7 ans à compter du 31 décembre")
    assert "2021/1060" in accueil.retentions[2].basis


def test_find_returns_each_record_of_the_person_field_by_field_and_their_documents(people):
    ysaline, maelys = people
    found = provider("accueil").find(EMAIL.upper())
    intake, fse = ysaline.request, ysaline.fse_request

    requests = records_of(found, "Demande d'accompagnement")
    assert [r["référence"] for r in requests] == [intake.reference, fse.reference]
    first = requests[0]
    assert (first["prénom"], first["nom"], first["adresse électronique"], first["téléphone"]) == (
        FIRST,
        LAST,
        EMAIL,
        PHONE,
    )
    assert first["titre du projet"] == intake.title
    assert first["description du projet"] == f"Projet porté par {FIRST} {LAST} : une ressourcerie à Saint-Pierre."
    assert (first["commune de résidence"], first["commune d'activité"]) == (
        intake.commune.name,
        intake.activity_commune.name,
    )
    assert first["besoins"] == ["Financement", "Choix du statut"]
    assert (
        first["stade du projet"] == intake.get_stage_display() and first["forme juridique"] == "Je ne sais pas encore"
    )
    assert first["état"] == "Orientée" and first["issue"] == "" and first["clôturée le"] == ""
    assert first["déposée le"] == french_datetime(intake.created_at)
    assert first["texte du consentement accepté"] == intake.consent_text and first["conservation"] == ""
    assert requests[1]["adresse électronique"] == EMAIL.upper()
    assert requests[1]["conservation"].startswith("données de participant FSE")

    (participant,) = records_of(found, "Données de participant FSE")
    assert participant == {
        "demande": fse.reference,
        "sexe": "Femme",
        "tranche d'âge": "25 à 54 ans",
        "situation professionnelle": "Demandeur·se d'emploi",
        "niveau d'études": "Études supérieures (CITE 5 à 8)",
        "situation de désavantage déclarée": "",
    }

    documents = records_of(found, "Document joint")
    assert [(d["demande"], d["nom d'origine"], d["ajouté par le porteur"]) for d in documents] == [
        (intake.reference, "cv.pdf", "oui"),
        (intake.reference, "budget.pdf", "oui"),
        (fse.reference, "kbis.pdf", "oui"),
    ]
    assert documents[0]["type détecté"] == "application/pdf"
    assert documents[0]["taille (octets)"] == len(f"%PDF-1.4 {FIRST} {LAST}".encode())
    files = {document.name: read(document.file) for document in found.documents}
    cv, budget, kbis = (
        Attachment.objects.get(request__in=[intake, fse], original_name=n) for n in ("cv.pdf", "budget.pdf", "kbis.pdf")
    )
    assert files == {
        f"demande-{intake.reference}/{cv.pk}-cv.pdf": f"%PDF-1.4 {FIRST} {LAST}".encode(),
        f"demande-{intake.reference}/{budget.pk}-budget.pdf": b"%PDF-1.4 budget",
        f"demande-{fse.reference}/{kbis.pk}-kbis.pdf": f"%PDF-1.4 {FIRST} {LAST}".encode(),
    }
    assert [d["fichier dans l'archive"] for d in documents] == list(files)

    messages = records_of(found, "Message")
    assert [(m["demande"], m["auteur"], m["message"]) for m in messages] == [
        (intake.reference, "L'équipe de la CRESS", f"Bonjour {FIRST}, pouvez-vous préciser votre budget ?"),
        (intake.reference, "Le porteur du projet", f"Budget de 12 000 €. {FIRST} {LAST}"),
        (intake.reference, intake.orientations.get().organisation.name, f"{FIRST}, avez-vous un local ?"),
        (fse.reference, "L'équipe de la CRESS", f"Merci {FIRST}, dossier complet."),
    ]
    structure = intake.orientations.get().organisation.name
    assert messages[2]["lu par"] == f"le porteur, {structure} et la CRESS"
    assert messages[0]["envoyé le"] == french_datetime(Message.objects.filter(request=intake).first().created_at)

    (note,) = records_of(found, "Note interne de l'équipe")
    assert (note["demande"], note["note"]) == (intake.reference, f"{FIRST} {LAST} a déjà une équipe de trois.")

    logs = records_of(found, "Changement d'état de la demande")
    assert [(log["demande"], log["état de départ"], log["nouvel état"], log["commentaire"]) for log in logs] == [
        (intake.reference, "Nouvelle", "En qualification", f"Appel à {FIRST} {LAST}."),
        (intake.reference, "En qualification", "Orientée", ""),
    ]

    (orientation,) = records_of(found, "Orientation vers une structure")
    assert orientation["structure"] == structure and orientation["état"] == "Acceptée"
    assert orientation["message de la structure"] == f"Nous recevons {FIRST} jeudi."
    assert orientation["suite donnée (compte rendu)"] == f"{FIRST} {LAST} accompagnée six mois."
    orientation_logs = records_of(found, "Changement d'état d'une orientation")
    assert [(log["nouvel état"], log["commentaire"]) for log in orientation_logs] == [
        ("Envoyée", ""),
        ("Acceptée", f"Nous recevons {FIRST} jeudi."),
    ]

    (suggestion,) = records_of(found, "Suggestion faite au porteur")
    assert (suggestion["intitulé"], suggestion["suite"]) == ("Prêt d'honneur France Active", "Demandé")
    (suggestion_log,) = records_of(found, "Suite d'une suggestion")
    assert (suggestion_log["état de départ"], suggestion_log["nouvel état"], suggestion_log["commentaire"]) == (
        "Proposé",
        "Demandé",
        f"Demandé par {FIRST}.",
    )
    (download,) = records_of(found, "Téléchargement d'un de vos documents par une structure")
    assert (download["structure"], download["document"]) == (structure, "cv.pdf")

    # As a member of a structure: what they wrote and downloaded on someone else's request.
    partner = ysaline.partner_request
    partner_structure = partner.orientations.get().organisation.name
    (written,) = records_of(found, "Message écrit pour une structure")
    assert (written["demande"], written["structure"], written["message"]) == (
        partner.reference,
        partner_structure,
        "Quel est votre calendrier ?",
    )
    (taken,) = records_of(found, "Document téléchargé pour une structure")
    assert (taken["demande"], taken["structure"]) == (partner.reference, partner_structure)

    # Nothing of the other person, and no secret.
    text = str([record.data for record in found.records])
    assert "Maëlys" not in text and maelys.request.reference not in text
    assert "token" not in text and intake.attachments.first().token not in text
    assert provider("accueil").find("personne.inconnue@exemple.re").records == []


def test_erase_leaves_no_trace_but_the_fse_record_and_spares_the_other_person(
    people, django_capture_on_commit_callbacks
):
    ysaline, maelys = people
    superuser = UserFactory(is_staff=True, is_superuser=True)
    intake, fse = ysaline.request, ysaline.fse_request
    paths = [a.file.path for a in Attachment.objects.filter(request__in=[intake, fse])]
    fse_before = model_to_dict(IntakeRequest.objects.get(pk=fse.pk))
    profile_before = model_to_dict(ParticipantProfile.objects.get(request=fse))
    other = maelys.request
    other_before = model_to_dict(IntakeRequest.objects.get(pk=other.pk))
    other_messages = list(Message.objects.filter(request=other).values_list("body", flat=True))
    other_files = [a.file.path for a in Attachment.objects.filter(request__in=[other, maelys.fse_request])]
    other_orientation = model_to_dict(Orientation.objects.get(request=other))

    emails = emails_about(intake.reference).count() + emails_about(fse.reference).count()
    other_emails = sorted(emails_about(other.reference).values_list("pk", flat=True))
    assert emails > 0 and other_emails

    with django_capture_on_commit_callbacks(execute=True):
        result = provider("accueil").erase(EMAIL, by=superuser)

    # Kept: the FSE record, untouched, with its reason and end date.
    (hold,) = result.kept
    assert hold.what == f"Demande d'accompagnement {fse.reference} (données de participant FSE)"
    assert "Fonds social européen" in hold.reason and "2021/1060" in hold.reason
    assert hold.until == personal_data.fse_hold_until()
    assert (hold.model, hold.pk) == ("accueil.IntakeRequest", fse.pk)
    assert FIRST not in hold.what and EMAIL not in hold.what
    assert model_to_dict(IntakeRequest.objects.get(pk=fse.pk)) == fse_before
    assert model_to_dict(ParticipantProfile.objects.get(request=fse)) == profile_before
    # What surrounds it is not part of the FSE record: its document and message are gone.
    assert not Attachment.objects.filter(request=fse).exists() and not Message.objects.filter(request=fse).exists()

    # The other request: anonymised as the erasure page does it, with its audit row.
    intake.refresh_from_db()
    assert (intake.first_name, intake.last_name, intake.phone, intake.description) == ("Anonyme", "", "", "")
    assert intake.email == f"anonyme-{intake.pk}@anonyme.invalid" and intake.anonymised_at is not None
    assert intake.status == "retiree"
    erasure = RequestErasure.objects.get(request=intake)
    assert erasure.erased_by == superuser and erasure.documents_deleted == 2 and EMAIL not in erasure.reason
    assert not InternalNote.objects.filter(request=intake).exists()
    # Their account no longer signs the structure's message nor the download; both stay counted.
    assert Message.objects.filter(request=ysaline.partner_request, author__isnull=True).count() == 1
    assert DocumentDownload.objects.filter(orientation__request=ysaline.partner_request, user=None).count() == 1
    # Own request: 1 + 2 documents + 3 messages + 1 note; FSE request: 1 document + 1 message;
    # as a member: 1 message and 1 download unlinked; the outbox's emails about both requests.
    assert result.erased == 7 + 2 + 2 + emails
    assert not emails_about(intake.reference).exists() and not emails_about(fse.reference).exists()
    # Left in the outbox: only the emails sent to the person, which messagerie's part erases.
    naming = OutgoingEmail.objects.filter(Q(subject__icontains=LAST) | Q(body_text__icontains=LAST))
    assert not naming.exclude(to__iexact=EMAIL).exists()

    left = traces(
        [EMAIL, FIRST, LAST, PHONE, "Grondin"],
        model_labels=provider("accueil").models,
        exclude={"accueil.IntakeRequest": {fse.pk}},
    )
    assert left == []
    assert [path for path in paths if os.path.exists(path)] == []

    # The other person: nothing changed.
    assert model_to_dict(IntakeRequest.objects.get(pk=other.pk)) == other_before
    assert list(Message.objects.filter(request=other).values_list("body", flat=True)) == other_messages
    assert model_to_dict(Orientation.objects.get(request=other)) == other_orientation
    assert sorted(emails_about(other.reference).values_list("pk", flat=True)) == other_emails
    assert all(os.path.exists(path) for path in other_files)
    assert provider("accueil").find(OTHER_EMAIL).records

    # Found afterwards: only the FSE record; a second erasure erases nothing and holds it again.
    after = provider("accueil").find(EMAIL)
    assert [r["référence"] for r in records_of(after, "Demande d'accompagnement")] == [fse.reference]
    assert after.documents == []
    again = provider("accueil").erase(EMAIL, by=superuser)
    assert again.erased == 0 and again.kept == [hold]
