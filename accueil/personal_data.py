"""What the intake holds about a person, for personal-data requests (lib/personal_data.py).

A person is found by their email address:
- as the holder of intake requests (`IntakeRequest.email`): each request with its FSE
  participant answers, documents, conversation, internal notes, logs, orientations,
  suggestions and the structures' downloads of their documents;
- as a member of a partner structure (a non-staff account with that address): the messages
  they signed for the structure and the documents they downloaded. Staff accounts are not
  for this tool (comptes' provider says so).

Erasure reuses the intake's own ways: a request is erased as the superuser's erasure page
does it (`services.erase_request`: anonymised, its row kept for the figures, an audit row).
A request with FSE participant answers is a record of an operation co-financed by the
European Social Fund: the request and its answers stay untouched until the FSE hold ends,
and only what surrounds them (documents, conversation, notes, free text of the logs) is
erased (`services.clear_request_exchanges`).
"""

import re

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.text import get_valid_filename

from accueil import services
from accueil.models import (
    Attachment,
    DocumentDownload,
    IntakeRequest,
    InternalNote,
    Message,
    Orientation,
    OrientationTransition,
    ParticipantProfile,
    RequestReference,
    RequestReferenceTransition,
    RequestTransition,
)
from lib import personal_data
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

ERASURE_REASON = "Demande d'effacement de la personne (RGPD, article 17), via la page des données personnelles."

MODELS = (
    "accueil.IntakeRequest",
    "accueil.RequestTransition",
    "accueil.Attachment",
    "accueil.DocumentDownload",
    "accueil.RequestAssignment",
    "accueil.ParticipantProfile",
    "accueil.Message",
    "accueil.InternalNote",
    "accueil.Orientation",
    "accueil.OrientationTransition",
    "accueil.RequestReference",
    "accueil.RequestReferenceTransition",
)


def _requests(email: str):
    return (
        IntakeRequest.objects.filter(email__iexact=email, anonymised_at__isnull=True)
        .select_related("commune", "activity_commune", "sector", "naf_activity", "legal_form")
        .order_by("created_at", "pk")
    )


def _member_accounts(email: str):
    """The partner members' accounts of this address (staff accounts are not for this tool)."""
    return get_user_model().objects.filter(email__iexact=email, is_staff=False)


is_fse_record = services.is_fse_record


def _fse_hold(intake: IntakeRequest) -> personal_data.Hold:
    return personal_data.fse_hold(
        f"Demande d'accompagnement {intake.reference} (données de participant FSE)",
        model=IntakeRequest._meta.label,
        pk=intake.pk,
    )


def emails_about(reference: str):
    """The outbox's emails about one request, to anyone (the staff, the structures): they
    carry its messages and its holder's name, and leave with what they report on."""
    pattern = rf"{re.escape(reference)}(?![0-9])"
    return OutgoingEmail.objects.filter(
        Q(subject__regex=pattern) | Q(body_text__regex=pattern) | Q(body_html__regex=pattern)
    )


def _request_record(intake: IntakeRequest) -> Record:
    return Record(
        "Demande d'accompagnement",
        {
            "référence": intake.reference,
            "prénom": intake.first_name,
            "nom": intake.last_name,
            "adresse électronique": intake.email,
            "téléphone": intake.phone,
            "commune de résidence": intake.commune.name,
            "titre du projet": intake.title,
            "description du projet": intake.description,
            "secteur d'activité": intake.sector.label if intake.sector_id else "",
            "activité précise (NAF)": intake.naf_activity.label if intake.naf_activity_id else "",
            "commune d'activité": intake.activity_commune.name,
            "stade du projet": intake.get_stage_display(),
            "forme juridique": intake.legal_form_answer,
            "SIRET": intake.siret,
            "besoins": intake.get_needs_display(),
            "résultat du guide des statuts": intake.guide_summary,
            "texte du consentement accepté": intake.consent_text,
            "consentement donné le": when(intake.consent_at),
            "état": intake.get_status_display(),
            "issue": intake.get_outcome_display() if intake.outcome else "",
            "déposée le": when(intake.created_at),
            "clôturée le": when(intake.closed_at),
            "conservation": "données de participant FSE : conservée au titre du FSE" if is_fse_record(intake) else "",
        },
    )


