"""What Action 1 holds about one person (lib.personal_data): the partners whose contact they
are, the committees they were invited to, the messages they wrote in a convention's
conversation and the deliverables they uploaded, through their account.

Erasing: a contact is deleted. An invitation to a committee stays counted without its name
and address, except the attendance of a committee of a convention cofinanced by the European
Social Fund, which is a piece of that operation (lib.personal_data.fse_hold). A message stays
in its conversation (its place, its date) without its words or its author, and its person's
name is struck out of the other messages of the same conversations. A deliverable is the
partner's: only the link to the account goes.
"""

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lib.dates import french_date
from lib.personal_data import (
    Document,
    Erased,
    Found,
    PersonalDataProvider,
    Record,
    Retention,
    fse_hold,
    normalise_email,
    when,
    yes_no,
)
from partenariats.models import CommitteeParticipant, ConventionMessage, Deliverable, PartnerContact

CONTACT = "Contact d'un partenaire"
PARTICIPANT = "Participation à un comité"
MESSAGE = "Message d'une convention"
DELIVERABLE = "Livrable déposé"

ERASED_NAME = "Personne effacée"
ERASED_MESSAGE = "Message effacé à la demande de la personne qui l'a écrit."
STRUCK_OUT = "[effacé]"
# How a convention says the European Social Fund cofinances it (its free-text « financeur »).
FSE_FUNDER = re.compile(r"\bFSE\+?\b|fonds social europ[ée]en", re.IGNORECASE)


def is_fse_cofinanced(convention) -> bool:
    return bool(FSE_FUNDER.search(convention.funder or ""))


# --- Finding -----------------------------------------------------------------------------------


def _contacts(email: str):
    return PartnerContact.objects.select_related("partner__organisation").filter(email__iexact=email).order_by("pk")


def _participations(email: str):
    return (
        CommitteeParticipant.objects.select_related("committee__convention", "partner__organisation")
        .filter(email__iexact=email)
        .order_by("committee__held_at", "pk")
    )


def _messages(email: str):
    return (
        ConventionMessage.objects.select_related("convention", "partner__organisation", "author")
        .filter(author__email__iexact=email)
        .order_by("created_at", "pk")
    )


def _deliverables(email: str):
    return (
        Deliverable.objects.select_related("commitment__convention")
        .filter(uploaded_by__email__iexact=email)
        .order_by("uploaded_at", "pk")
    )


def _contact_record(contact: PartnerContact) -> Record:
    return Record(
        CONTACT,
        {
            "partenaire": contact.partner.organisation.name,
            "nom": contact.name,
            "fonction": contact.job_title,
            "adresse électronique": contact.email,
            "téléphone": contact.phone,
            "contact principal": yes_no(contact.is_primary),
        },
    )


def _participant_record(participant: CommitteeParticipant) -> Record:
    committee = participant.committee
    return Record(
        PARTICIPANT,
        {
            "convention": str(committee.convention),
            "comité": committee.get_kind_display(),
            "date et heure": when(committee.held_at),
            "lieu": committee.place,
            "nom": participant.name,
            "adresse électronique": participant.email,
            "au titre du partenaire": participant.partner.organisation.name if participant.partner_id else "",
            "présent·e": yes_no(participant.attended),
            "compte rendu envoyé le": when(committee.minutes_sent_at),
        },
    )


def _message_record(message: ConventionMessage) -> Record:
    return Record(
        MESSAGE,
        {
            "convention": str(message.convention),
            "au nom du partenaire": message.partner.organisation.name if message.partner_id else "",
            "de l'équipe de la CRESS": yes_no(message.from_staff),
            "envoyé le": when(message.created_at),
            "message": message.body,
        },
    )


def _deliverable_record(deliverable: Deliverable) -> Record:
    return Record(
        DELIVERABLE,
        {
            "convention": str(deliverable.commitment.convention),
            "engagement": deliverable.commitment.title,
            "intitulé": deliverable.title,
            "fichier": deliverable.original_name,
            "déposé le": when(deliverable.uploaded_at),
        },
    )


def find_person(email: str) -> Found:
    email = normalise_email(email)
    found = Found()
    if not email:
        return found  # an empty address would match every row whose address was erased
    found.records += [_contact_record(contact) for contact in _contacts(email)]
    found.records += [_participant_record(participant) for participant in _participations(email)]
    found.records += [_message_record(message) for message in _messages(email)]
    for deliverable in _deliverables(email):
        found.records.append(_deliverable_record(deliverable))
        name = deliverable.original_name or deliverable.file.name.rsplit("/", 1)[-1]
        found.documents.append(Document(name=f"livrable-{deliverable.pk}/{name}", file=deliverable.file))
    return found


