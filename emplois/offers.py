"""Services of the offers (issue 19, points 8 and 9): an employer saves, duplicates and moves
its offers; staff moderate them; the beat expires them.

Moderation rule: an organisation's offers go to staff (« Soumettre ») until staff have
published EMPLOIS_TRUSTED_AFTER of them; after that its members publish at once. An offer
whose text (title and description, normalised) is the same as a published or reviewed offer
of another organisation is saved with `copy_of` set, and staff see it in the admin.
"""

import hashlib
import re
import unicodedata
from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from annuaire import selectors
from annuaire.models import Organisation, PartnerMembership
from emplois.models import Application, Contract, Offer, OfferKind, OfferTransition
from emplois.workflows import OFFER_EDITABLE, OFFER_REASON_REQUIRED, OFFER_WORKFLOW
from lib.richtext import clean_html, plain_text
from lib.workflow import TransitionNotAllowed, WorkflowError
from messagerie.services import queue_email

Status = Offer.Status
REUNION = ZoneInfo("Indian/Reunion")
# States whose text another organisation must not copy unnoticed.
COPY_WATCHED = (Status.REVIEW, Status.PUBLISHED)
# What a member of the organisation may do from its space (staff may do every declared move).
EMPLOYER_TARGETS = {
    Status.DRAFT: (Status.REVIEW, Status.PUBLISHED),
    Status.REVIEW: (Status.DRAFT,),
    Status.REFUSED: (Status.DRAFT,),
    Status.PUBLISHED: (Status.FILLED, Status.EXPIRED),
    Status.EXPIRED: (Status.DRAFT,),
}
EXPIRY_COMMENT = "Date limite de candidature passée."


class OfferError(WorkflowError):
    """An offer's operation refused for a reason the person can fix (in French)."""


# --- Text and copies ------------------------------------------------------------------------


def normalised_words(text: str) -> list[str]:
    """The words of a text without tags, accents, case or punctuation."""
    text = unicodedata.normalize("NFKD", plain_text(text)).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", text)


def fingerprint_of(title: str, description: str) -> str:
    """sha256 of the normalised words of the title and the description."""
    words = " ".join(normalised_words(title) + normalised_words(description))
    return hashlib.sha256(words.encode()).hexdigest()


def find_original(offer: Offer) -> Offer | None:
    """The oldest offer of another organisation, in review or published, with the same text."""
    return (
        Offer.objects.filter(fingerprint=offer.fingerprint, status__in=COPY_WATCHED)
        .exclude(organisation_id=offer.organisation_id)
        .exclude(pk=offer.pk)
        .order_by("created_at", "pk")
        .first()
    )


# --- Saving ---------------------------------------------------------------------------------


def _unique_slug(title: str) -> str:
    return (slugify(title) or "offre")[:150]


def save_offer(*, organisation: Organisation, values: dict, by=None, offer: Offer | None = None) -> Offer:
    """Create (offer=None) or update an offer of `organisation` from the form's `values`.

    The rich text is sanitised, the slug follows the title, the kind follows the contract, the
    fingerprint is computed and a copy of another organisation's offer flagged. Only a draft or
    a refused offer may be edited.
    """
    if offer is not None and offer.status not in OFFER_EDITABLE:
        raise OfferError("Cette offre ne se modifie plus : repassez-la en brouillon d'abord.")
    offer = offer or Offer(organisation=organisation, created_by=by)
    if offer.organisation_id != organisation.pk:
        raise OfferError("Cette offre n'est pas celle de votre structure.")
    for name, value in values.items():
        setattr(offer, name, value)
    return _clean_and_save(offer)


def save_offer_as_staff(*, offer: Offer, by) -> Offer:
    """Staff's corrections in the admin (any state): the same cleaning as the employer's."""
    if offer.pk is None:
        offer.created_by = by
    return _clean_and_save(offer)


def _clean_and_save(offer: Offer) -> Offer:
    offer.description = clean_html(offer.description)
    offer.profile = clean_html(offer.profile)
    offer.kind = OfferKind.VOLUNTEERING if offer.contract == Contract.VOLUNTEERING else OfferKind.JOB
    offer.slug = _unique_slug(offer.title)
    offer.fingerprint = fingerprint_of(offer.title, offer.description)
    offer.copy_of = find_original(offer)
    offer.full_clean()
    offer.save()
    return offer


def duplicate_offer(*, offer: Offer, by=None) -> Offer:
    """A draft copy of one of the organisation's own offers (never flagged as a copy: the text
    is its own). Dates are cleared: the employer sets them again."""
    copy = Offer(
        organisation=offer.organisation,
        created_by=by,
        **{
            field.name: getattr(offer, field.name)
            for field in Offer._meta.concrete_fields
            if field.editable and field.name not in {"id", "organisation", "created_by", "starts_on", "refusal_reason"}
        },
    )
    copy.title = offer.title
    copy.closes_on = max(offer.closes_on, reunion_today())
    copy.kind, copy.slug, copy.fingerprint = offer.kind, offer.slug, offer.fingerprint
    copy.copy_of = find_original(copy)
    copy.full_clean()
    copy.save()
    return copy


# --- Moderation and workflow ----------------------------------------------------------------


def published_by_staff(organisation: Organisation) -> int:
    """How many of the organisation's offers staff have published (moderated)."""
    return (
        OfferTransition.objects.filter(subject__organisation=organisation, to_state=Status.PUBLISHED, by__is_staff=True)
        .values("subject")
        .distinct()
        .count()
    )


