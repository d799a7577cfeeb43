"""Operations on intake requests: submit, move through the workflow, talk with the holder.

Every change is one transaction; every email goes through the outbox in it.
"""

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accueil.models import (
    Attachment,
    IntakeRequest,
    InternalNote,
    Message,
    Orientation,
    OrientationTransition,
    ParticipantProfile,
    RequestAssignment,
    RequestErasure,
    RequestReferenceTransition,
    RequestTransition,
)
from annuaire.selectors import structure_recipients
from comptes.roles import ACCUEIL
from lib.dates import french_date
from lib.personal_data import fse_hold_until
from lib.uploads import KINDS
from lib.workflow import Transition, Workflow, WorkflowError
from messagerie.links import LinkUnavailable, expire_tokens, issue_token, private_link, resolve_token
from messagerie.services import queue_email

S = IntakeRequest.Status
OPEN_STATES = [S.NEW, S.QUALIFYING, S.WAITING, S.ORIENTED, S.FOLLOW_UP]
CLOSED_STATES = [S.CLOSED, S.DUPLICATE, S.WITHDRAWN]

REQUEST_WORKFLOW = Workflow(
    field="status",
    transitions=[
        Transition(S.NEW, S.QUALIFYING, "Prendre en charge (qualification)"),
        Transition(S.NEW, S.DUPLICATE, "Marquer comme doublon"),
        Transition(S.QUALIFYING, S.WAITING, "Demander des informations au porteur"),
        Transition(S.WAITING, S.QUALIFYING, "Reprendre la qualification"),
        Transition(S.QUALIFYING, S.ORIENTED, "Marquer comme orientée"),
        Transition(S.QUALIFYING, S.DUPLICATE, "Marquer comme doublon"),
        Transition(S.QUALIFYING, S.CLOSED, "Clôturer"),
        Transition(S.WAITING, S.CLOSED, "Clôturer"),
        Transition(S.ORIENTED, S.FOLLOW_UP, "Passer en suivi"),
        Transition(S.ORIENTED, S.CLOSED, "Clôturer"),
        Transition(S.FOLLOW_UP, S.CLOSED, "Clôturer"),
        *(Transition(state, S.WITHDRAWN, "Retirée par le porteur") for state in OPEN_STATES),
    ],
)
# Withdrawal is the holder's own act, from the tracking page.
STAFF_TARGETS = {S.QUALIFYING, S.WAITING, S.ORIENTED, S.FOLLOW_UP, S.CLOSED, S.DUPLICATE}


@dataclass(frozen=True)
class HolderState:
    """What the holder is told of a state: where the request is (`now`), and what comes
    next with the usual delays (`next`). One text per state, read by the tracking page and
    by the « Votre demande avance » email."""

    now: str
    next: str


def holder_state(status: str) -> HolderState:
    days = settings.ORIENTATION_EXPIRY_DAYS
    texts = {
        S.NEW: (
            "Votre demande est bien reçue. Un·e chargé·e d'accueil va l'étudier.",
            "Un·e chargé·e d'accueil la prend en charge, en général sous une semaine.",
        ),
        S.QUALIFYING: (
            "Un·e chargé·e d'accueil étudie votre demande et peut vous contacter.",
            "Nous vous écrirons si une information manque ; sinon nous vous orienterons vers les structures "
            "qui peuvent vous accompagner, en général sous deux semaines.",
        ),
        S.WAITING: (
            "Nous avons besoin d'informations de votre part : lisez nos messages ci-dessous et répondez-y.",
            "Répondez à notre message sur votre page de suivi : nous reprenons l'étude de votre demande "
            "dès votre réponse.",
        ),
        S.ORIENTED: (
            "Votre demande a été transmise aux structures qui peuvent vous accompagner.",
            f"Chaque structure a {days} jours pour répondre ; elle peut vous poser des questions sur votre "
            "page de suivi, où vous lui répondez. Sans réponse, la CRESS vous oriente ailleurs.",
        ),
        S.FOLLOW_UP: (
            "Votre projet est accompagné ; la CRESS suit son avancement.",
            "La structure qui vous accompagne reste votre interlocutrice ; écrivez-nous sur votre page de "
            "suivi si besoin.",
        ),
        S.CLOSED: (
            "Votre demande est clôturée.",
            "Votre page de suivi reste consultable ; pour un nouveau projet, déposez une nouvelle demande.",
        ),
        S.DUPLICATE: (
            "Cette demande en double a été regroupée avec une autre de vos demandes.",
            "Nous poursuivons avec votre autre demande ; cette page reste consultable.",
        ),
        S.WITHDRAWN: ("Vous avez retiré cette demande.", ""),
    }
    return HolderState(*texts[S(status)])