def _participant_record(profile: ParticipantProfile, reference: str) -> Record:
    return Record(
        "Données de participant FSE",
        {
            "demande": reference,
            "sexe": profile.get_sex_display(),
            "tranche d'âge": profile.get_age_band_display(),
            "situation professionnelle": profile.get_employment_display(),
            "niveau d'études": profile.get_education_display(),
            "situation de désavantage déclarée": yes_no(profile.disadvantaged),
        },
    )


def _attachment_name(attachment: Attachment, reference: str) -> str:
    return f"demande-{reference}/{attachment.pk}-{get_valid_filename(attachment.original_name) or 'document'}"


def _transition_record(kind: str, log, reference: str, labels: dict, **extra) -> Record:
    return Record(
        kind,
        {
            "demande": reference,
            "état de départ": labels.get(log.from_state, log.from_state),
            "nouvel état": labels.get(log.to_state, log.to_state),
            "le": when(log.created_at),
            "commentaire": log.comment,
            **extra,
        },
    )


def _records_of_request(intake: IntakeRequest, found: Found) -> None:
    reference = intake.reference
    found.records.append(_request_record(intake))
    profile = ParticipantProfile.objects.filter(request=intake).first()
    if profile is not None:
        found.records.append(_participant_record(profile, reference))
    for attachment in Attachment.objects.filter(request=intake).order_by("created_at", "pk"):
        name = _attachment_name(attachment, reference)
        found.records.append(
            Record(
                "Document joint",
                {
                    "demande": reference,
                    "nom d'origine": attachment.original_name,
                    "type détecté": attachment.content_type,
                    "taille (octets)": attachment.size,
                    "ajouté par le porteur": yes_no(attachment.added_by_holder),
                    "ajouté le": when(attachment.created_at),
                    "fichier dans l'archive": name,
                },
            )
        )
        found.documents.append(Document(name=name, file=attachment.file))
    for message in Message.objects.filter(request=intake).select_related("orientation__organisation"):
        found.records.append(
            Record(
                "Message",
                {
                    "demande": reference,
                    "auteur": message.author_label,
                    "lu par": message.readers_label,
                    "message": message.body,
                    "envoyé le": when(message.created_at),
                },
            )
        )
    for note in InternalNote.objects.filter(request=intake):
        found.records.append(
            Record(
                "Note interne de l'équipe",
                {"demande": reference, "note": note.body, "écrite le": when(note.created_at)},
            )
        )
    states = dict(IntakeRequest.Status.choices)
    for log in RequestTransition.objects.filter(subject=intake):
        found.records.append(
            _transition_record(
                "Changement d'état de la demande", log, reference, states, **{"message au porteur": log.public_note}
            )
        )
    orientation_states = dict(Orientation.Status.choices)
    for orientation in Orientation.objects.filter(request=intake).select_related("organisation").order_by("pk"):
        found.records.append(
            Record(
                "Orientation vers une structure",
                {
                    "demande": reference,
                    "structure": orientation.organisation.name,
                    "état": orientation.get_status_display(),
                    "pourquoi cette structure": orientation.why,
                    "motif du refus": orientation.get_refusal_reason_display() if orientation.refusal_reason else "",
                    "message de la structure": orientation.partner_message,
                    "suite donnée (compte rendu)": orientation.outcome_report,
                    "créée le": when(orientation.created_at),
                    "envoyée le": when(orientation.sent_at),
                    "réponse le": when(orientation.answered_at),
                },
            )
        )
        for log in OrientationTransition.objects.filter(subject=orientation):
            found.records.append(
                _transition_record(
                    "Changement d'état d'une orientation",
                    log,
                    reference,
                    orientation_states,
                    structure=orientation.organisation.name,
                )
            )
    outcomes = dict(RequestReference.Outcome.choices)
    for suggestion in RequestReference.objects.filter(request=intake):
        found.records.append(
            Record(
                "Suggestion faite au porteur",
                {
                    "demande": reference,
                    "intitulé": suggestion.title,
                    "suite": suggestion.get_outcome_display(),
                    "ajoutée le": when(suggestion.created_at),
                },
            )
        )
        for log in RequestReferenceTransition.objects.filter(subject=suggestion):
            found.records.append(
                _transition_record(
                    "Suite d'une suggestion",
                    log,
                    reference,
                    outcomes,
                    **{"intitulé": suggestion.title, "par le porteur": yes_no(log.by_holder)},
                )
            )
    downloads = DocumentDownload.objects.filter(orientation__request=intake).select_related(
        "orientation__organisation", "attachment"
    )
    for download in downloads:
        found.records.append(
            Record(
                "Téléchargement d'un de vos documents par une structure",
                {
                    "demande": reference,
                    "structure": download.orientation.organisation.name,
                    "document": download.attachment.original_name if download.attachment_id else "(supprimé)",
                    "téléchargé le": when(download.downloaded_at),
                },
            )
        )