# --- Erasing -----------------------------------------------------------------------------------


def _identity(email: str, names) -> list[str]:
    """What names the person in a text: the address, each full name known, each part of them."""
    needles = {email}
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is not None:
        names = [*names, user.get_full_name(), user.first_name, user.last_name]
    for name in names:
        needles.add(name.strip())
        needles.update(re.split(r"[\s-]+", name.strip()))
    return sorted((needle for needle in needles if len(needle) >= 3), key=len, reverse=True)


def _struck_out(text: str, needles: list[str]) -> str:
    for needle in needles:
        text = re.sub(rf"(?<!\w){re.escape(needle)}(?!\w)", STRUCK_OUT, text, flags=re.IGNORECASE)
    return text


def _participation_hold(participant: CommitteeParticipant):
    committee = participant.committee
    return fse_hold(
        f"Présence au comité du {french_date(timezone.localtime(committee.held_at))} de la convention "
        f"{committee.convention.reference} (opération cofinancée par le FSE)",
        model="partenariats.CommitteeParticipant",
        pk=participant.pk,
    )


def erase_person(email: str, *, by) -> Erased:
    """Delete or anonymise everything found, but the attendance of the committees of conventions
    cofinanced by the FSE (returned as holds, left untouched)."""
    email = normalise_email(email)
    erased = Erased()
    if not email:
        return erased
    with transaction.atomic():
        contacts = list(_contacts(email))
        participations = list(_participations(email))
        messages = list(_messages(email))
        needles = _identity(email, [row.name for row in [*contacts, *participations]])

        for contact in contacts:
            contact.delete()
            erased.erased += 1
        for participant in participations:
            if is_fse_cofinanced(participant.committee.convention):
                erased.kept.append(_participation_hold(participant))
                continue
            CommitteeParticipant.objects.filter(pk=participant.pk).update(name=ERASED_NAME, email="")
            erased.erased += 1
        for message in messages:
            # A message of the team is the CRESS's: it keeps its words, only the account goes.
            body = message.body if message.from_staff else ERASED_MESSAGE
            ConventionMessage.objects.filter(pk=message.pk).update(author=None, body=body)
            erased.erased += 1
        # The others' messages of the same conversations may greet or quote the person.
        conventions = {message.convention_id for message in messages} | {
            participant.committee.convention_id for participant in participations
        }
        others = ConventionMessage.objects.filter(convention__in=conventions).exclude(
            pk__in=[message.pk for message in messages]
        )
        for message in others.filter(_mentions(needles)):
            ConventionMessage.objects.filter(pk=message.pk).update(body=_struck_out(message.body, needles))
        erased.erased += Deliverable.objects.filter(uploaded_by__email__iexact=email).update(uploaded_by=None)
    return erased


def _mentions(needles: list[str]) -> Q:
    match = Q(pk__in=[])
    for needle in needles:
        match |= Q(body__icontains=needle)
    return match


PROVIDER = PersonalDataProvider(
    name="partenariats",
    label="Partenariats",
    order=60,
    models=(
        "partenariats.PartnerContact",
        "partenariats.CommitteeParticipant",
        "partenariats.ConventionMessage",
        "partenariats.Deliverable",
    ),
    find=find_person,
    erase=erase_person,
    retentions=(
        Retention(
            treatment="Contacts des partenaires (nom, fonction, coordonnées professionnelles)",
            basis="Intérêt légitime (suivre les partenariats de la CRESS)",
            period="Tant que la personne est le contact du partenaire ; supprimé à sa demande",
        ),
        Retention(
            treatment="Participants aux comités des conventions (nom, adresse, présence)",
            basis="Exécution d'une mission d'intérêt public (action 1 du programme de la CRESS) ; pour une "
            "convention cofinancée par le FSE : obligation légale (règlement (UE) 2021/1060, article 82)",
            period="La durée de la convention ; pour une convention cofinancée par le FSE, {FSE_RETENTION_YEARS} "
            "ans à compter du 31 décembre de l'année du dernier paiement",
            settings=("FSE_RETENTION_YEARS",),
        ),
        Retention(
            treatment="Messages des conventions écrits par les membres des partenaires",
            basis="Exécution d'une mission d'intérêt public (action 1 du programme de la CRESS)",
            period="La durée de la convention ; effacés à la demande de la personne",
        ),
    ),
)
