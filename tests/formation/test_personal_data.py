"""The trainings' part of a personal-data request (formation/personal_data.py): everything
they hold about an email address, then its erasure, checked field by field."""

import pytest
from django.db.models import Q
from django.forms.models import model_to_dict

from formation import registrations
from formation.models import (
    Attendance,
    Complaint,
    HrMessage,
    HrRequest,
    Registration,
    RegistrationGroup,
    SurveyResponse,
    Trainer,
)
from lib import personal_data
from lib.dates import french_date, french_datetime
from messagerie.models import OutgoingEmail
from tests.comptes.factories import UserFactory
from tests.formation.personal_data_factories import make_trainee_person
from tests.helpers.personal_data import provider, records_of, traces

pytestmark = pytest.mark.django_db

EMAIL = "ysaline.grondin@exemple.re"
FIRST, LAST, PHONE = "Ysaline", "Grondin-Testa", "0692 11 22 33"
OTHER_EMAIL = "maelys.boyer@exemple.re"


@pytest.fixture
def people():
    ysaline = make_trainee_person(EMAIL, FIRST, LAST, PHONE)
    maelys = make_trainee_person(OTHER_EMAIL, "Maëlys", "Boyer-Kala", "0693 44 55 66")
    return ysaline, maelys


def read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def snapshot(person) -> dict:
    """Every row the factories made about one person, as plain values."""
    return {
        "past": model_to_dict(Registration.objects.get(pk=person.past.pk)),
        "upcoming": model_to_dict(Registration.objects.get(pk=person.upcoming.pk)),
        "group": model_to_dict(RegistrationGroup.objects.get(pk=person.group.pk)),
        "trainer": model_to_dict(Trainer.objects.get(pk=person.trainer.pk)),
        "hr": model_to_dict(HrRequest.objects.get(pk=person.hr_request.pk)),
        "hr_messages": list(HrMessage.objects.filter(request=person.hr_request).values_list("body", flat=True)),
        "answers": list(SurveyResponse.objects.filter(registration=person.past).values()),
        "complaints": [model_to_dict(c) for c in Complaint.objects.filter(pk__in=[c.pk for c in person.complaints])],
    }


def test_the_provider_is_registered_with_every_personal_model_and_its_retentions(settings):
    formation = provider("formation")
    assert set(formation.models) == {
        f"formation.{name}"
        for name in (
            "Trainer",
            "RegistrationGroup",
            "Registration",
            "Attendance",
            "SurveyResponse",
            "Complaint",
            "HrRequest",
            "HrRequestTransition",
            "HrMessage",
        )
    }
    settings.FORMATION_REGISTRATION_ANONYMISE_MONTHS, settings.HR_REQUEST_ANONYMISE_MONTHS = 30, 12
    settings.FORMATION_COMPLAINT_ANONYMISE_MONTHS = 24
    periods = [retention.period_text() for retention in formation.retentions]
    assert periods[0].startswith("30 mois après la fin de la session")
    assert periods[1].startswith("12 mois après la clôture")
    assert periods[3].startswith("24 mois après le traitement de la réclamation")
    named = {name for retention in formation.retentions for name in retention.settings}
    assert named == {
        "FORMATION_REGISTRATION_ANONYMISE_MONTHS",
        "HR_REQUEST_ANONYMISE_MONTHS",
        "FORMATION_COMPLAINT_ANONYMISE_MONTHS",
    }


