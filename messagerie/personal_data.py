"""What the outbox holds about a person (lib/personal_data.py): the emails sent to their
address, and the emails to others that give it (a claim asks an organisation to confirm who
claims its page, with the person's name and address).

Erasing deletes those rows, queued or sent: a message still waiting leaves nothing behind.
The outbox knows people by their address only: an email to someone else that names the person
without their address is found by comptes' provider, through the names of the person's account.
Listed second (order 15), it erases after every app but comptes: emails queued by an app's
erasure are gone too.
"""

from django.db.models import Q

from lib.personal_data import Erased, Found, PersonalDataProvider, Record, Retention, normalise_email, when
from messagerie.models import OutgoingEmail


def _sent_to(email: str):
    return OutgoingEmail.objects.filter(Q(to__iexact=email))


def _mentioning(email: str):
    """Emails to other addresses whose text, reply address or attachments give this one."""
    return OutgoingEmail.objects.exclude(to__iexact=email).filter(
        Q(reply_to__iexact=email)
        | Q(subject__icontains=email)
        | Q(body_text__icontains=email)
        | Q(body_html__icontains=email)
        | Q(attachments__icontains=email)
        | Q(headers__icontains=email)
    )


def emails_about(email: str):
    """Every email this provider answers for: sent to the address, or giving it."""
    return OutgoingEmail.objects.filter(pk__in=_sent_to(email).values("pk").union(_mentioning(email).values("pk")))


def emails_naming(names: list[str]):
    """Emails whose subject or text give one of these names (comptes' provider passes the names
    of the person's account: the outbox itself knows people by their address only)."""
    match = Q()
    for name in names:
        match |= Q(subject__icontains=name) | Q(body_text__icontains=name) | Q(body_html__icontains=name)
    return OutgoingEmail.objects.filter(match) if names else OutgoingEmail.objects.none()


def email_data(email: OutgoingEmail) -> dict:
    # `links` is left out: how to mint a private link is no business of the reader, and the
    # text keeps placeholders where the links were.
    return {
        "destinataire": email.to,
        "objet": email.subject,
        "type de message": email.kind,
        "état": email.get_status_display(),
        "créé le": when(email.created_at),
        "envoyé le": when(email.sent_at),
        "texte": email.body_text,
        "pièces jointes": [attachment.get("filename", "") for attachment in email.attachments],
    }


def find(email: str) -> Found:
    email = normalise_email(email)
    if not email:
        return Found()  # an empty address would match every row whose address was erased
    found = Found()
    for row in _sent_to(email).order_by("created_at", "pk"):
        found.records.append(Record("Courriel reçu", email_data(row)))
    for row in _mentioning(email).order_by("created_at", "pk"):
        found.records.append(Record("Courriel à un tiers vous mentionnant", email_data(row)))
    return found


def erase(email: str, *, by) -> Erased:
    email = normalise_email(email)
    if not email:
        return Erased()
    deleted, _ = OutgoingEmail.objects.filter(pk__in=list(emails_about(email).values_list("pk", flat=True))).delete()
    return Erased(erased=deleted)


PROVIDER = PersonalDataProvider(
    name="messagerie",
    label="Courriels envoyés",
    order=15,
    models=("messagerie.OutgoingEmail",),
    find=find,
    erase=erase,
    retentions=(
        Retention(
            treatment="Courriels envoyés par le portail (destinataire, contenu)",
            basis="Intérêt légitime : la preuve de l'envoi et la reprise des envois interrompus",
            period="{OUTBOX_RETENTION_DAYS} jours après leur création (les courriels non encore envoyés sont "
            "gardés jusqu'à leur envoi)",
            settings=("OUTBOX_RETENTION_DAYS",),
        ),
    ),
)
