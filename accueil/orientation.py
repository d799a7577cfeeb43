"""Orienting a request to support structures: recommendations with their reasons, sending,
and the partner's answers through a private link."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from accueil.models import (
    Attachment,
    DocumentDownload,
    IntakeRequest,
    Message,
    Need,
    Orientation,
    OrientationTransition,
)
from accueil.schedule import expiry_delay, last_daily_run, next_daily_run, reminder_delay
from accueil.services import (
    PARTNER_LINK,
    TRACKING_LINK,
    IntakeError,
    admin_request_url,
    post_message,
    staff_in_charge_email,
    transition_request,
)
from annuaire.models import Organisation
from annuaire.selectors import structure_recipients
from lib import intake_kinds
from lib.workflow import Transition, Workflow
from messagerie.links import LinkUnavailable, expire_tokens, issue_token, private_link, resolve_token
from messagerie.services import queue_email

OS = Orientation.Status
ORIENTATION_WORKFLOW = Workflow(
    field="status",
    transitions=[
        Transition(OS.PROPOSED, OS.SENT, "Envoyer à la structure"),
        Transition(OS.SENT, OS.ACCEPTED, "Acceptée par la structure"),
        Transition(OS.SENT, OS.REFUSED, "Refusée par la structure"),
        Transition(OS.SENT, OS.EXPIRED, "Expirée sans réponse"),
    ],
)

# Thematic categories of the directory that answer each need.
NEED_CATEGORIES = {
    Need.FUNDING: {"finance-solidaire"},
    Need.TRAINING: {"formation-et-emploi"},
    Need.EMPLOYMENT: {"formation-et-emploi", "insertion-par-lactivite-economique"},
}


@dataclass
class Recommendation:
    organisation: Organisation
    reasons: list[str] = field(default_factory=list)
    score: int = 0

    def add(self, points: int, reason: str):
        self.score += points
        self.reasons.append(reason)


def recommend(intake: IntakeRequest, *, limit: int = 10) -> list[Recommendation]:
    """Published support structures ranked by fit, each with the reasons of its rank."""
    commune = intake.activity_commune
    territories = {commune.pk, commune.parent_id, commune.parent.parent_id if commune.parent_id else None} - {None}
    candidates = (
        Organisation.objects.filter(is_published=True)
        .filter(Q(is_support_structure=True) | Q(is_funder=True))
        .exclude(pk__in=intake.orientations.values("organisation_id"))
        .select_related("commune", "epci", "legal_form")
        .prefetch_related("territories_covered", "categories")
    )
    wanted_categories = set().union(*(NEED_CATEGORIES.get(need, set()) for need in intake.needs))
    # The kinds of request other areas add (lib.intake_kinds) name the structures that orient them.
    wanted_categories |= intake_kinds.partner_categories(intake.needs)
    cooperative = intake.is_cooperative
    results = []
    for organisation in candidates:
        rec = Recommendation(organisation)
        covered = {t.pk: t for t in organisation.territories_covered.all()}
        place = next((covered[pk] for pk in territories if pk in covered), None)
        if place:
            rec.add(3, f"Intervient sur {place.name}.")
        elif organisation.commune_id == commune.pk:
            rec.add(2, f"Installée à {commune.name}.")
        elif organisation.epci_id and organisation.epci_id == commune.parent_id:
            rec.add(1, f"Installée dans l'intercommunalité du projet ({organisation.epci.short_name}).")
        if intake.stage in organisation.support_stages:
            rec.add(2, f"Accompagne les projets au stade « {intake.get_stage_display().lower()} ».")
        if Need.FUNDING in intake.needs and organisation.is_funder:
            rec.add(3, "Financeur : répond au besoin de financement.")
        matching = wanted_categories & {c.slug for c in organisation.categories.all()}
        if matching:
            names = ", ".join(sorted(c.name for c in organisation.categories.all() if c.slug in matching))
            rec.add(2, f"Thématique adaptée au besoin : {names}.")
        if cooperative and organisation.ess_family == "cooperative":
            rec.add(2, "Structure coopérative, pour un projet coopératif.")
        if intake.sector_id and organisation.sector_id == intake.sector_id:
            rec.add(1, f"Même secteur d'activité ({intake.sector.label}).")
        if organisation.is_support_structure and {Need.FULL, Need.ONE_OFF, Need.STATUS} & set(intake.needs):
            rec.add(1, "Accompagne les porteurs de projet.")
        if rec.score:
            results.append(rec)
    results.sort(key=lambda r: (-r.score, r.organisation.name))
    return results[:limit]


def partner_url(token: str) -> str:
    return settings.SITE_URL + reverse("accueil:partenaire", args=[token])


ORIENTATION_EMAIL = "accueil/orientation_partenaire"


def orientation_email_context(*, intake: IntakeRequest, organisation: Organisation, why: str, answer_by, url) -> dict:
    """What the email of an orientation tells the structure: also shown to the staff as a
    preview before they send it (the private link is made only when the email leaves)."""
    return {
        "organisation": organisation.name,
        "reference": intake.reference,
        "title": intake.title,
        "why": why,
        "days": settings.ORIENTATION_EXPIRY_DAYS,
        "answer_by": f"{timezone.localtime(answer_by):%d/%m/%Y}",
        "url": url,
    }


@transaction.atomic
def orient(
    *, intake: IntakeRequest, organisations: list[Organisation], by, why: dict | None = None
) -> list[Orientation]:
    """Create an orientation per structure, send each to its published address, and move the
    request to « orientée » if it was being qualified."""
    if not organisations:
        raise IntakeError("Choisissez au moins une structure.")
    created = []
    for organisation in organisations:
        recipients = structure_recipients(organisation)
        if not recipients:
            raise IntakeError(
                f"« {organisation.name} » n'a ni adresse électronique publiée ni membre ayant un compte : "
                "personne ne recevrait l'orientation. Complétez sa fiche."
            )
        orientation = Orientation.objects.create(
            request=intake,
            organisation=organisation,
            why=(why or {}).get(organisation.pk, ""),
            created_by=by,
        )
        ORIENTATION_WORKFLOW.apply(
            orientation, OS.SENT, log_model=OrientationTransition, by=by, changes={"sent_at": timezone.now()}
        )
        context = orientation_email_context(
            intake=intake,
            organisation=organisation,
            why=orientation.why,
            answer_by=answer_schedule(orientation, with_link=False).answer_by,
            url=private_link(PARTNER_LINK, orientation=orientation.pk),
        )
        # Each recipient's email mints its own link when it leaves.
        for recipient in recipients:
            queue_email(to=recipient, template=ORIENTATION_EMAIL, context=context)
        created.append(orientation)
    if intake.status == IntakeRequest.Status.QUALIFYING:
        transition_request(intake=intake, target=IntakeRequest.Status.ORIENTED, by=by)
    return created


CLOSED_ORIENTATION_STATES = {OS.REFUSED, OS.EXPIRED}


def partner_link_deadline(orientation: Orientation):
    """Until when a structure's private link may open this orientation: while it is open,
    for ORIENTATION_LINK_DAYS from its sending; once it or the request is closed, for
    ORIENTATION_LINK_GRACE_DAYS more (time to read the outcome), then never."""
    grace = timedelta(days=settings.ORIENTATION_LINK_GRACE_DAYS)
    ends = [(orientation.sent_at or timezone.now()) + timedelta(days=settings.ORIENTATION_LINK_DAYS)]
    if orientation.status in CLOSED_ORIENTATION_STATES:
        closed = orientation.transitions.order_by("-created_at").values_list("created_at", flat=True).first()
        ends.append((closed or timezone.now()) + grace)
    if orientation.request.closed_at:
        ends.append(orientation.request.closed_at + grace)
    return min(ends)


def build_partner_link(*, orientation: int) -> str:
    """Link builder (messagerie.links): a structure's private link, minted when its email leaves."""
    found = Orientation.objects.select_related("request").filter(pk=orientation).first()
    if found is None or found.request.anonymised_at is not None:
        raise LinkUnavailable("cette orientation n'existe plus.")
    expires_at = partner_link_deadline(found)
    if expires_at <= timezone.now():
        raise LinkUnavailable("cette orientation est close.")
    token = issue_token(purpose=PARTNER_LINK, object_id=found.pk, expires_at=expires_at)
    return partner_url(token)