class IntakeError(WorkflowError):
    """Refused for a reason the person can fix; the message is in French."""


# What a private token opens (messagerie.links): the holder's page of one request, and a
# structure's page of one orientation.
TRACKING_LINK = "accueil.suivi"
PARTNER_LINK = "accueil.partenaire"


def tracking_url(token: str) -> str:
    return settings.SITE_URL + reverse("accueil:suivi", args=[token])


def issue_tracking_token(*, intake_id: int, supersedes: bool = False) -> str:
    """A new tracking token for a request, valid TRACKING_LINK_DAYS; only its hash is kept."""
    expires_at = timezone.now() + timedelta(days=settings.TRACKING_LINK_DAYS)
    return issue_token(purpose=TRACKING_LINK, object_id=intake_id, expires_at=expires_at, supersedes=supersedes)


def build_tracking_link(*, intake: int, supersedes: bool = False) -> str:
    """Link builder (messagerie.links): minted when an email to the holder leaves."""
    if not IntakeRequest.objects.filter(pk=intake, anonymised_at__isnull=True).exists():
        raise LinkUnavailable("cette demande a été anonymisée ou effacée.")
    return tracking_url(issue_tracking_token(intake_id=intake, supersedes=supersedes))


def expire_partner_links(*, intake: IntakeRequest, at=None) -> None:
    """End the structures' private links to this request's orientations (at `at`, or now)."""
    for orientation_id in intake.orientations.values_list("pk", flat=True):
        expire_tokens(purpose=PARTNER_LINK, object_id=orientation_id, at=at)


def find_by_token(token: str) -> IntakeRequest | None:
    """The request this tracking token opens, or None (unknown, expired, replaced or anonymised)."""
    intake_id = resolve_token(purpose=TRACKING_LINK, token=token)
    if intake_id is None:
        return None
    return IntakeRequest.objects.filter(pk=intake_id, anonymised_at__isnull=True).first()


def likely_duplicates(intake: IntakeRequest, *, limit: int = 5) -> list[IntakeRequest]:
    """Other requests that may be the same project: same email, or (PostgreSQL) a similar
    title from the same commune within a year either side. Computed when staff look, so
    that a later duplicate shows on the first request too, and submission stays quick."""
    others = (
        IntakeRequest.objects.exclude(pk=intake.pk)
        .filter(anonymised_at__isnull=True)
        .only("reference", "title", "status", "created_at")
    )
    same_email = list(others.filter(email__iexact=intake.email).order_by("-created_at")[:limit])
    if connection.vendor != "postgresql" or len(same_email) >= limit:
        return same_email
    year = timedelta(days=365)
    similar = (
        others.filter(
            commune_id=intake.commune_id,
            created_at__range=(intake.created_at - year, intake.created_at + year),
        )
        .exclude(pk__in=[other.pk for other in same_email])
        .annotate(similarity=TrigramSimilarity("title", intake.title))
        .filter(similarity__gte=0.6)
        .order_by("-similarity", "-created_at")[: limit - len(same_email)]
    )
    return same_email + list(similar)