def test_find_returns_each_record_of_the_person_field_by_field_and_their_certificate(people):
    ysaline, maelys = people
    found = provider("formation").find(EMAIL.upper())
    past = ysaline.past
    past_session = f"{past.session.training.title}, {french_date(past.session.starts_at)}"

    first, second = records_of(found, "Inscription à une formation")
    assert first == {
        "formation": past.session.training.title,
        "session": past_session,
        "prénom": FIRST,
        "nom": LAST,
        "adresse électronique": EMAIL,
        "téléphone": PHONE,
        "fonction": "Trésorière",
        "structure": "Association Ti Kaz",
        "besoin d'adaptation (handicap)": f"{FIRST} se déplace en fauteuil.",
        "texte du consentement accepté": "J'accepte que mes données servent à mon inscription.",
        "consentement donné le": french_datetime(past.consent_at),
        "état": "Présente",
        "en liste d'attente depuis": "",
        "place proposée jusqu'au": "",
        "résultat de l'évaluation des acquis": "Objectifs atteints",
        "numéro d'attestation": past.certificate_number,
        "attestation établie le": french_datetime(past.certificate_issued_at),
        "inscrite le": french_datetime(past.created_at),
        "attestation dans l'archive": f"inscription-{past.pk}/{past.certificate_file.name.rsplit('/', 1)[-1]}",
    }
    assert (second["adresse électronique"], second["état"], second["structure"]) == (
        EMAIL.upper(),
        "Inscrite",
        "Association Lakour",
    )
    assert "attestation dans l'archive" not in second
    (certificate,) = found.documents
    assert certificate.name == first["attestation dans l'archive"]
    assert read(certificate.file) == f"%PDF-1.4 {FIRST} {LAST}".encode()

    attendance = records_of(found, "Présence à une demi-journée")
    half_days = list(past.session.half_days.order_by("date", "-period"))
    assert [(a["session"], a["demi-journée"], a["présent·e"]) for a in attendance] == [
        (past_session, str(half_day), "non" if index == 1 else "oui") for index, half_day in enumerate(half_days)
    ]
    answers = records_of(found, "Réponse au questionnaire de satisfaction")
    assert [
        (a["questionnaire"], a["satisfaction (1 à 5)"], a["mis en pratique au travail"], a["commentaire"])
        for a in answers
    ] == [
        ("À chaud (fin de formation)", 5, "", f"Merci, {FIRST} {LAST}"),
        ("À froid (deux mois après)", 4, "oui", ""),
    ]

    (group,) = records_of(found, "Inscription de groupe")
    assert (group["structure"], group["adresse de la personne qui inscrit"], group["personnes inscrites"]) == (
        "Association Lakour",
        EMAIL,
        0,
    )
    (trainer,) = records_of(found, "Formateur ou formatrice")
    assert trainer == {
        "prénom": FIRST,
        "nom": LAST,
        "adresse électronique": EMAIL,
        "téléphone": PHONE,
        "structure": "Cabinet Lakour",
        "présentation publique": f"{FIRST} {LAST} accompagne les associations depuis dix ans.",
        "actif": "oui",
        "sessions animées": 1,
    }
    (hr_request,) = records_of(found, "Demande d'appui RH")
    assert (hr_request["référence"], hr_request["nom de la personne"], hr_request["téléphone"]) == (
        ysaline.hr_request.reference,
        f"{FIRST} {LAST}",
        PHONE,
    )
    assert (hr_request["besoin"], hr_request["description du besoin"], hr_request["état"]) == (
        "Contrats de travail",
        f"{FIRST} embauche sa première salariée.",
        "En cours",
    )
    (log,) = records_of(found, "Changement d'état d'une demande d'appui RH")
    assert (log["demande"], log["état de départ"], log["nouvel état"], log["commentaire"]) == (
        ysaline.hr_request.reference,
        "Nouvelle",
        "En cours",
        f"Appelé {FIRST} {LAST}.",
    )
    messages = records_of(found, "Message d'appui RH")
    assert [(m["auteur"], m["message"]) for m in messages] == [
        ("Équipe CRESS", f"Bonjour {FIRST}, voici le modèle de contrat."),
        ("Employeur", f"Merci ! {FIRST} {LAST}"),
    ]
    complaints = records_of(found, "Réclamation")
    assert [(c["auteur·rice"], c["objet de la réclamation"], c["état"]) for c in complaints] == [
        (f"{FIRST} {LAST}", f"{FIRST} n'a pas reçu le support de cours.", "Traitée"),
        (EMAIL, "Salle trop petite.", "Ouverte"),
    ]
    assert complaints[0]["traitement et réponse apportée"] == f"Support envoyé à {FIRST} {LAST}."

    text = str([record.data for record in found.records])
    assert "Maëlys" not in text and maelys.hr_request.reference not in text
    assert provider("formation").find("personne.inconnue@exemple.re").records == []


