"""What the trainings hold about a person, for personal-data requests (lib/personal_data.py).

A person is found by their email address as a trainee (their registrations, with their
attendance, survey answers and certificates), as the one who registered a group, as a
trainer, as an employer asking for HR support (the request and its conversation), and as
the author of a complaint (the complaint names its author as free text: it is theirs when
it gives that address, or the name under which that address registered or asked for help).

Erasure reuses the retention jobs' anonymisation (formation/retention.py, formation/hr.py):
the rows stay, blanked, for the quality figures (states, attendance, certificate numbers,
survey marks). A registration to a session still to come is first cancelled, without an
email, so that its place goes to the next person waiting.

No FSE hold here: no model of this app says that a session is co-financed by the FSE, so
no registration is kept for that duty.
"""

import os
import re

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from formation import hr, registrations, retention
from formation.models import (
    Attendance,
    Complaint,
    HrMessage,
    HrRequest,
    HrRequestTransition,
    Registration,
    RegistrationGroup,
    Session,
    SurveyResponse,
    Trainer,
)
from lib.dates import french_date
from lib.personal_data import (
    Document,
    Erased,
    Found,
    PersonalDataProvider,
    Record,
    Retention,
    normalise_email,
    when,
    yes_no,
)
from messagerie.models import OutgoingEmail

MODELS = (
    "formation.Trainer",
    "formation.RegistrationGroup",
    "formation.Registration",
    "formation.Attendance",
    "formation.SurveyResponse",
    "formation.Complaint",
    "formation.HrRequest",
    "formation.HrRequestTransition",  # its comments are blanked with the request
    "formation.HrMessage",
)


def _session_label(session: Session) -> str:
    return f"{session.training.title}, {french_date(session.starts_at)}"


def _registrations(email: str):
    return (
        Registration.objects.filter(email__iexact=email, anonymised_at__isnull=True)
        .select_related("session__training")
        .order_by("created_at", "pk")
    )


def _hr_requests(email: str):
    return HrRequest.objects.filter(email__iexact=email, anonymised_at__isnull=True).order_by("created_at", "pk")


def _names(email: str) -> set[str]:
    """The names under which this address registered, asked for help or trains."""
    names = {f"{first} {last}".strip() for first, last in _registrations(email).values_list("first_name", "last_name")}
    names |= set(_hr_requests(email).values_list("contact_name", flat=True))
    names |= {
        f"{first} {last}".strip()
        for first, last in Trainer.objects.filter(email__iexact=email).values_list("first_name", "last_name")
    }
    return {name for name in names if name}


def _name_parts(email: str) -> set[str]:
    """The first and last names of this address, each alone, for scrubbing free text."""
    parts = set()
    for model in (Registration, Trainer):
        rows = model.objects.filter(email__iexact=email)
        if model is Registration:
            rows = rows.filter(anonymised_at__isnull=True)
        for first, last in rows.values_list("first_name", "last_name"):
            parts |= {first.strip(), last.strip()}
    return {part for part in parts if part}


def _complaints(email: str, names: set[str]):
    match = Q(author__icontains=email)
    for name in names:
        match |= Q(author__iexact=name)
    return Complaint.objects.filter(match).exclude(author="").select_related("training").order_by("received_at", "pk")


def _certificate_name(registration: Registration) -> str:
    return f"inscription-{registration.pk}/{os.path.basename(registration.certificate_file.name)}"