@transaction.atomic
def submit_request(
    *,
    values: dict,
    needs: list[str],
    documents: list,
    participant: dict | None,
    consent_text: str,
    guide_summary: str = "",
) -> IntakeRequest:
    """Save a request with its documents and participant data, and email its tracking link.

    `documents` are (upload, detected kind) pairs already checked by content. The tracking
    link is minted when the email leaves: it exists nowhere else.
    """
    now = timezone.now()
    intake = IntakeRequest(
        **values, needs=needs, consent_text=consent_text, consent_at=now, created_at=now, guide_summary=guide_summary
    )
    intake.last_activity_at = now
    intake.reference = f"tmp-{uuid.uuid4().hex[:16]}"
    # The forms have checked every value; constraints and uniqueness are the database's job.
    intake.full_clean(exclude=["reference"], validate_unique=False, validate_constraints=False)
    intake.save()
    intake.reference = f"ESS-{now:%Y}-{intake.pk:05d}"
    intake.save(update_fields=["reference"])
    for upload, kind in documents:
        add_attachment(intake=intake, upload=upload, kind=kind, by_holder=True)
    if participant and any(value not in ("", None) for value in participant.values()):
        ParticipantProfile.objects.create(request=intake, **participant)
    queue_email(
        to=intake.email,
        template="accueil/confirmation",
        context={
            "intake": _email_view(intake),
            "url": private_link(TRACKING_LINK, intake=intake.pk),
            "days": settings.TRACKING_LINK_DAYS,
        },
    )
    return intake


def accueil_staff():
    """The staff members a request may be assigned to: active members of the Accueil role,
    and superusers (who may take any request)."""
    in_accueil = get_user_model().objects.filter(groups__name=ACCUEIL).values("pk")
    return (
        get_user_model()
        .objects.filter(Q(pk__in=in_accueil) | Q(is_superuser=True), is_active=True, is_staff=True)
        .order_by("first_name", "last_name", "email")
    )


@transaction.atomic
def assign_request(*, intake: IntakeRequest, to, by) -> RequestAssignment | None:
    """Put `to` (an accueil staff member) in charge of a request, and record who did it.

    Returns None when `to` already had it: nothing changes, nothing is recorded."""
    if not accueil_staff().filter(pk=to.pk).exists():
        raise IntakeError("Une demande ne s'attribue qu'à un·e membre actif de l'équipe d'accueil.")
    locked = IntakeRequest.objects.select_for_update().get(pk=intake.pk)
    if locked.assigned_to_id == to.pk:
        intake.assigned_to = to
        return None
    intake.assigned_to = to
    IntakeRequest.objects.filter(pk=intake.pk).update(assigned_to=to, last_activity_at=timezone.now())
    return RequestAssignment.objects.create(request=intake, assigned_to=to, by=by)


def _email_view(intake: IntakeRequest) -> dict:
    return {"reference": intake.reference, "first_name": intake.first_name, "title": intake.title}


