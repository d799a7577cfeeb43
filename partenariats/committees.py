"""Steering and follow-up committees of a convention: their minutes, their decisions, and the
minutes' PDF sent to the participants.

- `save_minutes` keeps the minutes as sanitised rich text (lib.richtext).
- `record_decision` writes a decision and, in the same transaction, the commitment it creates
  on the committee's own convention, or the change it makes to one of that convention's
  commitments (a new due date, a change of state through the declared workflow).
- `send_minutes` checks that there is something to send and someone to send it to, then has
  a worker (`partenariats.tasks_committees`) run `deliver_minutes`: build the PDF, keep it,
  and email each participant with an address a private link to it. The PDF is not attached:
  the outbox keeps small text files only (messagerie.services.Attachment), so the email
  carries a link minted when it leaves, and the page behind it serves the file.
- Each email is queued under a key made of the committee, the participant, the address and
  the version of the minutes (the digest of what the PDF shows): the task run again sends
  nothing more; a corrected version goes again to everyone.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from lib.dates import french_date, french_datetime
from lib.pdf import html_to_pdf
from lib.richtext import clean_html, plain_text
from lib.workflow import WorkflowError
from messagerie.links import LinkUnavailable, issue_token, private_link, resolve_token
from messagerie.models import OutgoingEmail
from messagerie.services import queue_email
from partenariats.models import Commitment, Committee, CommitteeParticipant, Decision, Partner
from partenariats.services import move_commitment
from partenariats.workflows import COMMITMENT_WORKFLOW

logger = logging.getLogger(__name__)

MINUTES_LINK = "partenariats.compte_rendu"
MINUTES_EMAIL = "partenariats/compte_rendu"
CRESS_NAME = "CRESS La Réunion"


class DecisionRefused(WorkflowError):
    """A decision that cannot be recorded as asked; the message says why, in French."""


class MinutesRefused(WorkflowError):
    """Minutes that cannot be sent; the message says why, in French."""


# --- Minutes ---------------------------------------------------------------------------------


def save_minutes(*, committee: Committee, html: str, by=None) -> str:
    """Keep the minutes of `committee` as sanitised rich text (no script, no handler, no
    foreign URL scheme). Returns what was stored."""
    cleaned = clean_html(html or "").strip()
    # An editor left empty sends « <div><br></div> »: no words, no minutes.
    if not plain_text(cleaned):
        cleaned = ""
    committee.minutes = cleaned
    committee.save(update_fields=["minutes", "updated_at"])
    logger.info("Compte rendu du comité %s enregistré par %s.", committee.pk, getattr(by, "pk", None))
    return cleaned


# --- Decisions -------------------------------------------------------------------------------


def _committee_day(committee: Committee) -> date:
    return timezone.localdate(committee.held_at)


def _check_due_date(committee: Committee, due_date) -> None:
    if not isinstance(due_date, date):
        raise DecisionRefused("Indiquez l'échéance de l'engagement (une date).")
    if due_date < _committee_day(committee):
        raise DecisionRefused(
            f"L'échéance ({french_date(due_date)}) ne peut pas précéder la date du comité "
            f"({french_date(committee.held_at)})."
        )


def _check_owner(owner) -> None:
    if owner is not None and not (owner.is_staff and owner.is_active):
        raise DecisionRefused("Le suivi d'un engagement est confié à un membre de l'équipe de la CRESS.")


def _create_commitment(committee: Committee, fields: dict) -> Commitment:
    convention = committee.convention
    unknown = set(fields) - {"title", "party", "due_date", "owner", "description"}
    if unknown:
        raise DecisionRefused(f"Champs inconnus pour un nouvel engagement : {', '.join(sorted(unknown))}.")
    title = (fields.get("title") or "").strip()
    if not title:
        raise DecisionRefused("Indiquez l'intitulé de l'engagement que la décision crée.")
    party = fields.get("party")
    if party is not None and not convention.parties.filter(pk=party.pk).exists():
        raise DecisionRefused(
            f"« {party} » n'est pas partie à la convention {convention.reference} : choisissez l'une de ses "
            "parties, ou la CRESS."
        )
    _check_due_date(committee, fields.get("due_date"))
    owner = fields.get("owner")
    _check_owner(owner)
    commitment = Commitment(
        convention=convention,
        party=party,
        title=title,
        description=(fields.get("description") or "").strip(),
        due_date=fields["due_date"],
        owner=owner,
    )
    try:
        commitment.full_clean()
    except ValidationError as error:
        raise DecisionRefused(" ".join(error.messages)) from error
    commitment.save()
    return commitment


def _change_commitment(committee: Committee, decision_text: str, commitment: Commitment, changes: dict, by) -> None:
    unknown = set(changes) - {"due_date", "status"}
    if unknown:
        raise DecisionRefused(f"Changements inconnus : {', '.join(sorted(unknown))}.")
    due_date, target = changes.get("due_date"), changes.get("status") or ""
    if due_date is None and not target:
        raise DecisionRefused(
            "Indiquez ce que la décision change à l'engagement : une nouvelle échéance, un nouvel état, ou les deux."
        )
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if target:
        if target not in Commitment.Status.values:
            raise DecisionRefused("Cet état d'engagement n'existe pas.")
        if not COMMITMENT_WORKFLOW.can(locked, target):
            allowed = ", ".join(f"« {Commitment.Status(t.target).label} »" for t in COMMITMENT_WORKFLOW.allowed(locked))
            raise DecisionRefused(
                f"Changement d'état refusé : l'engagement « {locked.title} » est « {locked.get_status_display()} », "
                f"il ne peut pas passer à « {Commitment.Status(target).label} »"
                + (f" (possible : {allowed})." if allowed else " (il est clos).")
                + " Rien n'a été enregistré."
            )
    if due_date is not None:
        _check_due_date(committee, due_date)
        locked.due_date = due_date
        locked.save(update_fields=["due_date", "updated_at"])
        commitment.due_date = due_date
    if target:
        move_commitment(locked, target, by=by, comment=f"Décision du {committee} : {decision_text}")
        commitment.status = locked.status


@transaction.atomic
def record_decision(
    *,
    committee: Committee,
    text: str,
    effect: str,
    by=None,
    commitment: Commitment | None = None,
    new_commitment: dict | None = None,
    changes: dict | None = None,
) -> Decision:
    """Record a decision of `committee`, with its effect on the convention's commitments.

    - « crée » (Decision.Effect.CREATES): `new_commitment` = {title, party (a party of the
      convention, None for the CRESS), due_date, owner (staff, optional), description}; the
      commitment is created on the committee's convention and linked.
    - « modifie » (CHANGES): `commitment` of the same convention, `changes` = {due_date,
      status}; a change of state goes through the declared workflow (one log row).
    - « note » (NOTE): a decision without commitment.

    Raises DecisionRefused (French message) and writes nothing when refused.
    """
    text = (text or "").strip()
    if not text:
        raise DecisionRefused("Écrivez la décision prise par le comité.")
    if effect not in Decision.Effect.values:
        raise DecisionRefused("Choisissez l'effet de la décision : elle crée un engagement, en modifie un, ou aucun.")
    committee = Committee.objects.select_related("convention").get(pk=committee.pk)
    linked = None
    if effect == Decision.Effect.CREATES:
        if commitment is not None or changes:
            raise DecisionRefused("Une décision qui crée un engagement ne modifie pas un engagement existant.")
        if not new_commitment:
            raise DecisionRefused("Décrivez l'engagement que la décision crée.")
        linked = _create_commitment(committee, new_commitment)
    elif effect == Decision.Effect.CHANGES:
        if new_commitment:
            raise DecisionRefused("Une décision qui modifie un engagement n'en crée pas de nouveau.")
        if commitment is None:
            raise DecisionRefused("Choisissez l'engagement que la décision modifie.")
        if commitment.convention_id != committee.convention_id:
            raise DecisionRefused(
                f"L'engagement « {commitment.title} » relève d'une autre convention : un comité ne modifie que les "
                f"engagements de sa convention ({committee.convention.reference})."
            )
        _change_commitment(committee, text, commitment, changes or {}, by)
        linked = commitment
    elif commitment is not None or new_commitment or changes:
        raise DecisionRefused("Une décision sans engagement n'en crée ni n'en modifie aucun.")
    last = committee.decisions.order_by("-order").values_list("order", flat=True).first() or 0
    decision = Decision(committee=committee, text=text, effect=effect, commitment=linked, order=last + 1)
    try:
        decision.full_clean()
    except ValidationError as error:
        raise DecisionRefused(" ".join(error.messages)) from error
    decision.save()
    return decision


# --- The minutes' PDF ------------------------------------------------------------------------


@dataclass
class MinutesContent:
    committee: Committee
    html: str
    version: str


def _committee_for_minutes(committee_id: int) -> Committee:
    return (
        Committee.objects.select_related("convention")
        .prefetch_related(
            Prefetch("convention__parties", queryset=Partner.objects.select_related("organisation")),
            Prefetch("participants", queryset=CommitteeParticipant.objects.select_related("partner__organisation")),
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("commitment__party__organisation").order_by("order", "pk"),
            ),
        )
        .get(pk=committee_id)
    )


def minutes_html(committee: Committee) -> str:
    """The HTML the PDF is made of. Nothing in it depends on the moment it is built, so
    that its digest changes only when what it shows does."""
    participants = list(committee.participants.all())
    return render_to_string(
        "partenariats/pdf/compte_rendu.html",
        {
            "committee": committee,
            "convention": committee.convention,
            "parties": [str(party) for party in committee.convention.parties.all()],
            "held_at": french_datetime(committee.held_at),
            "present": [p for p in participants if p.attended],
            "absent": [p for p in participants if not p.attended],
            "agenda": committee.agenda_items,
            # Sanitised on save; cleaned again here for rows written another way (shell, import).
            "minutes": mark_safe(clean_html(committee.minutes)),  # noqa: S308 — nh3-sanitised just above
            "decisions": list(committee.decisions.all()),
            "cress_name": CRESS_NAME,
        },
    )


def minutes_content(committee_id: int) -> MinutesContent:
    committee = _committee_for_minutes(committee_id)
    html = minutes_html(committee)
    return MinutesContent(committee=committee, html=html, version=hashlib.sha256(html.encode()).hexdigest()[:32])


def minutes_pdf(content: MinutesContent) -> bytes:
    pdf, _pages = html_to_pdf(content.html, css=render_to_string("partenariats/pdf/compte_rendu.css"))
    return pdf


def minutes_filename(committee: Committee) -> str:
    day = timezone.localdate(committee.held_at).isoformat()
    return f"compte-rendu-{committee.convention.reference.lower()}-{day}.pdf"


def recipients(committee: Committee) -> list[CommitteeParticipant]:
    return [participant for participant in committee.participants.all() if participant.email]


def check_minutes_can_be_sent(committee: Committee) -> list[CommitteeParticipant]:
    """The participants the minutes go to; MinutesRefused (French) when they cannot go."""
    if committee.held_at > timezone.now():
        raise MinutesRefused(
            f"Le comité n'a pas encore eu lieu (il est prévu le {french_datetime(committee.held_at)}) : le compte "
            "rendu s'envoie après la réunion."
        )
    if not plain_text(committee.minutes):
        raise MinutesRefused("Rédigez et enregistrez d'abord le compte rendu : il est vide.")
    people = recipients(committee)
    if not people:
        raise MinutesRefused(
            "Aucun participant n'a d'adresse électronique : ajoutez l'adresse d'au moins une personne présente "
            "ou invitée, puis envoyez de nouveau."
        )
    return people


def send_minutes(*, committee: Committee, by=None) -> int:
    """Have a worker build the minutes' PDF and email it to each participant with an address
    who has not received this version yet (`deliver_minutes`). Returns how many people it
    goes to; MinutesRefused (French) when there is nothing to send or nobody to send it to."""
    content = minutes_content(committee.pk)
    people = check_minutes_can_be_sent(content.committee)
    keys = {_dedup_key(content.committee, participant, content.version): participant for participant in people}
    already = set(OutgoingEmail.objects.filter(dedup_key__in=keys).values_list("dedup_key", flat=True))
    waiting = [participant for key, participant in keys.items() if key not in already]
    if not waiting:
        sent_at = content.committee.minutes_sent_at
        raise MinutesRefused(
            "Chaque participant a déjà reçu ce compte rendu dans cette version"
            + (f" (envoyé le {french_datetime(sent_at)})" if sent_at else "")
            + " : corrigez-le, ou ajoutez l'adresse d'un participant, pour l'envoyer de nouveau."
        )
    committee_id = committee.pk
    transaction.on_commit(lambda: _enqueue(committee_id))
    logger.info("Envoi du compte rendu du comité %s demandé par %s.", committee_id, getattr(by, "pk", None))
    return len(waiting)


def _enqueue(committee_id: int) -> None:
    from partenariats.tasks_committees import deliver_minutes_task

    try:
        deliver_minutes_task.delay(committee_id)
    except Exception:  # broker unreachable: staff press the button again (it sends nothing twice)
        logger.warning("Compte rendu %s non envoyé : file de tâches injoignable.", committee_id, exc_info=True)


def _dedup_key(committee: Committee, participant: CommitteeParticipant, version: str) -> str:
    digest = hashlib.sha256(f"{version}:{participant.email.strip().lower()}".encode()).hexdigest()[:32]
    return f"partenariats-compte-rendu-{committee.pk}-{participant.pk}-{digest}"


def _email_participant(committee: Committee, participant: CommitteeParticipant, *, dedup_key=None, **context):
    return queue_email(
        to=participant.email,
        template=MINUTES_EMAIL,
        context={
            "name": participant.name,
            "committee": str(committee),
            "convention": f"{committee.convention.reference} — {committee.convention.title}",
            "decisions": [decision.text for decision in committee.decisions.all()],
            "url": private_link(MINUTES_LINK, participant=participant.pk),
            "days": settings.PARTENARIATS_MINUTES_LINK_DAYS,
            **context,
        },
        dedup_key=dedup_key,
    )


def deliver_minutes(*, committee_id: int) -> int:
    """The worker's part: build the PDF of the minutes, keep it on the committee, and queue
    one email per participant with an address. Run again on the same minutes, it builds the
    same document and sends nothing more; after a correction, everyone gets the new version.
    Returns how many emails were queued."""
    content = minutes_content(committee_id)
    committee = content.committee
    try:
        people = check_minutes_can_be_sent(committee)
    except MinutesRefused as refusal:  # emptied or changed since the button was pressed
        logger.info("Compte rendu %s non envoyé : %s", committee_id, refusal)
        return 0
    pdf = minutes_pdf(content)
    with transaction.atomic():
        locked = Committee.objects.select_for_update().get(pk=committee_id)
        corrected = bool(locked.minutes_version) and locked.minutes_version != content.version
        old_name = locked.minutes_file.name
        locked.minutes_file.save(minutes_filename(committee), ContentFile(pdf), save=False)
        if old_name and old_name != locked.minutes_file.name:
            storage = locked.minutes_file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
        locked.minutes_version = content.version
        queued = 0
        for participant in people:
            email = _email_participant(
                committee,
                participant,
                corrected=corrected,
                dedup_key=_dedup_key(committee, participant, content.version),
            )
            queued += email is not None
        fields = ["minutes_file", "minutes_version"]
        if queued:
            locked.minutes_sent_at = timezone.now()
            fields.append("minutes_sent_at")
        locked.save(update_fields=fields)
    return queued


# --- The private link to the PDF --------------------------------------------------------------


def build_minutes_link(*, participant: int) -> str:
    """Link builder (messagerie.links): minted when the email leaves."""
    exists = (
        CommitteeParticipant.objects.filter(pk=participant)
        .exclude(email="")
        .exclude(committee__minutes_file="")
        .exists()
    )
    if not exists:
        raise LinkUnavailable("ce compte rendu ou ce participant n'existe plus.")
    expires_at = timezone.now() + timedelta(days=settings.PARTENARIATS_MINUTES_LINK_DAYS)
    token = issue_token(purpose=MINUTES_LINK, object_id=participant, expires_at=expires_at)
    return settings.SITE_URL + reverse("partenariats:compte-rendu", args=[token])


def participant_from_token(token: str) -> CommitteeParticipant | None:
    """The participant a live link was sent to, with a committee whose PDF exists, or None."""
    participant_id = resolve_token(purpose=MINUTES_LINK, token=token)
    if participant_id is None:
        return None
    return (
        CommitteeParticipant.objects.select_related("committee__convention")
        .filter(pk=participant_id)
        .exclude(committee__minutes_file="")
        .first()
    )


def renew_minutes_links(*, email: str) -> int:
    """A fresh link to each sent minutes whose committee counts this address among its
    participants. Returns how many. The page that asks says the same whatever the result."""
    email = (email or "").strip()
    if not email:
        return 0
    participants = (
        CommitteeParticipant.objects.select_related("committee__convention")
        .prefetch_related("committee__decisions")
        .filter(email__iexact=email, committee__minutes_sent_at__isnull=False)
        .exclude(committee__minutes_file="")
    )
    count = 0
    with transaction.atomic():
        for participant in participants:
            _email_participant(participant.committee, participant, renewed=True)
            count += 1
    return count