def find_orientation(token: str) -> Orientation | None:
    orientation_id = resolve_token(purpose=PARTNER_LINK, token=token)
    if orientation_id is None:
        return None
    return (
        Orientation.objects.select_related("request__activity_commune", "organisation")
        .filter(pk=orientation_id, request__anonymised_at__isnull=True)
        .first()
    )


def _close_link(orientation: Orientation) -> None:
    """A refused or expired orientation: its private links end after the grace period."""
    grace = timezone.now() + timedelta(days=settings.ORIENTATION_LINK_GRACE_DAYS)
    expire_tokens(purpose=PARTNER_LINK, object_id=orientation.pk, at=grace)


def _notify(orientation: Orientation, what: str):
    intake = orientation.request
    context = {"organisation": orientation.organisation.name, "reference": intake.reference, "what": what}
    queue_email(
        to=staff_in_charge_email(intake),
        template="accueil/orientation_reponse_equipe",
        context={**context, "url": admin_request_url(intake)},
    )
    queue_email(
        to=intake.email,
        template="accueil/orientation_reponse_porteur",
        context={
            **context,
            "first_name": intake.first_name,
            "title": intake.title,
            # A refusal's message is for the staff; an acceptance's is for the holder.
            "message": orientation.partner_message if orientation.status == OS.ACCEPTED else "",
            "url": private_link(TRACKING_LINK, intake=intake.pk),
        },
    )