def _registration_records(registration: Registration, found: Found) -> None:
    session = _session_label(registration.session)
    data = {
        "formation": registration.session.training.title,
        "session": session,
        "prénom": registration.first_name,
        "nom": registration.last_name,
        "adresse électronique": registration.email,
        "téléphone": registration.phone,
        "fonction": registration.job_title,
        "structure": registration.organisation_name,
        "besoin d'adaptation (handicap)": registration.needs_adaptation,
        "texte du consentement accepté": registration.consent_text,
        "consentement donné le": when(registration.consent_at),
        "état": registration.get_status_display(),
        "en liste d'attente depuis": when(registration.waiting_since),
        "place proposée jusqu'au": when(registration.offer_expires_at),
        "résultat de l'évaluation des acquis": registration.get_assessment_result_display()
        if registration.assessment_result
        else "",
        "numéro d'attestation": registration.certificate_number or "",
        "attestation établie le": when(registration.certificate_issued_at),
        "inscrite le": when(registration.created_at),
    }
    if registration.certificate_file:
        name = _certificate_name(registration)
        data["attestation dans l'archive"] = name
        found.documents.append(Document(name=name, file=registration.certificate_file))
    found.records.append(Record("Inscription à une formation", data))
    for attendance in Attendance.objects.filter(registration=registration).select_related("half_day"):
        found.records.append(
            Record(
                "Présence à une demi-journée",
                {
                    "session": session,
                    "demi-journée": str(attendance.half_day),
                    "présent·e": yes_no(attendance.present),
                    "relevé le": when(attendance.recorded_at),
                },
            )
        )
    for answer in SurveyResponse.objects.filter(registration=registration).order_by("answered_at", "pk"):
        found.records.append(
            Record(
                "Réponse au questionnaire de satisfaction",
                {
                    "session": session,
                    "questionnaire": answer.get_kind_display(),
                    "satisfaction (1 à 5)": answer.satisfaction,
                    "objectifs atteints (1 à 5)": answer.objectives_met,
                    "mis en pratique au travail": yes_no(answer.applied_at_work),
                    "commentaire": answer.comment,
                    "répondu le": when(answer.answered_at),
                },
            )
        )


def find_person(email: str) -> Found:
    email = normalise_email(email)
    found = Found()
    if not email:
        return found  # an empty address would match every row whose address was erased (a trainer's is optional)
    for registration in _registrations(email):
        _registration_records(registration, found)
    groups = RegistrationGroup.objects.filter(contact_email__iexact=email).select_related("session__training")
    for group in groups.order_by("created_at", "pk"):
        found.records.append(
            Record(
                "Inscription de groupe",
                {
                    "session": _session_label(group.session),
                    "structure": group.organisation_name,
                    "adresse de la personne qui inscrit": group.contact_email,
                    "personnes inscrites": group.registrations.count(),
                    "créée le": when(group.created_at),
                },
            )
        )
    for trainer in Trainer.objects.filter(email__iexact=email).order_by("pk"):
        found.records.append(
            Record(
                "Formateur ou formatrice",
                {
                    "prénom": trainer.first_name,
                    "nom": trainer.last_name,
                    "adresse électronique": trainer.email,
                    "téléphone": trainer.phone,
                    "structure": trainer.organisation_name,
                    "présentation publique": trainer.bio,
                    "actif": yes_no(trainer.is_active),
                    "sessions animées": trainer.sessions.count(),
                },
            )
        )
    for hr_request in _hr_requests(email):
        found.records.append(
            Record(
                "Demande d'appui RH",
                {
                    "référence": hr_request.reference,
                    "structure": hr_request.organisation_name,
                    "nombre de salarié·es": hr_request.headcount,
                    "nom de la personne": hr_request.contact_name,
                    "adresse électronique": hr_request.email,
                    "téléphone": hr_request.phone,
                    "besoin": hr_request.get_need_display(),
                    "description du besoin": hr_request.description,
                    "texte du consentement accepté": hr_request.consent_text,
                    "consentement donné le": when(hr_request.consent_at),
                    "état": hr_request.get_status_display(),
                    "déposée le": when(hr_request.created_at),
                    "close le": when(hr_request.closed_at),
                },
            )
        )
        states = dict(HrRequest.Status.choices)
        for log in HrRequestTransition.objects.filter(subject=hr_request):
            found.records.append(
                Record(
                    "Changement d'état d'une demande d'appui RH",
                    {
                        "demande": hr_request.reference,
                        "état de départ": states.get(log.from_state, log.from_state),
                        "nouvel état": states.get(log.to_state, log.to_state),
                        "le": when(log.created_at),
                        "commentaire": log.comment,
                    },
                )
            )
        for message in HrMessage.objects.filter(request=hr_request):
            found.records.append(
                Record(
                    "Message d'appui RH",
                    {
                        "demande": hr_request.reference,
                        "auteur": message.get_author_kind_display(),
                        "message": message.body,
                        "envoyé le": when(message.created_at),
                    },
                )
            )
    for complaint in _complaints(email, _names(email)):
        found.records.append(
            Record(
                "Réclamation",
                {
                    "formation": complaint.training.title,
                    "reçue le": when(complaint.received_at),
                    "auteur·rice": complaint.author,
                    "objet de la réclamation": complaint.description,
                    "traitement et réponse apportée": complaint.handling,
                    "état": complaint.get_status_display(),
                    "traitée le": when(complaint.handled_at),
                },
            )
        )
    return found