def is_trusted(organisation: Organisation) -> bool:
    """True once staff have published EMPLOIS_TRUSTED_AFTER of the organisation's offers."""
    return published_by_staff(organisation) >= settings.EMPLOIS_TRUSTED_AFTER


def employer_targets(offer: Offer, *, trusted: bool) -> list:
    """The transitions a member may make from the space (draft → published only if trusted)."""
    allowed = EMPLOYER_TARGETS.get(offer.status, ())
    return [
        transition
        for transition in OFFER_WORKFLOW.allowed(offer)
        if transition.target in allowed
        and not (offer.status == Status.DRAFT and transition.target == (Status.REVIEW if trusted else Status.PUBLISHED))
    ]


def _check_publishable(offer: Offer) -> None:
    """A published offer is complete (the model's rules hold outside the draft) and open."""
    if offer.closes_on < reunion_today():
        raise OfferError("La date limite de candidature est passée : modifiez-la avant de publier l'offre.")
    candidate = Offer.objects.get(pk=offer.pk)
    candidate.status = Status.REVIEW  # the rules of every state but the draft
    try:
        candidate.full_clean()
    except ValidationError as error:
        raise OfferError(" ".join(error.messages)) from error


def move_offer(*, offer: Offer, target: str, by=None, comment: str = "", as_staff: bool = False) -> OfferTransition:
    """Move an offer through OFFER_WORKFLOW, as a member of its organisation or as staff.

    A member submits (untrusted organisation) or publishes (trusted), withdraws, marks filled,
    closes. Publishing sets `published_at`; refusing needs a reason (`comment`). The members
    of the organisation are emailed, through the outbox, when staff publish or refuse.
    """
    if not as_staff:
        trusted = is_trusted(offer.organisation)
        if target not in {transition.target for transition in employer_targets(offer, trusted=trusted)}:
            if offer.status == Status.DRAFT and target == Status.PUBLISHED:
                raise OfferError("Les premières offres de votre structure sont relues par la CRESS : soumettez-la.")
            raise OfferError("Ce changement d'état n'est pas possible depuis votre espace.")
    if not OFFER_WORKFLOW.can(offer, target):
        raise TransitionNotAllowed(
            f"L'offre est « {offer.get_status_display()} » : ce changement d'état n'est pas possible."
        )
    changes = {}
    reason_field = OFFER_REASON_REQUIRED.get(target)
    if reason_field:
        if not comment.strip():
            raise OfferError("Indiquez le motif du refus : il est envoyé à la structure.")
        changes[reason_field] = comment.strip()
    if target in (Status.PUBLISHED, Status.REVIEW):
        _check_publishable(offer)
    if target == Status.PUBLISHED:
        changes["published_at"] = timezone.now()
    with transaction.atomic():
        log = OFFER_WORKFLOW.apply(offer, target, log_model=OfferTransition, by=by, comment=comment, changes=changes)
        if target == Status.PUBLISHED or target == Status.REFUSED:
            _email_members(offer, "emplois/offre_publiee" if target == Status.PUBLISHED else "emplois/offre_refusee")
    return log


def _email_members(offer: Offer, template: str) -> None:
    """Each member of the organisation (their account's address) gets the news and the link
    to the offer in their space, where they log in."""
    url = settings.SITE_URL + reverse("emplois:employer-offer", args=[offer.pk])
    emails = PartnerMembership.objects.filter(organisation_id=offer.organisation_id, user__is_active=True)
    for email in sorted(set(emails.values_list("user__email", flat=True))):
        queue_email(to=email, template=template, context={"offer": offer, "url": url})


# --- Expiry (beat) --------------------------------------------------------------------------


def reunion_today() -> date:
    return timezone.localdate(timezone=REUNION)


def expire_offers(*, today: date | None = None) -> int:
    """Close the published offers whose closing date has passed (the day after it, Réunion
    time). Idempotent: an offer no longer published is left alone."""
    today = today or reunion_today()
    due = Offer.objects.filter(status=Status.PUBLISHED, closes_on__lt=today).values_list("pk", flat=True)
    count = 0
    for offer_id in list(due):
        with transaction.atomic():
            offer = Offer.objects.select_for_update(skip_locked=True).filter(pk=offer_id).first()
            if offer is None or offer.status != Status.PUBLISHED:
                continue
            OFFER_WORKFLOW.apply(offer, Status.EXPIRED, log_model=OfferTransition, comment=EXPIRY_COMMENT)
            count += 1
    return count


# --- Selectors of the employer's space ------------------------------------------------------


def organisations_of(user):
    """The organisations the user acts for (partner memberships)."""
    return selectors.organisations_of(user)


def offers_of(user):
    """Every offer of the organisations the user acts for: outside it, nothing exists."""
    return Offer.objects.filter(organisation__memberships__user=user)


def offers_with_counts(organisation: Organisation):
    """The organisation's offers, with the count of applications in each state (one query)."""
    counts = {
        f"applications_{state}": Count("applications", filter=Q(applications__status=state))
        for state in Application.Status.values
    }
    return (
        Offer.objects.filter(organisation=organisation)
        .select_related("commune", "rome")
        .annotate(applications_total=Count("applications"), **counts)
        .order_by("-updated_at", "-pk")
    )