@transaction.atomic
def answer_orientation(*, orientation: Orientation, accept: bool, reason: str = "", message: str = "") -> None:
    if accept:
        ORIENTATION_WORKFLOW.apply(
            orientation,
            OS.ACCEPTED,
            log_model=OrientationTransition,
            comment=message,
            changes={"answered_at": timezone.now(), "partner_message": message},
        )
        _notify(orientation, "a accepté de vous accompagner")
    else:
        if reason not in Orientation.RefusalReason.values:
            raise IntakeError("Choisissez le motif du refus.")
        ORIENTATION_WORKFLOW.apply(
            orientation,
            OS.REFUSED,
            log_model=OrientationTransition,
            comment=message,
            changes={"answered_at": timezone.now(), "refusal_reason": reason, "partner_message": message},
        )
        _close_link(orientation)
        _notify(orientation, "ne peut pas vous accompagner ; l'équipe de la CRESS cherche une autre solution")


@transaction.atomic
def ask_holder(*, orientation: Orientation, question: str, by=None) -> Message:
    """The structure asks the holder a question, in its thread: the holder reads it on the
    tracking page and answers there; the holder and the staff in charge are emailed."""
    if orientation.status not in {OS.SENT, OS.ACCEPTED}:
        raise IntakeError("Cette orientation est close.")
    if not question.strip():
        raise IntakeError("Écrivez votre question.")
    return post_message(
        intake=orientation.request,
        author_kind=Message.Author.PARTNER,
        body=question,
        audience=Message.Audience.PARTNER_HOLDER,
        orientation=orientation,
        by=by,
    )


@transaction.atomic
def write_to_staff(*, orientation: Orientation, body: str, by=None) -> Message:
    """The structure writes to the CRESS staff only (the holder does not read it)."""
    if not body.strip():
        raise IntakeError("Écrivez votre message.")
    return post_message(
        intake=orientation.request,
        author_kind=Message.Author.PARTNER,
        body=body,
        audience=Message.Audience.PARTNER_STAFF,
        orientation=orientation,
        by=by,
    )