def erase_person(email: str, *, by) -> Erased:
    """Erase what the trainings hold about this address (in the caller's transaction)."""
    email = normalise_email(email)
    erased = Erased()
    if not email:
        return erased
    now = timezone.now()
    names = _names(email)
    needles = names | _name_parts(email) | {email}
    # Complaints first: they are found by the names that the registrations still carry.
    for complaint in _complaints(email, names):
        retention.anonymise_complaint(complaint, names=needles)
        erased.erased += 1
    for registration in _registrations(email):
        if registration.status in registrations.ACTIVE and registration.session.ends_at > now:
            registrations.cancel_registration(
                registration, by=by, comment="Données effacées à la demande de la personne (RGPD).", notify=False
            )
        if registration.certificate_file:
            certificate = registration.certificate_file
            storage, name = certificate.storage, certificate.name
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        retention.anonymise_registration(registration_id=registration.pk, now=now)
        erased.erased += 1
    erased.erased += retention.anonymise_groups(RegistrationGroup.objects.filter(contact_email__iexact=email))
    for trainer in Trainer.objects.filter(email__iexact=email):
        if trainer.sessions.exists():
            # Sessions (and their attendance sheets) name their trainer: the row stays, blanked.
            Trainer.objects.filter(pk=trainer.pk).update(
                first_name="Anonyme", last_name="", email="", phone="", organisation_name="", bio="", is_active=False
            )
        else:
            trainer.delete()
        erased.erased += 1
    for request_id, reference in _hr_requests(email).values_list("pk", "reference"):
        # The staff's emails about the request carry the employer's messages and name.
        pattern = rf"{re.escape(reference)}(?![0-9])"
        about = OutgoingEmail.objects.filter(
            Q(subject__regex=pattern) | Q(body_text__regex=pattern) | Q(body_html__regex=pattern)
        )
        erased.erased += about.delete()[1].get(OutgoingEmail._meta.label, 0)
        hr.anonymise_hr_request(request_id=request_id)
        erased.erased += 1
    return erased


PROVIDER = PersonalDataProvider(
    name="formation",
    label="Formations",
    order=60,
    models=MODELS,
    find=find_person,
    erase=erase_person,
    retentions=(
        Retention(
            treatment="Inscriptions aux formations : identité et coordonnées, fonction, besoin d'adaptation, "
            "présences, réponses aux questionnaires, attestations ; adresse de la personne qui inscrit un groupe",
            basis="Exécution d'une mission d'intérêt public (programme de formation de la CRESS), avec le "
            "consentement donné à l'inscription ; attestations : obligation légale (Code du travail, L6353-1)",
            period="{FORMATION_REGISTRATION_ANONYMISE_MONTHS} mois après la fin de la session, puis anonymisées "
            "(restent les présences, les numéros d'attestation et les notes des questionnaires)",
            settings=("FORMATION_REGISTRATION_ANONYMISE_MONTHS",),
        ),
        Retention(
            treatment="Demandes d'appui RH des employeurs de l'ESS et leurs échanges",
            basis="Exécution d'une mission d'intérêt public, avec le consentement de la personne",
            period="{HR_REQUEST_ANONYMISE_MONTHS} mois après la clôture de la demande, puis anonymisée",
            settings=("HR_REQUEST_ANONYMISE_MONTHS",),
        ),
        Retention(
            treatment="Formateurs et formatrices : identité, coordonnées, présentation publique",
            basis="Intérêt légitime (organisation des sessions) et exécution du contrat d'intervention",
            period="tant que la personne anime des formations de la CRESS ; sur demande ensuite",
        ),
        Retention(
            treatment="Réclamations sur les formations : nom de leur auteur·rice",
            basis="Obligation légale de l'organisme de formation certifié (Code du travail, R6316-1, "
            "référentiel national qualité, indicateur 31)",
            period="{FORMATION_COMPLAINT_ANONYMISE_MONTHS} mois après le traitement de la réclamation, puis "
            "effacé (la réclamation et la réponse apportée restent pour les audits qualité)",
            settings=("FORMATION_COMPLAINT_ANONYMISE_MONTHS",),
        ),
    ),
)
