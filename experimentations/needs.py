"""Buyers' needs (Action 7, responsible purchasing): posting, the buyer's private page, the
staff's checks through NEED_WORKFLOW, the automatic refusal of needs left « modification
demandée », the survey after the deadline and the « besoins inspirants ».

The pattern is the HR support's (formation.hr): the buyer gets a reference and an email with
a private link (messagerie.links: minted when the email leaves, only its hash stored, with
an end); every change of state emails the buyer with a fresh link. One transaction each.
Sending to suppliers is the batches' business (experimentations.batches): they call
`mark_need_sent`.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from comptes.roles import PARTENARIATS
from experimentations.models import Need, NeedTransition, SupplierMatch
from experimentations.workflows import NEED_EDITABLE, NEED_REASON_REQUIRED, NEED_WORKFLOW
from lib.ess_benefits import EssBenefit
from lib.richtext import clean_html
from lib.workflow import WorkflowError
from messagerie.links import LinkUnavailable, expire_tokens, issue_token, private_link, resolve_token
from messagerie.services import queue_email

Status = Need.Status

# What a private token opens (messagerie.links): the buyer's page of one need.
NEED_LINK = "experimentations.besoin"

CONSENT_TEXT = (
    "J'accepte que la CRESS La Réunion enregistre ces informations pour étudier mon besoin, le transmettre "
    "aux fournisseurs de l'ESS qui peuvent y répondre et me recontacter. Mes coordonnées ne sont transmises "
    "qu'aux fournisseurs intéressés. Je peux demander à tout moment l'accès à mes données, leur rectification "
    "ou leur suppression."
)

# What the buyer reads of each state, on their page and in the email that tells of a change.
BUYER_STATE = {
    Status.DRAFT: "Votre besoin est enregistré en brouillon : complétez-le et soumettez-le quand il est prêt.",
    Status.SUBMITTED: "Votre besoin est bien reçu : l'équipe de la CRESS le relit, en général sous trois jours "
    "ouvrés, avant de l'envoyer aux fournisseurs de l'ESS.",
    Status.CHANGES: "L'équipe de la CRESS vous demande de modifier votre besoin avant de l'envoyer. Sans réponse "
    "de votre part dans les {days} jours, il sera refusé.",
    Status.VALIDATED: "Votre besoin est validé : il va être envoyé aux fournisseurs de l'ESS qui correspondent.",
    Status.SENT: "Votre besoin est envoyé aux fournisseurs de l'ESS : leurs réponses apparaissent sur votre page.",
    Status.REFUSED: "Votre besoin n'a pas été retenu.",
    Status.CLOSED: "Votre besoin est clos. Merci d'avoir fait appel aux fournisseurs de l'ESS.",
}

AUTO_REFUSAL_REASON = "Sans réponse de l'acheteur à la demande de modification dans les {days} jours."


class NeedError(WorkflowError):
    """Refused for a reason the person can fix; the message is in French."""


# --- The private link -----------------------------------------------------------------------


def buyer_url(token: str) -> str:
    return settings.SITE_URL + reverse("experimentations:need-buyer", args=[token])


def build_buyer_link(*, need: int) -> str:
    """Link builder (messagerie.links): minted when an email to the buyer leaves, valid
    NEED_LINK_DAYS."""
    if not Need.objects.filter(pk=need).exists():
        raise LinkUnavailable("ce besoin a été effacé.")
    expires_at = timezone.now() + timedelta(days=settings.NEED_LINK_DAYS)
    return buyer_url(issue_token(purpose=NEED_LINK, object_id=need, expires_at=expires_at))


def find_need_by_token(token: str) -> Need | None:
    """The need this token opens, or None (unknown, forged or expired)."""
    need_id = resolve_token(purpose=NEED_LINK, token=token)
    if need_id is None:
        return None
    return Need.objects.select_related("commune").filter(pk=need_id).first()


def state_explanation(status: str) -> str:
    return BUYER_STATE[Status(status)].format(days=settings.NEED_CHANGES_DAYS)


def _email_view(need: Need) -> dict:
    return {
        "reference": need.reference,
        "title": need.title,
        "contact_name": need.contact_name,
        "buyer_name": need.buyer_name,
    }


def _email_buyer(need: Need, template: str, **context) -> None:
    if not need.contact_email:
        return  # erased at the buyer's request (experimentations.personal_data): nobody to tell
    queue_email(
        to=need.contact_email,
        template=template,
        context={
            "need": _email_view(need),
            "url": private_link(NEED_LINK, need=need.pk),
            "days": settings.NEED_LINK_DAYS,
            **context,
        },
    )


def _email_state(need: Need, *, reason: str = "") -> None:
    _email_buyer(
        need,
        "experimentations/besoin_changement_etat",
        state=need.get_status_display(),
        explanation=state_explanation(need.status),
        reason=reason,
    )


def need_staff_emails() -> list[str]:
    """Who reads a need posted: the active members of the Partenariats role (it runs
    Action 7), else the CRESS's address."""
    members = (
        get_user_model()
        .objects.filter(groups__name=PARTENARIATS, is_active=True, is_staff=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    return list(members) or [settings.CONTACT_EMAIL]


def _email_staff(need: Need) -> None:
    url = settings.SITE_URL + reverse("admin:experimentations_need_change", args=[need.pk])
    for address in need_staff_emails():
        queue_email(
            to=address, template="experimentations/besoin_equipe", context={"need": _email_view(need), "url": url}
        )


# --- Posting and editing --------------------------------------------------------------------


def _next_reference(year: int) -> str:
    """« ACH-2026-0001 »: numbered within the year. Two buyers posting at once wait for each
    other on a transaction-scoped lock (PostgreSQL), so that no number is given twice; the
    unique constraint guards the rest."""
    prefix = f"ACH-{year}-"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('experimentations.need.reference'))")
    last = (
        Need.objects.filter(reference__startswith=prefix).order_by("-reference").values_list("reference", flat=True)
    ).first()
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _apply_values(need: Need, values: dict) -> None:
    for name, value in values.items():
        setattr(need, name, value)
    need.description = clean_html(need.description or "")


def _check_deadline(need: Need) -> None:
    if need.answer_deadline is not None and need.answer_deadline <= timezone.now():
        raise NeedError("La date limite de réponse doit être dans le futur (heure de La Réunion).")


@transaction.atomic
def post_need(*, values: dict, sectors, territories, submit: bool, user=None, consent_text: str = CONSENT_TEXT) -> Need:
    """Save a buyer's need (a draft, or submitted to the staff) and email its reference and
    private link. `values` are the checked answers of the form (the model's fields)."""
    now = timezone.now()
    need = Need(consent_text=consent_text, consent_at=now)
    _apply_values(need, values)
    _check_deadline(need)
    if user is not None and user.is_authenticated:
        need.user = user
    local_now = timezone.localtime(now)
    need.reference = _next_reference(local_now.year)
    need.full_clean(exclude=["sectors", "territories"], validate_unique=False, validate_constraints=False)
    need.save()
    need.sectors.set(sectors)
    need.territories.set(territories)
    if submit:
        submit_need(need=need)
    else:
        _email_state(need)
    return need


@transaction.atomic
def update_need(*, need: Need, values: dict, sectors, territories, submit: bool) -> Need:
    """The buyer edits their need while it is a draft or « modification demandée »; with
    `submit`, it goes (back) to the staff."""
    locked = Need.objects.select_for_update().get(pk=need.pk)
    if locked.status not in NEED_EDITABLE:
        raise NeedError("Ce besoin n'est plus modifiable : l'équipe de la CRESS l'a déjà examiné.")
    _apply_values(need, values)
    _check_deadline(need)
    need.status = locked.status
    need.full_clean(exclude=["sectors", "territories"], validate_unique=False, validate_constraints=False)
    need.save(update_fields=[*values, "description", "updated_at"])
    need.sectors.set(sectors)
    need.territories.set(territories)
    if submit:
        submit_need(need=need)
    return need


# --- The workflow ---------------------------------------------------------------------------


def _move(need: Need, target: str, *, by=None, comment: str = "", changes=None) -> NeedTransition:
    comment = (comment or "").strip()
    reason_field = NEED_REASON_REQUIRED.get(target)
    changes = dict(changes or {})
    if reason_field:
        if not comment:
            raise NeedError("Indiquez le motif : il est envoyé à l'acheteur.")
        changes[reason_field] = comment
    return NEED_WORKFLOW.apply(need, target, log_model=NeedTransition, by=by, comment=comment, changes=changes)


@transaction.atomic
def submit_need(*, need: Need, by=None) -> NeedTransition:
    """Brouillon → soumis, or modification demandée → soumis (the buyer's answer). The staff
    are told; the buyer gets the acknowledgement with their link."""
    target = Status.SUBMITTED
    if not NEED_WORKFLOW.can(need, target):
        raise NeedError("Ce besoin ne peut pas être soumis dans son état actuel.")
    _check_deadline(need)
    comment = "Soumis de nouveau par l'acheteur." if need.status == Status.CHANGES else ""
    log = _move(need, target, by=by, comment=comment, changes={"submitted_at": timezone.now()})
    _email_state(need)
    _email_staff(need)
    return log


@transaction.atomic
def validate_need(*, need: Need, by, comment: str = "") -> NeedTransition:
    """Soumis → validé: ready to be matched and sent."""
    log = _move(need, Status.VALIDATED, by=by, comment=comment)
    _email_state(need)
    return log


@transaction.atomic
def request_need_changes(*, need: Need, by, reason: str) -> NeedTransition:
    """Soumis → modification demandée (reason required, emailed with the link). Without the
    buyer's answer in NEED_CHANGES_DAYS, the sweep refuses it."""
    log = _move(need, Status.CHANGES, by=by, comment=reason, changes={"changes_requested_at": timezone.now()})
    _email_state(need, reason=need.changes_requested)
    return log


@transaction.atomic
def refuse_need(*, need: Need, by=None, reason: str) -> NeedTransition:
    """Refused by staff (reason required, emailed)."""
    log = _move(need, Status.REFUSED, by=by, comment=reason)
    _email_state(need, reason=need.refusal_reason)
    return log


@transaction.atomic
def mark_need_sent(need: Need, by=None, *, comment: str = "", now=None) -> NeedTransition:
    """Validé → envoyé: called by the batches (experimentations.batches.send_to_suppliers)
    as the first suppliers are emailed. Sets `sent_at` once (at `now`)."""
    sent_at = need.sent_at or now or timezone.now()
    log = _move(need, Status.SENT, by=by, comment=comment, changes={"sent_at": sent_at})
    _email_state(need)
    return log


@transaction.atomic
def close_need(*, need: Need, by=None, comment: str = "") -> NeedTransition:
    log = _move(need, Status.CLOSED, by=by, comment=comment)
    _email_state(need)
    return log


STAFF_MOVES = {
    Status.VALIDATED: lambda need, by, comment: validate_need(need=need, by=by, comment=comment),
    Status.CHANGES: lambda need, by, comment: request_need_changes(need=need, by=by, reason=comment),
    Status.REFUSED: lambda need, by, comment: refuse_need(need=need, by=by, reason=comment),
    Status.SENT: lambda need, by, comment: mark_need_sent(need=need, by=by, comment=comment),
    Status.CLOSED: lambda need, by, comment: close_need(need=need, by=by, comment=comment),
}


def move_need(*, need: Need, target: str, by, comment: str = "") -> NeedTransition:
    """The admin's buttons: the service of each target (the buyer's own moves excepted)."""
    move = STAFF_MOVES.get(target)
    if move is None:
        raise NeedError("Ce changement d'état est réservé à l'acheteur.")
    return move(need, by, comment)


# --- Sweeps (beat) --------------------------------------------------------------------------


def refuse_stale_needs(*, now=None) -> int:
    """Refuse the needs left « modification demandée » NEED_CHANGES_DAYS without the buyer's
    answer, and tell each buyer. Idempotent: a need refused is no longer in that state."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.NEED_CHANGES_DAYS)
    reason = AUTO_REFUSAL_REASON.format(days=settings.NEED_CHANGES_DAYS)
    count = 0
    stale = Need.objects.filter(status=Status.CHANGES, changes_requested_at__lte=limit).values_list("pk", flat=True)
    for need_id in list(stale):
        with transaction.atomic():
            need = Need.objects.select_for_update(skip_locked=True).filter(pk=need_id, status=Status.CHANGES).first()
            if need is None:
                continue
            refuse_need(need=need, reason=reason)
            count += 1
    return count


def send_due_surveys(*, now=None) -> int:
    """Ask each buyer, NEED_SURVEY_DAYS after the answer deadline of a need sent to suppliers,
    whether a deal was made with the ESS and for how much. Each survey is sent once
    (`survey_sent_at` set in the transaction that queues the email)."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.NEED_SURVEY_DAYS)
    due = Need.objects.filter(
        status__in=[Status.SENT, Status.CLOSED], answer_deadline__lte=limit, survey_sent_at__isnull=True
    ).values_list("pk", flat=True)
    count = 0
    for need_id in list(due):
        with transaction.atomic():
            updated = Need.objects.filter(pk=need_id, survey_sent_at__isnull=True).update(survey_sent_at=now)
            if not updated:
                continue
            need = Need.objects.get(pk=need_id)
            _email_buyer(need, "experimentations/besoin_enquete")
            count += 1
    return count


# --- The survey -----------------------------------------------------------------------------


def survey_open(need: Need) -> bool:
    return need.survey_sent_at is not None and need.survey_answered_at is None


@transaction.atomic
def answer_survey(*, need: Need, deal_made: bool, deal_amount: int | None, comment: str = "") -> Need:
    """The buyer's answer: a deal with an ESS supplier or not, and for how much. Once."""
    locked = Need.objects.select_for_update().get(pk=need.pk)
    if not survey_open(locked):
        raise NeedError("Ce questionnaire n'est pas ouvert ou a déjà reçu votre réponse.")
    if deal_made and deal_amount is None:
        raise NeedError("Indiquez le montant acheté aux fournisseurs de l'ESS (en euros hors taxes).")
    need.deal_made = deal_made
    need.deal_amount = deal_amount if deal_made else None
    need.deal_comment = (comment or "").strip()[:2000]
    need.survey_answered_at = timezone.now()
    need.save(update_fields=["deal_made", "deal_amount", "deal_comment", "survey_answered_at", "updated_at"])
    return need


# --- « Besoins inspirants » -----------------------------------------------------------------


# What may be published among the « besoins inspirants »: needs the staff have accepted.
PUBLISHABLE = (Status.VALIDATED, Status.SENT, Status.CLOSED)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def inspiring_text_problems(need: Need, text: str) -> list[str]:
    """Why this text is not anonymous: it names the contact, their address or phone."""
    problems = []
    lowered = text.casefold()
    if need.contact_name and need.contact_name.strip().casefold() in lowered:
        problems.append("Le texte cite le nom du contact : retirez-le.")
    else:
        for part in need.contact_name.split():
            if len(part) >= 3 and re.search(rf"\b{re.escape(part.casefold())}\b", lowered):
                problems.append("Le texte cite le nom du contact : retirez-le.")
                break
    if (need.contact_email and need.contact_email.casefold() in lowered) or "@" in text:
        problems.append("Le texte contient une adresse électronique : retirez-la.")
    phone = _digits(need.contact_phone or "")
    if len(phone) >= 6 and phone[-6:] in _digits(text):
        problems.append("Le texte contient le numéro de téléphone du contact : retirez-le.")
    return problems


@transaction.atomic
def set_inspiring(*, need: Need, is_inspiring: bool, text: str) -> Need:
    """Publish (or withdraw) a need among the « besoins inspirants », with an anonymous text."""
    text = (text or "").strip()
    if is_inspiring and not text:
        raise ValidationError({"inspiring_text": "Écrivez le texte publié (sans nom ni coordonnées)."})
    problems = inspiring_text_problems(need, text)
    if problems:
        raise ValidationError({"inspiring_text": problems})
    if is_inspiring and need.status not in PUBLISHABLE:
        raise ValidationError({"is_inspiring": "Seul un besoin validé, envoyé ou clos peut être publié."})
    need.is_inspiring, need.inspiring_text = is_inspiring, text
    need.save(update_fields=["is_inspiring", "inspiring_text", "updated_at"])
    return need


def purchasing_ess_benefit() -> EssBenefit:
    """What the responsible-purchasing platform opens to an ESS company (lib.ess_benefits),
    shown on the result of « Mon entreprise fait-elle partie de l'ESS ? »."""
    return EssBenefit(
        title="La plateforme d'achat responsable",
        text="Acheteurs publics et privés y déposent leurs besoins ; les structures de l'ESS inscrites à l'annuaire "
        "qui y correspondent les reçoivent et peuvent y répondre.",
        label="Voir les besoins des acheteurs",
        url=reverse("experimentations:needs-inspiring"),
    )


# --- Retention (RGPD) -------------------------------------------------------------------------

STRUCK_OUT = "[effacé]"
# The texts of a need where the buyer (or staff, in the log) may have written the contact's details.
NEED_TEXTS = (
    "buyer_name",
    "description",
    "clauses_detail",
    "how_to_answer",
    "refusal_reason",
    "changes_requested",
    "deal_comment",
    "inspiring_text",
)
ANONYMISE_BATCH = 200


def struck_out(text: str, needles: list[str]) -> str:
    """`text` with each of `needles` (whole words, any case) replaced by « [effacé] »."""
    for needle in needles:
        text = re.sub(rf"(?<!\w){re.escape(needle)}(?!\w)", STRUCK_OUT, text, flags=re.IGNORECASE)
    return text


def contact_identity(need: Need, *also: str) -> list[str]:
    """What names the contact in a text: their address, full name and each part of it, phone,
    their account's; longest first, so that « Marie Payet » goes whole before « Marie »."""
    name = need.contact_name.strip()
    needles = [need.contact_email, name, *re.split(r"[\s-]+", name), need.contact_phone.strip(), *also]
    if need.user_id:
        user = need.user
        needles += [user.email, user.get_full_name(), *re.split(r"[\s-]+", f"{user.first_name} {user.last_name}")]
    return sorted({needle for needle in needles if len(needle or "") >= 3}, key=len, reverse=True)


@transaction.atomic
def anonymise_need(*, need: Need, also: tuple[str, ...] = ()) -> int:
    """The need stays for the purchasing figures without its contact: name, address, phone and
    account blanked, struck out (with `also`) of its texts, of its log's comments and of the
    suppliers' messages to it; its private links ended. Returns how many rows were
    anonymised (the need and its log)."""
    need = Need.objects.select_for_update(of=("self",)).select_related("user").get(pk=need.pk)
    needles = contact_identity(need, *also)
    for name in NEED_TEXTS:
        setattr(need, name, struck_out(getattr(need, name), needles))
    need.contact_name = need.contact_email = need.contact_phone = ""
    need.user = None
    need.save(update_fields=[*NEED_TEXTS, "contact_name", "contact_email", "contact_phone", "user", "updated_at"])
    expire_tokens(purpose=NEED_LINK, object_id=need.pk)
    steps = list(need.transitions.all())
    for step in steps:
        comment = struck_out(step.comment, needles)
        if comment != step.comment:
            NeedTransition.objects.filter(pk=step.pk).update(comment=comment)
    # The suppliers' messages to the buyer may greet them by name.
    for match in need.matches.exclude(message=""):
        message = struck_out(match.message, needles)
        if message != match.message:
            SupplierMatch.objects.filter(pk=match.pk).update(message=message)
    return 1 + len(steps)


def anonymise_supplier_answer(*, match: SupplierMatch) -> None:
    """A supplier's answer keeps its funnel (emailed, opened, answered) without the address,
    the message and the link."""
    from experimentations.batches import SUPPLIER_LINK  # batches imports this module

    SupplierMatch.objects.filter(pk=match.pk).update(email="", message="", token_hash="")
    expire_tokens(purpose=SUPPLIER_LINK, object_id=match.pk)


def anonymise_expired_needs(*, now=None) -> int:
    """RGPD (beat, daily): the needs whose answer deadline is NEED_ANONYMISE_MONTHS past lose
    their contact, and the suppliers' answers to them their address and message. Idempotent
    (an anonymised need has no contact address left); returns how many needs."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=round(settings.NEED_ANONYMISE_MONTHS * 30.44))
    count = 0
    for need in Need.objects.filter(answer_deadline__lt=cutoff).exclude(contact_email="")[:ANONYMISE_BATCH]:
        with transaction.atomic():
            anonymise_need(need=need)
            for match in need.matches.exclude(email="", message=""):
                anonymise_supplier_answer(match=match)
            count += 1
    return count