def partner_orientations(user):
    """The orientations of the structures this user is a member of (a partner's list)."""
    return (
        Orientation.objects.filter(organisation__memberships__user=user)
        .exclude(status=OS.PROPOSED)
        .select_related("request__activity_commune", "organisation")
        .order_by("-sent_at")
    )


# The tabs of a partner's list: which states each one shows.
PARTNER_TABS = {
    "a-traiter": ("À traiter", [OS.SENT]),
    "acceptees": ("Acceptées", [OS.ACCEPTED]),
    "closes": ("Refusées ou expirées", [OS.REFUSED, OS.EXPIRED]),
    "toutes": ("Toutes", [OS.SENT, OS.ACCEPTED, OS.REFUSED, OS.EXPIRED]),
}


def partner_tab_counts(user) -> dict[str, int]:
    """How many orientations each tab of the partner's list holds (one query)."""
    totals = dict(
        Orientation.objects.filter(organisation__memberships__user=user)
        .exclude(status=OS.PROPOSED)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {key: sum(totals.get(state, 0) for state in states) for key, (_label, states) in PARTNER_TABS.items()}


def partner_list_page(user, tab: str):
    """One tab of the partner's list, reading only the columns it shows."""
    states = PARTNER_TABS[tab][1]
    return (
        partner_orientations(user)
        .filter(status__in=states)
        .only(
            "status", "sent_at", "answered_at", "reminded_at", "organisation__name", "request__title",
            "request__stage", "request__activity_commune__name",
        )
    )  # fmt: skip


@transaction.atomic
def report_outcome(*, orientation: Orientation, report: str) -> None:
    if orientation.status != OS.ACCEPTED:
        raise IntakeError("Le compte rendu se fait après avoir accepté l'orientation.")
    if not report.strip():
        raise IntakeError("Le compte rendu est vide.")
    orientation.outcome_report = report
    orientation.save(update_fields=["outcome_report"])
    queue_email(
        to=staff_in_charge_email(orientation.request),
        template="accueil/orientation_reponse_equipe",
        context={
            "organisation": orientation.organisation.name,
            "reference": orientation.request.reference,
            "what": "a envoyé un compte rendu de l'accompagnement",
            "url": admin_request_url(orientation.request),
        },
    )


@dataclass(frozen=True)
class AnswerSchedule:
    """When a structure is expected to answer an orientation, and what the daily job does
    if it does not: remind it once after ORIENTATION_REMINDER_DAYS, expire the orientation
    after ORIENTATION_EXPIRY_DAYS. `reminder_due` and `expiry_due` are the moments from which
    the job acts; `reminder_on` and `expires_on` the runs of the job that will act."""

    answer_by: datetime
    reminder_due: datetime
    expiry_due: datetime
    reminded_at: datetime | None
    link_until: datetime | None

    @property
    def reminder_on(self) -> datetime | None:
        return None if self.reminded_at else next_daily_run(self.reminder_due)

    @property
    def expires_on(self) -> datetime:
        return next_daily_run(self.expiry_due)

    def reminder_is_due(self, now: datetime) -> bool:
        return self.reminded_at is None and self.reminder_due <= now < self.expiry_due

    def has_expired(self, now: datetime) -> bool:
        return self.expiry_due <= now


def answer_schedule(orientation: Orientation, *, with_link: bool = True) -> AnswerSchedule | None:
    """The answer schedule of an orientation waiting for the structure's answer (« envoyée »);
    None once it is answered or closed. The daily job and the partner's pages both read it."""
    if orientation.status != OS.SENT or orientation.sent_at is None:
        return None
    expiry_due = orientation.sent_at + expiry_delay()
    return AnswerSchedule(
        answer_by=expiry_due,
        reminder_due=orientation.sent_at + reminder_delay(),
        expiry_due=expiry_due,
        reminded_at=orientation.reminded_at,
        link_until=partner_link_deadline(orientation) if with_link else None,
    )


def reminder_passed(now: datetime) -> Q:
    """Orientations still waiting for their structure's answer although the reminder's moment
    has come (`AnswerSchedule.reminder_due`): reminded, or about to be. Staff may call them."""
    return Q(status=OS.SENT, sent_at__lte=now - reminder_delay())


def expiring_within(now: datetime, days: int) -> Q:
    """Orientations the daily job will expire within `days` days (at a run of the job no
    later than now + days: `AnswerSchedule.expires_on`)."""
    return Q(status=OS.SENT, sent_at__lte=last_daily_run(now + timedelta(days=days)) - expiry_delay())


def remind_and_expire() -> dict:
    """Daily: remind structures that have not answered, then expire what stays unanswered
    (the moments come from `answer_schedule`, which the partner's pages show)."""
    now = timezone.now()
    reminded = expired = 0
    waiting = Orientation.objects.filter(status=OS.SENT).select_related("organisation", "request").order_by("pk")
    for orientation in waiting:
        schedule = answer_schedule(orientation, with_link=False)
        if schedule is None:
            continue
        if schedule.has_expired(now):
            with transaction.atomic():
                ORIENTATION_WORKFLOW.apply(
                    orientation, OS.EXPIRED, log_model=OrientationTransition, comment="Sans réponse."
                )
                _close_link(orientation)
                _notify(orientation, "n'a pas répondu à temps ; l'équipe de la CRESS cherche une autre solution")
                expired += 1
        elif schedule.reminder_is_due(now):
            with transaction.atomic():
                Orientation.objects.filter(pk=orientation.pk).update(reminded_at=now)
                context = {
                    "organisation": orientation.organisation.name,
                    "reference": orientation.request.reference,
                    "title": orientation.request.title,
                    "days": settings.ORIENTATION_EXPIRY_DAYS - settings.ORIENTATION_REMINDER_DAYS,
                    "answer_by": f"{timezone.localtime(schedule.answer_by):%d/%m/%Y}",
                    "url": private_link(PARTNER_LINK, orientation=orientation.pk),
                }
                for recipient in structure_recipients(orientation.organisation):
                    queue_email(
                        to=recipient,
                        template="accueil/orientation_relance",
                        context=context,
                        dedup_key=f"orientation-relance:{orientation.pk}:{recipient.lower()}",
                    )
                reminded += 1
    return {"relances": reminded, "expirees": expired}


# --- The holder's documents, for the structures the request is oriented to -----------------

# A structure reads the holder's documents while the request is in its hands.
DOCUMENT_STATES = {OS.SENT, OS.ACCEPTED}


def shared_documents(orientation: Orientation) -> list[Attachment]:
    """The documents the holder shared with this structure: the holder's own, while the
    orientation is open and if the holder's consent covers them (see DOCUMENT_SHARING_CONSENT);
    none otherwise. Each carries `last_download` (this structure's latest, or None)."""
    intake = orientation.request
    if orientation.status not in DOCUMENT_STATES or intake.anonymised_at or not intake.shares_documents:
        return []
    documents = list(Attachment.objects.filter(request_id=intake.pk, added_by_holder=True).order_by("created_at", "pk"))
    latest = dict(
        DocumentDownload.objects.filter(orientation=orientation, attachment__in=documents)
        .order_by()
        .values_list("attachment_id")
        .annotate(last=Max("downloaded_at"))
    )
    for document in documents:
        document.last_download = latest.get(document.pk)
    return documents


@transaction.atomic
def download_document(*, orientation: Orientation, document_id: int, user=None) -> Attachment:
    """Give a structure one of the documents shared with it, and log who took it and when.
    Refused (IntakeError) for a document that is not shared with this structure."""
    document = next((d for d in shared_documents(orientation) if d.pk == document_id), None)
    if document is None:
        raise IntakeError("Ce document n'est pas partagé avec votre structure.")
    DocumentDownload.objects.create(
        orientation=orientation, attachment=document, user=user if getattr(user, "is_authenticated", False) else None
    )
    return document
