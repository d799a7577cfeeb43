"""The one conversation of a convention, between the CRESS and the convention's partners.

A partner's member writes from the partner space: the staff member who follows the
convention is emailed the admin page where they answer, and the other members of the
convention's partners the convention's page in their space. Staff write from the
convention's admin page: each member of the convention's partners is emailed that page
(they log in to read it; no private link is needed).
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from annuaire.models import PartnerMembership
from lib.workflow import WorkflowError
from messagerie.services import queue_email
from partenariats.models import Convention, ConventionMessage, Partner

MESSAGE_MAX = 5000


class ConversationError(WorkflowError):
    """A message refused for a reason the writer can fix (in French)."""


def _checked_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ConversationError("Le message est vide : écrivez-le avant de l'envoyer.")
    if len(body) > MESSAGE_MAX:
        raise ConversationError(f"Le message compte {len(body)} caractères : {MESSAGE_MAX} au plus.")
    return body


def _author_name(user) -> str:
    return user.get_full_name() or user.email


def convention_owner_email(convention: Convention) -> str:
    """The staff member who follows the convention, else the CRESS's contact address."""
    if convention.owner is not None and convention.owner.email:
        return convention.owner.email
    return settings.CONTACT_EMAIL


@transaction.atomic
def post_partner_message(*, convention: Convention, author, partner: Partner, body: str) -> ConventionMessage:
    """A member of `partner` (a party of the convention) writes in the convention's
    conversation: the staff member who follows the convention is emailed the message and
    the admin page to answer from; the other members of the convention's partners (the
    writer's colleagues and the other parties), who read the same conversation, are emailed
    their partner-space page."""
    message = ConventionMessage.objects.create(
        convention=convention, author=author, partner=partner, from_staff=False, body=_checked_body(body)
    )
    writer = f"{_author_name(author)} ({partner})"
    queue_email(
        to=convention_owner_email(convention),
        template="partenariats/message_equipe",
        context={
            "convention": convention,
            "author": writer,
            "body": message.body,
            "url": settings.SITE_URL + reverse("admin:partenariats_convention_change", args=[convention.pk]),
        },
    )
    others = [email for email in partner_member_emails(convention) if email != (author.email or "").lower()]
    _tell_partners(convention, message, others, writer=writer)
    return message


def partner_member_emails(convention: Convention) -> list[str]:
    """The addresses of the active members of the convention's partners, each once."""
    members = PartnerMembership.objects.filter(
        organisation__partner__conventions=convention, user__is_active=True
    ).values_list("user__email", flat=True)
    return sorted({email.lower() for email in members if email})


@transaction.atomic
def post_staff_message(*, convention: Convention, author, body: str) -> tuple[ConventionMessage, int]:
    """Staff write to the convention's partners: each of their members is emailed the message
    and the convention's page in the partner space. Returns the message and how many people
    were emailed (0 when no partner has a member with an account)."""
    message = ConventionMessage.objects.create(
        convention=convention, author=author, from_staff=True, body=_checked_body(body)
    )
    recipients = partner_member_emails(convention)
    _tell_partners(convention, message, recipients, writer="")
    return message, len(recipients)


def _tell_partners(convention: Convention, message: ConventionMessage, recipients: list[str], *, writer: str) -> None:
    """Each recipient is emailed the message and the convention's page in the partner space;
    `writer` names a partner's member, empty for the CRESS's team."""
    url = settings.SITE_URL + reverse("partenariats:espace-convention", args=[convention.pk])
    for email in recipients:
        queue_email(
            to=email,
            template="partenariats/message_partenaires",
            context={"convention": convention, "body": message.body, "url": url, "writer": writer},
        )