def test_erase_leaves_no_trace_frees_the_place_and_spares_the_other_person(people, django_capture_on_commit_callbacks):
    ysaline, maelys = people
    superuser = UserFactory(is_staff=True, is_superuser=True)
    certificate = ysaline.past.certificate_file
    storage, name = certificate.storage, certificate.name
    other_before = snapshot(maelys)
    other_certificate = maelys.past.certificate_file.name
    emails_before = set(OutgoingEmail.objects.values_list("pk", flat=True))
    reference = ysaline.hr_request.reference
    about_hr = OutgoingEmail.objects.filter(body_text__contains=reference).exclude(to=EMAIL).count()
    assert about_hr > 0  # the staff were told of the request and of the employer's message
    other_hr_emails = OutgoingEmail.objects.filter(body_text__contains=maelys.hr_request.reference).count()
    # A second trainer record of theirs, that leads no session: it goes entirely.
    unused = Trainer.objects.create(first_name=FIRST, last_name=LAST, email=EMAIL.upper(), phone=PHONE)

    with django_capture_on_commit_callbacks(execute=True):
        result = provider("formation").erase(EMAIL, by=superuser)

    assert result.kept == []  # no session of this app is marked as co-financed by the FSE
    # 2 complaints, 2 registrations, 1 group, 2 trainers, 1 HR request and the emails about it.
    emails_about_hr = len(emails_before) - OutgoingEmail.objects.count()
    assert emails_about_hr >= about_hr and result.erased == 8 + emails_about_hr
    assert not OutgoingEmail.objects.filter(body_text__contains=reference).exists()
    # Left in the outbox: only the emails sent to the person, which messagerie's part erases.
    naming = OutgoingEmail.objects.filter(Q(subject__icontains=LAST) | Q(body_text__icontains=LAST))
    assert not naming.exclude(to__iexact=EMAIL).exists()
    assert OutgoingEmail.objects.filter(body_text__contains=maelys.hr_request.reference).count() == other_hr_emails
    assert not Trainer.objects.filter(pk=unused.pk).exists()
    past = Registration.objects.get(pk=ysaline.past.pk)
    assert (past.first_name, past.last_name, past.phone, past.job_title, past.needs_adaptation) == (
        "Anonyme",
        "",
        "",
        "",
        "",
    )
    # The figures keep what they count: state, assessment, certificate number, attendance, marks.
    assert (past.status, past.assessment_result, past.certificate_number) == (
        "presente",
        "atteints",
        ysaline.past.certificate_number,
    )
    assert Attendance.objects.filter(registration=past, present=True).count() == 3
    assert sorted(SurveyResponse.objects.filter(registration=past).values_list("satisfaction", "comment")) == [
        (4, ""),
        (5, ""),
    ]
    assert not past.certificate_file and not storage.exists(name)
    # The place to come is freed, without an email to the erased address.
    upcoming = Registration.objects.get(pk=ysaline.upcoming.pk)
    assert upcoming.status == "annulee" and upcoming.anonymised_at is not None
    assert registrations.places_left(upcoming.session) == 1
    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) <= emails_before
    trainer = Trainer.objects.get(pk=ysaline.trainer.pk)
    assert (trainer.first_name, trainer.email, trainer.bio, trainer.is_active) == ("Anonyme", "", "", False)
    hr_request = HrRequest.objects.get(pk=ysaline.hr_request.pk)
    assert hr_request.anonymised_at is not None and not HrMessage.objects.filter(request=hr_request).exists()
    signed, by_address = (Complaint.objects.get(pk=c.pk) for c in ysaline.complaints)
    assert (signed.author, signed.description, signed.handling) == (
        "",
        "[effacé] n'a pas reçu le support de cours.",
        "Support envoyé à [effacé].",
    )
    assert (by_address.author, by_address.description) == ("", "Salle trop petite.")

    left = traces([EMAIL, FIRST, LAST, PHONE, "Grondin"], model_labels=provider("formation").models)
    assert left == []

    assert snapshot(maelys) == other_before
    assert maelys.past.certificate_file.storage.exists(other_certificate)

    assert provider("formation").find(EMAIL).records == []
    again = provider("formation").erase(EMAIL, by=superuser)
    assert (again.erased, again.kept) == (0, [])
    assert personal_data.declared_models()["formation.Registration"] == "formation"