def find_person(email: str) -> Found:
    email = normalise_email(email)
    found = Found()
    if not email:
        return found  # an empty address would match every row whose address was erased
    requests = list(_requests(email))
    for intake in requests:
        _records_of_request(intake, found)
    own = [intake.pk for intake in requests]
    members = _member_accounts(email)
    for message in (
        Message.objects.filter(author__in=members)
        .exclude(request_id__in=own)
        .select_related("request", "orientation__organisation")
    ):
        found.records.append(
            Record(
                "Message écrit pour une structure",
                {
                    "demande": message.request.reference,
                    "structure": message.structure_name,
                    "message": message.body,
                    "envoyé le": when(message.created_at),
                },
            )
        )
    for download in (
        DocumentDownload.objects.filter(user__in=members)
        .exclude(orientation__request_id__in=own)
        .select_related("orientation__request", "orientation__organisation")
    ):
        found.records.append(
            Record(
                "Document téléchargé pour une structure",
                {
                    "demande": download.orientation.request.reference,
                    "structure": download.orientation.organisation.name,
                    "téléchargé le": when(download.downloaded_at),
                },
            )
        )
    return found


def erase_person(email: str, *, by) -> Erased:
    """Erase what the intake holds about this address (in the caller's transaction): each
    request anonymised by `services.erase_request`, or, when it is an FSE record, kept with
    its participant answers while what surrounds it is erased; the outbox's emails about each
    request are deleted; the partner member's authorship of messages and downloads is
    unlinked (the rows stay in the holder's request)."""
    email = normalise_email(email)
    erased = Erased()
    if not email:
        return erased
    for intake in _requests(email):
        erased.erased += emails_about(intake.reference).delete()[1].get(OutgoingEmail._meta.label, 0)
        if is_fse_record(intake):
            erased.erased += sum(services.clear_request_exchanges(intake=intake).values())
            erased.kept.append(_fse_hold(intake))
            continue
        around = sum(model.objects.filter(request=intake).count() for model in (Attachment, Message, InternalNote))
        services.erase_request(intake=intake, by=by, reason=ERASURE_REASON)
        erased.erased += 1 + around
    members = _member_accounts(email)
    erased.erased += Message.objects.filter(author__in=members).update(author=None)
    erased.erased += DocumentDownload.objects.filter(user__in=members).update(user=None)
    return erased


PROVIDER = PersonalDataProvider(
    name="accueil",
    label="Demandes d'accompagnement",
    order=30,
    models=MODELS,
    find=find_person,
    erase=erase_person,
    retentions=(
        Retention(
            treatment="Demandes d'accompagnement : identité et coordonnées du porteur, projet, échanges avec "
            "l'équipe et les structures d'accompagnement",
            basis="Exécution d'une mission d'intérêt public (accueil et orientation des porteurs de projet de "
            "l'ESS), avec le consentement du porteur pour la transmission aux structures",
            period="{INTAKE_ANONYMISE_MONTHS} mois après la clôture de la demande, puis anonymisée (seules "
            "restent les données statistiques)",
            settings=("INTAKE_ANONYMISE_MONTHS",),
        ),
        Retention(
            treatment="Documents joints à une demande d'accompagnement",
            basis="Exécution d'une mission d'intérêt public, avec le consentement du porteur",
            period="{INTAKE_ATTACHMENTS_MONTHS} mois après la clôture de la demande",
            settings=("INTAKE_ATTACHMENTS_MONTHS",),
        ),
        Retention(
            treatment="Demandes d'accompagnement comportant des données de participant FSE (identité et "
            "réponses au questionnaire du Fonds social européen)",
            basis="Obligation légale : règlement (UE) 2021/1060, article 82 (pièces des opérations cofinancées "
            "par le FSE+)",
            period="{FSE_RETENTION_YEARS} ans à compter du 31 décembre de l'année du dernier paiement de "
            "l'autorité de gestion, même en cas de demande d'effacement",
            settings=("FSE_RETENTION_YEARS",),
        ),
    ),
)