def add_attachment(
    *, intake: IntakeRequest, upload, kind: str, by_holder: bool, added_later: bool = False
) -> Attachment:
    extension, content_type = KINDS[kind]
    attachment = Attachment(
        request=intake,
        token=secrets.token_hex(16),
        extension=extension,
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        added_by_holder=by_holder,
        added_later=added_later,
    )
    attachment.file.save(f"{attachment.token}{extension}", upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def renew_tracking_links(*, email: str) -> int:
    """Send a fresh tracking link for each open request of this address. Returns how many.

    The page that calls this says the same thing whatever the result, so that it does
    not reveal who has filed a request. Anyone may ask for this, so the older links keep
    working until the new one is opened (it supersedes them then).
    """
    count = 0
    for intake in IntakeRequest.objects.filter(email__iexact=email, status__in=OPEN_STATES, anonymised_at=None):
        queue_email(
            to=intake.email,
            template="accueil/nouveau_lien",
            context={
                "intake": _email_view(intake),
                "url": private_link(TRACKING_LINK, intake=intake.pk, supersedes=True),
                "days": settings.TRACKING_LINK_DAYS,
            },
        )
        count += 1
    return count


@transaction.atomic
def transition_request(
    *, intake: IntakeRequest, target: str, by=None, comment: str = "", outcome: str = ""
) -> RequestTransition:
    """Move a request through its workflow, log it, and tell the holder."""
    changes = {"last_activity_at": timezone.now()}
    if target == S.CLOSED:
        if outcome not in IntakeRequest.Outcome.values:
            raise IntakeError("Choisissez l'issue de la demande pour la clôturer.")
        changes |= {"outcome": outcome, "closed_at": timezone.now()}
    elif outcome:
        raise IntakeError("Une issue ne se choisit qu'à la clôture.")
    if target in {S.WITHDRAWN, S.DUPLICATE}:
        changes["closed_at"] = timezone.now()
    log = REQUEST_WORKFLOW.apply(intake, target, log_model=RequestTransition, by=by, comment=comment, changes=changes)
    if target == S.QUALIFYING and log.from_state == S.NEW and by is not None and by.is_staff:
        # « Prendre en charge »: whoever takes the request is now in charge of it.
        assign_request(intake=intake, to=by, by=by)
    if target in CLOSED_STATES:
        grace = timezone.now() + timedelta(days=settings.ORIENTATION_LINK_GRACE_DAYS)
        expire_partner_links(intake=intake, at=grace)
    if target != S.WITHDRAWN:
        queue_email(
            to=intake.email,
            template="accueil/changement_etat",
            context={
                "intake": _email_view(intake),
                "state": S(target).label,
                "status": holder_state(target).now,
                "next": holder_state(target).next,
                "url": private_link(TRACKING_LINK, intake=intake.pk),
            },
        )
    return log


# --- The conversation of a request (see Message) --------------------------------------------

Audience = Message.Audience
Author = Message.Author
# The states in which a structure's thread is open: it has the request and has not refused it.
OPEN_THREAD_STATES = {Orientation.Status.SENT, Orientation.Status.ACCEPTED}


def staff_in_charge_email(intake: IntakeRequest) -> str:
    """Where the staff's mail about a request goes: the staff member it is assigned to,
    else the CRESS contact address that the accueil team reads."""
    return intake.assigned_to.email if intake.assigned_to_id and intake.assigned_to.email else settings.CONTACT_EMAIL


def admin_request_url(intake: IntakeRequest) -> str:
    """The staff's page of a request: a plain address, staff log in to open it."""
    return settings.SITE_URL + reverse("admin:accueil_intakerequest_change", args=[intake.pk])


def post_message(
    *, intake: IntakeRequest, author_kind: str, body: str, audience: str, orientation=None, by=None
) -> Message:
    """Add a message to a request's conversation and email each of its readers but its author.

    The holder is emailed a private link to the tracking page, a structure a private link to
    its orientation page, the staff in charge the admin page of the request; each email names
    the author and carries the message.
    """
    body = body.strip()
    if not body:
        raise IntakeError("Le message est vide.")
    if orientation is not None and orientation.request_id != intake.pk:
        raise IntakeError("Cette structure n'est pas orientée sur cette demande.")
    if (audience == Audience.HOLDER) != (orientation is None):
        raise IntakeError("Choisissez à qui s'adresse ce message.")
    author_name = ""
    if author_kind == Author.PARTNER:
        author_name = orientation.organisation.name
    elif author_kind == Author.STAFF and by is not None:
        author_name = by.get_full_name() or by.email
    message = Message(
        request=intake,
        orientation=orientation,
        audience=audience,
        author_kind=author_kind,
        author=by,
        author_name=author_name,
        body=body,
    )
    message.full_clean(exclude=["request", "orientation", "author"])
    message.save()
    IntakeRequest.objects.filter(pk=intake.pk).update(last_activity_at=timezone.now())
    _email_readers(message)
    return message


def _email_readers(message: Message) -> None:
    intake = message.request
    common = {
        "reference": intake.reference,
        "title": intake.title,
        "author": message.author_label,
        "author_kind": message.author_kind,
        "readers": message.readers_label,
        "body": message.body,
    }
    holder_reads = message.audience in {Audience.HOLDER, Audience.PARTNER_HOLDER}
    if holder_reads and message.author_kind != Author.HOLDER:
        queue_email(
            to=intake.email,
            template="accueil/message_porteur",
            context={
                **common,
                "readers": message.readers_for("porteur"),
                "first_name": intake.first_name,
                "url": private_link(TRACKING_LINK, intake=intake.pk),
            },
        )
    unreachable = ""
    if message.orientation_id and message.author_kind != Author.PARTNER:
        organisation = message.orientation.organisation
        recipients = structure_recipients(organisation)
        if not recipients:
            unreachable = organisation.name  # the staff are told below
        for recipient in recipients:
            queue_email(
                to=recipient,
                template="accueil/message_structure",
                context={
                    **common,
                    "readers": message.readers_for("structure"),
                    "organisation": organisation.name,
                    "url": private_link(PARTNER_LINK, orientation=message.orientation_id),
                },
            )
    if message.author_kind != Author.STAFF:
        queue_email(
            to=staff_in_charge_email(intake),
            template="accueil/message_equipe",
            context={**common, "unreachable": unreachable, "url": admin_request_url(intake)},
        )


def _open_thread(intake: IntakeRequest, orientation_id) -> "Orientation":
    """A structure's thread of this request that can still take messages."""
    orientation = Orientation.objects.select_related("organisation").filter(pk=orientation_id, request=intake).first()
    if orientation is None or orientation.status not in OPEN_THREAD_STATES:
        raise IntakeError("Cette structure ne suit plus votre demande : écrivez à l'équipe de la CRESS.")
    return orientation


@transaction.atomic
def send_staff_message(*, intake: IntakeRequest, by, body: str, orientation_id: int | None = None) -> Message:
    """Staff write to the holder, or, given an orientation, to that structure only."""
    if orientation_id is None:
        return post_message(intake=intake, author_kind=Author.STAFF, body=body, audience=Audience.HOLDER, by=by)
    return post_message(
        intake=intake,
        author_kind=Author.STAFF,
        body=body,
        audience=Audience.PARTNER_STAFF,
        orientation=_open_thread(intake, orientation_id),
        by=by,
    )


@transaction.atomic
def add_holder_information(
    *, intake: IntakeRequest, body: str, documents: list, orientation_id: int | None = None
) -> Message | None:
    """The holder adds a message or documents from the tracking page: to the staff, or, given
    one of its orientations, in that structure's thread (the staff read it too)."""
    if intake.status not in OPEN_STATES:
        raise IntakeError("Cette demande est close : vous ne pouvez plus la compléter.")
    if not body.strip() and not documents:
        raise IntakeError("Écrivez un message ou joignez un document.")
    if Attachment.objects.filter(request=intake).count() + len(documents) > settings.INTAKE_MAX_FILES_TOTAL:
        raise IntakeError(f"Une demande compte au plus {settings.INTAKE_MAX_FILES_TOTAL} documents.")
    orientation = _open_thread(intake, orientation_id) if orientation_id else None
    message = None
    if body.strip():
        message = post_message(
            intake=intake,
            author_kind=Author.HOLDER,
            body=body,
            audience=Audience.PARTNER_HOLDER if orientation else Audience.HOLDER,
            orientation=orientation,
        )
    added = [
        add_attachment(intake=intake, upload=upload, kind=kind, by_holder=True, added_later=True)
        for upload, kind in documents
    ]
    IntakeRequest.objects.filter(pk=intake.pk).update(last_activity_at=timezone.now())
    if added and message is None:
        # Documents alone write no message (which would tell the staff): tell them here.
        queue_email(
            to=staff_in_charge_email(intake),
            template="accueil/documents_equipe",
            context={
                "reference": intake.reference,
                "title": intake.title,
                "names": [attachment.original_name for attachment in added],
                "url": admin_request_url(intake),
            },
        )
    return message


def holder_threads(intake: IntakeRequest) -> list[Orientation]:
    """The structures' threads the holder may write in (their orientation is open)."""
    return list(intake.orientations.filter(status__in=OPEN_THREAD_STATES).select_related("organisation").order_by("pk"))


@transaction.atomic
def withdraw_request(*, intake: IntakeRequest, reason: str = "") -> None:
    if intake.status not in OPEN_STATES:
        raise IntakeError("Cette demande est déjà close.")
    transition_request(intake=intake, target=S.WITHDRAWN, comment=reason or "Retrait par le porteur.")


def add_internal_note(*, intake: IntakeRequest, by, body: str) -> InternalNote:
    if not body.strip():
        raise IntakeError("La note est vide.")
    return InternalNote.objects.create(request=intake, author=by, body=body)


def _months_ago(months: int):
    return timezone.now() - timedelta(days=round(months * 30.44))


@transaction.atomic
def clear_request_exchanges(*, intake: IntakeRequest) -> dict[str, int]:
    """Delete a request's documents (their files leave the storage after commit, see
    lib/media.py), messages and internal notes, and blank the free text of its logs, of its
    suggestions' logs and of the partners' answers; the request itself is not touched.
    Part of `anonymise_request`; alone, it erases what surrounds a request kept for a legal
    duty (accueil/personal_data.py). Returns how many rows of each kind it changed."""
    documents = Attachment.objects.filter(request=intake).delete()[1].get(Attachment._meta.label, 0)
    messages = Message.objects.filter(request=intake).delete()[1].get(Message._meta.label, 0)
    notes = InternalNote.objects.filter(request=intake).delete()[1].get(InternalNote._meta.label, 0)
    texts = (
        RequestTransition.objects.filter(subject=intake)
        .exclude(comment="", public_note="")
        .update(comment="", public_note="")
    )
    texts += (
        Orientation.objects.filter(request=intake)
        .exclude(partner_message="", outcome_report="")
        .update(partner_message="", outcome_report="")
    )
    texts += OrientationTransition.objects.filter(subject__request=intake).exclude(comment="").update(comment="")
    texts += RequestReferenceTransition.objects.filter(subject__request=intake).exclude(comment="").update(comment="")
    return {"documents": documents, "messages": messages, "notes": notes, "texts": texts}


@transaction.atomic
def anonymise_request(*, intake: IntakeRequest) -> int:
    """Remove from a request what identifies the holder, and keep what the figures count.

    The one anonymisation of the portal, used by the retention job and by erasure.
    Deleted: documents (their files leave the storage after commit, see lib/media.py),
    messages, internal notes, and the free text of the request's and its orientations'
    logs and of the partners' answers. Blanked: names, email, phone, SIRET, title,
    description. Kept: dates, states and outcome, communes, stage, sector, activity, legal form,
    needs, which structures it was oriented to and their answers, and the FSE participant
    answers (sex, age band, situation, education, disadvantage): once the request is
    anonymised they identify no one, and the funder's report counts them.
    Returns how many documents were deleted."""
    documents = clear_request_exchanges(intake=intake)["documents"]
    intake.first_name, intake.last_name, intake.phone, intake.siret = "Anonyme", "", "", ""
    intake.email = f"anonyme-{intake.pk}@anonyme.invalid"
    intake.title, intake.description = f"Demande anonymisée {intake.reference}", ""
    expire_tokens(purpose=TRACKING_LINK, object_id=intake.pk)
    expire_partner_links(intake=intake)
    intake.anonymised_at = timezone.now()
    intake.save()
    return documents


def is_fse_record(intake: IntakeRequest) -> bool:
    """A request with FSE participant answers documents an operation co-financed by the FSE."""
    return ParticipantProfile.objects.filter(request=intake).exists()


def fse_hold_is_over() -> bool:
    """Whether FSE records may now lose their identity (lib.personal_data.fse_hold_until)."""
    return timezone.localdate() > fse_hold_until()


def apply_retention() -> dict:
    """RGPD: delete documents of requests closed for INTAKE_ATTACHMENTS_MONTHS, and anonymise
    requests closed for INTAKE_ANONYMISE_MONTHS (`anonymise_request`). A request with FSE
    participant answers is a record of an FSE operation: it keeps its identity until the FSE
    hold ends (FSE_RETENTION_YEARS from the year of FSE_LAST_PAYMENT_DATE), then goes the same
    way; its answers stay for the funder's statistics. Returns what was done."""
    closed = IntakeRequest.objects.filter(status__in=CLOSED_STATES, closed_at__isnull=False)
    attachments = Attachment.objects.filter(
        request__in=closed.filter(closed_at__lt=_months_ago(settings.INTAKE_ATTACHMENTS_MONTHS))
    )
    # The files leave the storage once the deletion is committed (lib/media.py).
    deleted_files = attachments.delete()[1].get(Attachment._meta.label, 0)
    anonymised = 0
    expired = closed.filter(anonymised_at__isnull=True, closed_at__lt=_months_ago(settings.INTAKE_ANONYMISE_MONTHS))
    if not fse_hold_is_over():
        expired = expired.filter(participant__isnull=True)
    for intake in expired:
        deleted_files += anonymise_request(intake=intake)
        anonymised += 1
    return {"documents_supprimes": deleted_files, "demandes_anonymisees": anonymised}


@transaction.atomic
def erase_request(*, intake: IntakeRequest, by, reason: str) -> RequestErasure:
    """Erase a request at the holder's demand (right to erasure, RGPD). Superusers only.

    The request is anonymised as the retention job does it (`anonymise_request`: its
    documents leave the storage after commit, messages and notes are deleted, the identity
    is blanked), and an open request is marked withdrawn so that it leaves the staff's
    queue. The row stays, so that the dashboard and the FSE report count it as before;
    a `RequestErasure` row records who erased it, when and why (no personal data).
    A request with FSE participant answers keeps its identity and answers while the FSE hold
    runs (a legal duty, regulation (EU) 2021/1060 art. 82): only what surrounds it goes
    (documents, messages, notes, comments); the retention job anonymises it when the hold ends.
    """
    if not getattr(by, "is_superuser", False):
        raise IntakeError("Seul un superutilisateur peut effacer une demande.")
    reason = reason.strip()
    if not reason:
        raise IntakeError("Indiquez le motif de l'effacement, sans donnée personnelle.")
    intake = IntakeRequest.objects.select_for_update().get(pk=intake.pk)
    if intake.anonymised_at is not None:
        raise IntakeError(
            f"Cette demande est déjà anonymisée (le {french_date(intake.anonymised_at)}) : "
            "elle ne contient plus de donnée personnelle."
        )
    if is_fse_record(intake) and not fse_hold_is_over():
        documents = clear_request_exchanges(intake=intake)["documents"]
        expire_tokens(purpose=TRACKING_LINK, object_id=intake.pk)
        expire_partner_links(intake=intake)
    else:
        documents = anonymise_request(intake=intake)
    if intake.status in OPEN_STATES:
        transition_request(
            intake=intake, target=S.WITHDRAWN, by=by, comment="Données effacées à la demande de la personne (RGPD)."
        )
    erasure = RequestErasure(
        request=intake, reference=intake.reference, erased_by=by, reason=reason, documents_deleted=documents
    )
    erasure.full_clean()
    erasure.save()
    return erasure


def remind_staff_of_stale_requests() -> int:
    """Daily: each staff member gets the list of their open requests with no action for
    STALE_REQUEST_DAYS; unassigned ones go to the CRESS contact address. Once a day at most."""
    cutoff = timezone.now() - timedelta(days=settings.STALE_REQUEST_DAYS)
    stale = (
        IntakeRequest.objects.filter(status__in=OPEN_STATES, last_activity_at__lt=cutoff)
        .select_related("assigned_to")
        .order_by("last_activity_at")
    )
    by_recipient: dict[str, list] = {}
    for intake in stale:
        recipient = staff_in_charge_email(intake)
        by_recipient.setdefault(recipient, []).append(
            {
                "reference": intake.reference,
                "title": intake.title,
                "days": (timezone.now() - intake.last_activity_at).days,
                "url": admin_request_url(intake),
            }
        )
    today = timezone.localdate().isoformat()
    for recipient, items in by_recipient.items():
        queue_email(
            to=recipient,
            template="accueil/relance_equipe",
            context={"items": items, "days": settings.STALE_REQUEST_DAYS},
            dedup_key=f"relance-equipe:{recipient}:{today}",
        )
    return len(by_recipient)
