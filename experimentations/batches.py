"""Sending a validated need to its suppliers, in batches through the outbox (issue 13, point 8),
and the supplier's side of the funnel.

Staff press « Envoyer aux fournisseurs » (`send_to_suppliers`): the need moves from
« validé » to « envoyé » through NEED_WORKFLOW, and the first batch is queued if the moment
allows. Beat then runs `send_due_batches` and `remind_suppliers` (cress/celery.py): on the
sending weekdays and hours (Réunion time, settings), a few suppliers at a time, the next
batch only EXPERIMENTATIONS_BATCH_DELAY_HOURS after the previous one; sending stops when
`wanted_answers` suppliers are interested or the answer deadline has passed.

Exactly once: the need's row is locked while a batch is chosen; each supplier's email is
queued (messagerie outbox, with a dedup key) in the same transaction that sets its
`emailed_at`, so a sweep run twice, or by two workers, or after a worker was killed, sends
nothing twice. The private link is minted when the email leaves (messagerie.links): only
its hash is stored, on the match and in the private links table (with its expiry).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from annuaire.models import Organisation
from experimentations import needs
from experimentations.models import Need, SupplierMatch
from lib.tokens import token_hash
from lib.workflow import WorkflowError
from messagerie.links import LinkUnavailable, issue_token, private_link, resolve_token
from messagerie.services import queue_email

SUPPLIER_LINK = "experimentations.fournisseur"
EMAIL_NEED = "experimentations/fournisseur_besoin"
EMAIL_REMINDER = "experimentations/fournisseur_relance"
EMAIL_INTERESTED = "experimentations/fournisseur_interesse"


class AnswerError(WorkflowError):
    """An answer refused for a reason the supplier can read (French)."""


# --- Private links --------------------------------------------------------------------------


def supplier_url(token: str) -> str:
    return settings.SITE_URL + reverse("experimentations:supplier", args=[token])


def build_supplier_link(*, match: int) -> str:
    """Link builder (messagerie.links): a fresh token for the supplier's page, valid until
    some days after the need's deadline; its hash is also kept on the match."""
    row = SupplierMatch.objects.filter(pk=match).select_related("need").only("pk", "need__answer_deadline").first()
    if row is None:
        raise LinkUnavailable("ce fournisseur n'est plus proposé pour ce besoin.")
    expires_at = max(row.need.answer_deadline, timezone.now()) + timedelta(
        days=settings.EXPERIMENTATIONS_SUPPLIER_LINK_DAYS_AFTER
    )
    token = issue_token(purpose=SUPPLIER_LINK, object_id=row.pk, expires_at=expires_at)
    SupplierMatch.objects.filter(pk=row.pk).update(token_hash=token_hash(token))
    return supplier_url(token)


def find_by_token(token: str) -> SupplierMatch | None:
    """The match (with its need and organisation) a supplier's live token opens, or None."""
    match_id = resolve_token(purpose=SUPPLIER_LINK, token=token)
    if match_id is None:
        return None
    return SupplierMatch.objects.select_related("need__commune", "organisation").filter(pk=match_id).first()


# --- When sending is allowed ----------------------------------------------------------------


def within_sending_hours(moment: datetime) -> bool:
    """A sending weekday, between the sending hours, in Réunion time."""
    local = timezone.localtime(moment)
    return (
        local.weekday() in settings.EXPERIMENTATIONS_SENDING_WEEKDAYS
        and settings.EXPERIMENTATIONS_SENDING_START_HOUR <= local.hour < settings.EXPERIMENTATIONS_SENDING_END_HOUR
    )


def interested_count(need: Need) -> int:
    return need.matches.filter(answer=SupplierMatch.Answer.INTERESTED).count()


def sending_stopped(need: Need, now: datetime) -> str:
    """Why no more supplier is emailed for this need (French), or "" if sending goes on."""
    if need.status != Need.Status.SENT:
        return "le besoin n'est pas à l'état « envoyé »"
    if now >= need.answer_deadline:
        return "la date limite de réponse est passée"
    if interested_count(need) >= need.wanted_answers:
        return "assez de fournisseurs sont intéressés"
    return ""


def sendable_matches(need: Need):
    """The suppliers kept by staff and not emailed yet, in rank order."""
    return (
        need.matches.filter(included=True, emailed_at__isnull=True)
        .exclude(organisation__email="")
        .select_related("organisation")
        .order_by("rank", "pk")
    )


# --- Staff: start sending -------------------------------------------------------------------


def send_to_suppliers(*, need: Need, by=None, now: datetime | None = None) -> int:
    """« Envoyer aux fournisseurs »: validé → envoyé, then the first batch if the moment
    allows (otherwise the sweep sends it at the next sending hour). Returns how many
    suppliers were emailed now."""
    now = now or timezone.now()
    with transaction.atomic():
        need = Need.objects.select_for_update().get(pk=need.pk)
        if need.status != Need.Status.VALIDATED:
            raise WorkflowError("Seul un besoin validé peut être envoyé aux fournisseurs.")
        if now >= need.answer_deadline:
            raise WorkflowError("La date limite de réponse est passée : modifiez-la avant d'envoyer.")
        if not sendable_matches(need).exists():
            raise WorkflowError(
                "Aucun fournisseur retenu n'a d'adresse électronique : lancez le rapprochement ou ajoutez-en un."
            )
        needs.mark_need_sent(need, by, now=now)  # the transition, its log, and the buyer told
        return _send_batch(need, now)


# --- Beat: the batches and the reminder ----------------------------------------------------


def send_due_batches(*, now: datetime | None = None) -> int:
    """Queue the next batch of every need whose time has come; idempotent. Returns how many
    suppliers were emailed."""
    now = now or timezone.now()
    if not within_sending_hours(now):
        return 0
    pending = (
        Need.objects.filter(status=Need.Status.SENT, answer_deadline__gt=now)
        .filter(Q(matches__included=True, matches__emailed_at__isnull=True))
        .values_list("pk", flat=True)
        .distinct()
    )
    emailed = 0
    for need_id in list(pending):
        with transaction.atomic():
            # Another sweep holding this need sends its batch: skip it, never wait twice.
            need = Need.objects.select_for_update(skip_locked=True).filter(pk=need_id).first()
            if need is not None:
                emailed += _send_batch(need, now)
    return emailed


def _send_batch(need: Need, now: datetime) -> int:
    """One batch of `need` (locked by the caller) if it is due: stop conditions, delay."""
    if not within_sending_hours(now) or sending_stopped(need, now):
        return 0
    last = need.matches.aggregate(last=Max("emailed_at"), batch=Max("batch"))
    if last["last"] and now - last["last"] < timedelta(hours=settings.EXPERIMENTATIONS_BATCH_DELAY_HOURS):
        return 0
    batch = (last["batch"] or 0) + 1
    chosen = list(sendable_matches(need)[: settings.EXPERIMENTATIONS_BATCH_SIZE])
    for match in chosen:
        match.email, match.emailed_at, match.batch = match.organisation.email, now, batch
        match.save(update_fields=["email", "emailed_at", "batch"])
        queue_email(
            to=match.email,
            template=EMAIL_NEED,
            context=_supplier_context(match, need),
            dedup_key=f"experimentations-fournisseur-{match.pk}",
        )
    if chosen and need.sent_at is None:
        Need.objects.filter(pk=need.pk).update(sent_at=now)
    return len(chosen)


def _supplier_context(match: SupplierMatch, need: Need) -> dict:
    return {
        "organisation_name": match.organisation.name,
        "need_title": need.title,
        "need_reference": need.reference,
        "buyer_kind": need.get_buyer_kind_display(),
        "need_kind": need.get_kind_display(),
        "deadline": need.answer_deadline,
        "reasons": match.reasons,
        "url": private_link(SUPPLIER_LINK, match=match.pk),
    }


def remind_suppliers(*, now: datetime | None = None) -> int:
    """One reminder to each supplier emailed N days ago who has not answered; none after the
    deadline, none once enough suppliers are interested. Returns how many were reminded."""
    now = now or timezone.now()
    if not within_sending_hours(now):
        return 0
    due = SupplierMatch.objects.filter(
        need__status=Need.Status.SENT,
        need__answer_deadline__gt=now,
        emailed_at__lte=now - timedelta(days=settings.EXPERIMENTATIONS_SUPPLIER_REMINDER_DAYS),
        answered_at__isnull=True,
        reminded_at__isnull=True,
    ).values_list("pk", flat=True)
    reminded = 0
    for match_id in list(due):
        with transaction.atomic():
            match = (
                SupplierMatch.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("need", "organisation")
                .filter(pk=match_id, reminded_at__isnull=True, answered_at__isnull=True)
                .first()
            )
            if match is None or sending_stopped(match.need, now):
                continue
            match.reminded_at = now
            match.save(update_fields=["reminded_at"])
            queue_email(
                to=match.email,
                template=EMAIL_REMINDER,
                context=_supplier_context(match, match.need),
                dedup_key=f"experimentations-fournisseur-relance-{match.pk}",
            )
            reminded += 1
    return reminded


# --- The supplier's page --------------------------------------------------------------------


def record_opened(match: SupplierMatch, *, now: datetime | None = None) -> None:
    """The link was opened (the first time counts)."""
    now = now or timezone.now()
    if match.opened_at is None:
        SupplierMatch.objects.filter(pk=match.pk, opened_at__isnull=True).update(opened_at=now)
        match.opened_at = now


def record_viewed(match: SupplierMatch, *, now: datetime | None = None) -> None:
    """The need was shown in full (the first time counts; it implies the link was opened)."""
    now = now or timezone.now()
    record_opened(match, now=now)
    if match.viewed_at is None:
        SupplierMatch.objects.filter(pk=match.pk, viewed_at__isnull=True).update(viewed_at=now)
        match.viewed_at = now


def can_answer(match: SupplierMatch, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return not match.answer and now < match.need.answer_deadline


def answer_need(
    *, match: SupplierMatch, interested: bool, message: str = "", reason: str = "", now: datetime | None = None
) -> SupplierMatch:
    """The supplier's answer, once, before the deadline. Interested: its contact is shared
    with the buyer, who is emailed; not interested: a reason is required."""
    now = now or timezone.now()
    with transaction.atomic():
        match = (
            SupplierMatch.objects.select_for_update(of=("self",))
            .select_related("need", "organisation")
            .get(pk=match.pk)
        )
        if match.answer:
            raise AnswerError("Vous avez déjà répondu à ce besoin : une seule réponse est enregistrée.")
        if now >= match.need.answer_deadline:
            raise AnswerError("La date limite de réponse est passée : l'acheteur ne reçoit plus de réponses.")
        if not interested and reason not in SupplierMatch.NotInterestedReason.values:
            raise AnswerError("Indiquez pourquoi ce besoin ne vous intéresse pas.")
        match.answer = SupplierMatch.Answer.INTERESTED if interested else SupplierMatch.Answer.NOT_INTERESTED
        match.not_interested_reason = "" if interested else reason
        match.message = message.strip()[:3000]
        match.answered_at = now
        if match.viewed_at is None:
            match.viewed_at = now
        if match.opened_at is None:
            match.opened_at = now
        fields = ["answer", "not_interested_reason", "message", "answered_at", "viewed_at", "opened_at"]
        if interested:
            match.contact_shared_at = now
            fields.append("contact_shared_at")
        match.save(update_fields=fields)
        if interested:
            _email_buyer(match)
    return match


def directory_url(organisation: Organisation) -> str:
    return settings.SITE_URL + reverse("annuaire:structure", args=[organisation.slug])


def _email_buyer(match: SupplierMatch) -> None:
    """A short notice to the buyer with the supplier's contact, its directory page, and the
    buyer's private page where every interested supplier is listed."""
    need, organisation = match.need, match.organisation
    if not need.contact_email:
        return  # erased at the buyer's request (experimentations.personal_data): nobody to tell
    queue_email(
        to=need.contact_email,
        template=EMAIL_INTERESTED,
        context={
            "contact_name": need.contact_name,
            "need_title": need.title,
            "need_reference": need.reference,
            "organisation_name": organisation.name,
            "organisation_email": organisation.email,
            "organisation_phone": organisation.phone,
            "directory_url": directory_url(organisation),
            "message": match.message,
            "url": private_link(needs.NEED_LINK, need=need.pk),
        },
        dedup_key=f"experimentations-fournisseur-interesse-{match.pk}",
    )
