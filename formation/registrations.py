"""Registrations to sessions: places, the waiting list, offers, the person's private link.

A session never holds more places than its capacity, whatever the concurrency. Every
operation that takes or frees a place locks the session's row first (SELECT … FOR
UPDATE), counts the registrations holding a place (`Registration.HOLDING`, an offer
included), writes, then counts again before committing: two people posting at the same
instant are served one after the other, and the second joins the waiting list.

A freed place (cancellation, declined or expired offer, capacity raised by staff) goes
to the first person of the waiting list (`waiting_since` order) as an *offer* that holds
the place for `session.offer_hours`. Offers past their deadline are not watched by a
countdown: `expire_offers`, a periodic sweep (cress/celery.py), passes them on.

Every email goes through the outbox in the same transaction (messagerie.services), each
once (dedup_key), with the person's private link minted when it leaves (messagerie.links).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from formation.ics import session_ics, session_location
from formation.models import Registration, RegistrationGroup, RegistrationTransition, Session
from formation.workflows import REGISTRATION_WORKFLOW
from lib.dates import french_datetime
from lib.workflow import WorkflowError
from messagerie.links import LinkUnavailable, issue_token, private_link, resolve_token
from messagerie.services import Attachment, queue_email

Status = Registration.Status

# What a private token opens (messagerie.links): the person's « mon inscription » page.
REGISTRATION_LINK = "formation.inscription"

# The states a person can still act on; a second registration of the same address to the
# same session is refused while one of these exists.
ACTIVE = (Status.REGISTERED, Status.WAITING, Status.OFFERED, Status.CONFIRMED)

# The fields of a person copied from one registration to another (move to another session).
PERSON_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "organisation",
    "organisation_name",
    "needs_adaptation",
    "consent_text",
    "consent_at",
)


class RegistrationError(WorkflowError):
    """Refused for a reason the person (or the staff) can fix; the message is in French."""


class CapacityExceeded(RegistrationError):
    """The recheck under the lock found more places taken than the session has: never
    expected (the lock serialises writers), it rolls the transaction back."""


# --- Reading a session's places -----------------------------------------------------------


def places_taken(session: Session) -> int:
    return Registration.objects.filter(session=session, status__in=Registration.HOLDING).count()


def places_left(session: Session) -> int:
    return max(0, session.capacity - places_taken(session))


def waiting_list(session: Session):
    """The people waiting for a place, first come first offered."""
    return Registration.objects.filter(session=session, status=Status.WAITING).order_by("waiting_since", "pk")


def is_open(session: Session, *, now=None) -> bool:
    """Registrations (and the waiting list) are open until the session starts."""
    now = now or timezone.now()
    return session.status == Session.Status.PLANNED and session.starts_at > now


def _lock_session(session_id: int) -> Session:
    return Session.objects.select_for_update(of=("self",)).select_related("training", "commune").get(pk=session_id)


def _recheck(session: Session) -> None:
    taken = places_taken(session)
    if taken > session.capacity:
        raise CapacityExceeded(f"Session complète : {taken} places prises pour {session.capacity}.")


# --- Private link -------------------------------------------------------------------------


def registration_url(token: str) -> str:
    return settings.SITE_URL + reverse("formation:mon-inscription", args=[token])


def build_registration_link(*, registration: int) -> str:
    """Link builder (messagerie.links): a fresh token, valid until some time after the
    session (the certificate stays downloadable from the same page)."""
    row = (
        Registration.objects.filter(pk=registration, anonymised_at__isnull=True)
        .select_related("session")
        .only("pk", "session__ends_at")
        .first()
    )
    if row is None:
        raise LinkUnavailable("cette inscription a été anonymisée ou effacée.")
    expires_at = max(row.session.ends_at, timezone.now()) + timedelta(days=settings.FORMATION_LINK_DAYS_AFTER)
    return registration_url(issue_token(purpose=REGISTRATION_LINK, object_id=row.pk, expires_at=expires_at))


def find_by_token(token: str) -> Registration | None:
    """The registration a private token opens, or None (unknown, expired, anonymised)."""
    registration_id = resolve_token(purpose=REGISTRATION_LINK, token=token)
    if registration_id is None:
        return None
    return (
        Registration.objects.filter(pk=registration_id, anonymised_at__isnull=True)
        .select_related("session__training", "session__commune", "session__trainer")
        .first()
    )


# --- Emails -------------------------------------------------------------------------------


def _session_view(session: Session) -> dict:
    return {
        "title": session.training.title,
        "starts": french_datetime(session.starts_at),
        "ends": french_datetime(session.ends_at),
        "place": session_location(session),
        "access": session.access_notes,
        "online_url": session.online_url,
    }


def _email(registration: Registration, kind: str, *, session: Session, attach_ics=False, cancelled_ics=False, **extra):
    """Queue one of the registration's emails (kind: confirmation, waiting, offer,
    offer_expired, cancelled), once per registration and kind."""
    context = {
        "first_name": registration.first_name,
        "session": _session_view(session),
        "url": private_link(REGISTRATION_LINK, registration=registration.pk),
        **extra,
    }
    attachments = []
    if attach_ics or cancelled_ics:
        attachments.append(
            Attachment(
                filename="formation.ics",
                mimetype="text/calendar",
                content=session_ics(session, cancelled=cancelled_ics),
            )
        )
    queue_email(
        to=registration.email,
        template=f"formation/registration_{kind}",
        context=context,
        attachments=attachments,
        dedup_key=f"formation:inscription:{registration.pk}:{kind}",
    )


def _transition(registration: Registration, target: str, *, by=None, comment="", changes=None):
    return REGISTRATION_WORKFLOW.apply(
        registration, target, log_model=RegistrationTransition, by=by, comment=comment, changes=changes
    )


# --- Taking a place -----------------------------------------------------------------------


def _check_open(session: Session) -> None:
    if session.status != Session.Status.PLANNED:
        raise RegistrationError("Cette session est annulée : les inscriptions sont fermées.")
    if session.starts_at <= timezone.now():
        raise RegistrationError("Cette session a commencé : les inscriptions sont fermées.")


def _check_not_registered(session: Session, email: str) -> None:
    if Registration.objects.filter(session=session, email__iexact=email, status__in=ACTIVE).exists():
        raise RegistrationError(
            f"L'adresse {email} est déjà inscrite à cette session (ou sur sa liste d'attente) : "
            "retrouvez votre inscription grâce au lien reçu par courriel."
        )


def _create(session: Session, *, person: dict, group=None, now) -> Registration:
    """Write one registration in a locked session: a place if one is free and nobody
    waits before, else the waiting list."""
    free = session.capacity - places_taken(session) > 0
    nobody_waits = not Registration.objects.filter(session=session, status=Status.WAITING).exists()
    status = Status.REGISTERED if free and nobody_waits else Status.WAITING
    registration = Registration(
        session=session,
        group=group,
        status=status,
        waiting_since=now if status == Status.WAITING else None,
        created_at=now,
        **person,
    )
    registration.full_clean(exclude=["session", "group", "organisation"], validate_constraints=False)
    registration.save()
    return registration


def _person_values(*, person: dict, organisation, organisation_name: str, consent_text: str, now) -> dict:
    values = {key: (value or "") for key, value in person.items()}
    values["email"] = values["email"].strip()
    return {
        **values,
        "organisation": organisation,
        "organisation_name": (organisation.name if organisation is not None else organisation_name)[:200],
        "consent_text": consent_text,
        "consent_at": now,
    }


def _announce(registration: Registration, session: Session) -> None:
    if registration.status == Status.WAITING:
        position = (
            waiting_list(session)
            .filter(waiting_since__lte=registration.waiting_since)
            .exclude(pk=registration.pk)
            .count()
            + 1
        )
        _email(registration, "waiting", session=session, position=position)
    else:
        _email(registration, "confirmation", session=session, attach_ics=True, moved_from="")


@transaction.atomic
def register_person(
    *, session: Session, person: dict, consent_text: str, organisation=None, organisation_name: str = ""
) -> Registration:
    """Register one person (first_name, last_name, email, and optionally phone, job_title,
    needs_adaptation) to a session: a place if one is left, else the waiting list. Emails
    the confirmation (with the .ics) or the waiting-list entry, with the private link."""
    locked = _lock_session(session.pk)
    # Read under the lock: the waiting list's order is the order in which the lock was granted.
    now = timezone.now()
    _check_open(locked)
    values = _person_values(
        person=person,
        organisation=organisation,
        organisation_name=organisation_name,
        consent_text=consent_text,
        now=now,
    )
    _check_not_registered(locked, values["email"])
    registration = _create(locked, person=values, now=now)
    _recheck(locked)
    _announce(registration, locked)
    return registration


@transaction.atomic
def register_group(
    *,
    session: Session,
    people: list[dict],
    contact_email: str,
    consent_text: str,
    organisation=None,
    organisation_name: str = "",
) -> RegistrationGroup:
    """Register several people for one structure, in the order given: each takes a place
    while some are left, the others join the waiting list. Each person gets their own email
    and private link. Only when staff allowed groups for the session."""
    locked = _lock_session(session.pk)
    now = timezone.now()
    _check_open(locked)
    if not locked.allow_groups:
        raise RegistrationError("Cette session n'accepte pas d'inscription de groupe.")
    if not people:
        raise RegistrationError("Indiquez au moins une personne à inscrire.")
    emails = [person["email"].strip().lower() for person in people]
    if len(set(emails)) != len(emails):
        raise RegistrationError("Chaque personne du groupe a sa propre adresse électronique.")
    group = RegistrationGroup.objects.create(
        session=locked,
        organisation=organisation,
        organisation_name=(organisation.name if organisation is not None else organisation_name)[:200],
        contact_email=contact_email,
        created_at=now,
    )
    registrations = []
    for person in people:
        values = _person_values(
            person=person, organisation=organisation, organisation_name=group.organisation_name,
            consent_text=consent_text, now=now,
        )  # fmt: skip
        _check_not_registered(locked, values["email"])
        registrations.append(_create(locked, person=values, group=group, now=now))
    _recheck(locked)
    for registration in registrations:
        _announce(registration, locked)
    return group


# --- Freeing a place and offering it ------------------------------------------------------


def _offer_deadline(session: Session, now):
    """An offer lasts `offer_hours`, but never past the session's start."""
    return min(now + timedelta(hours=session.offer_hours), session.starts_at)


def _fill_free_places(session: Session, *, now=None) -> list[Registration]:
    """Offer each free place of a locked session to the next person waiting. Returns the offers."""
    now = now or timezone.now()
    if not is_open(session, now=now):
        return []
    free = session.capacity - places_taken(session)
    offers = []
    if free <= 0:
        return offers
    for registration in waiting_list(session).select_for_update()[:free]:
        deadline = _offer_deadline(session, now)
        _transition(
            registration,
            Status.OFFERED,
            comment=f"Place proposée jusqu'au {french_datetime(deadline)}.",
            changes={"offer_expires_at": deadline},
        )
        _email(registration, "offer", session=session, deadline=french_datetime(deadline), hours=session.offer_hours)
        offers.append(registration)
    _recheck(session)
    return offers


@transaction.atomic
def fill_free_places(*, session: Session) -> list[Registration]:
    """Offer the places left (after staff raised the capacity…) to the waiting list."""
    return _fill_free_places(_lock_session(session.pk))


@transaction.atomic
def change_capacity(*, session: Session, capacity: int, by=None) -> list[Registration]:
    """Staff change a session's number of places. Raising it offers the new places to the
    waiting list; lowering it below the places already taken is refused."""
    locked = _lock_session(session.pk)
    if capacity < 1:
        raise RegistrationError("Une session a au moins une place.")
    taken = places_taken(locked)
    if capacity < taken:
        raise RegistrationError(
            f"{taken} places sont déjà prises (offres en cours comprises) : la capacité ne peut descendre "
            f"sous {taken}. Annulez ou déplacez d'abord des inscriptions."
        )
    Session.objects.filter(pk=locked.pk).update(capacity=capacity)
    locked.capacity = session.capacity = capacity
    return _fill_free_places(locked)


def _lock_registration(registration: Registration) -> tuple[Session, Registration]:
    session = _lock_session(registration.session_id)
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    registration.status = current.status
    return session, current


@transaction.atomic
def cancel_registration(registration: Registration, *, by=None, comment: str = "", notify: bool = True) -> Registration:
    """Cancel a registration (a place, an offer, or a place on the waiting list), by the
    person from their private link or by staff. A place it held goes to the next person
    waiting. Emails the person, unless `notify` is false (their data is being erased)."""
    session, current = _lock_registration(registration)
    if current.status not in ACTIVE:
        raise RegistrationError("Cette inscription ne peut plus être annulée.")
    held = current.status in Registration.HOLDING
    was_waiting = current.status == Status.WAITING
    _transition(registration, Status.CANCELLED, by=by, comment=comment or "Annulée par la personne.")
    registration.offer_expires_at = current.offer_expires_at
    if notify:
        _email(registration, "cancelled", session=session, was_waiting=was_waiting, cancelled_ics=held)
    if held:
        _fill_free_places(session)
    return registration


@transaction.atomic
def cancel_session(*, session: Session, by=None, reason: str) -> int:
    """Staff cancel a whole session before it starts: every registration still active
    (a place, an offer, the waiting list) is cancelled through the workflow with the
    reason, and each person is emailed (with the calendar's cancellation when they held a
    place). Returns how many people were told."""
    reason = reason.strip()
    if not reason:
        raise RegistrationError("Indiquez la raison de l'annulation : elle est écrite aux personnes inscrites.")
    session = _lock_session(session.pk)
    if session.status == Session.Status.CANCELLED:
        raise RegistrationError("Cette session est déjà annulée.")
    if session.starts_at <= timezone.now():
        raise RegistrationError("Cette session a commencé : elle ne peut plus être annulée.")
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    session.status = Session.Status.CANCELLED
    told = 0
    for registration in Registration.objects.select_for_update().filter(session=session, status__in=ACTIVE):
        held = registration.status in Registration.HOLDING
        was_waiting = registration.status == Status.WAITING
        _transition(registration, Status.CANCELLED, by=by, comment=f"Session annulée : {reason}")
        _email(
            registration,
            "cancelled",
            session=session,
            was_waiting=was_waiting,
            cancelled_ics=held,
            session_cancelled=reason,
        )
        told += 1
    return told


def leave_waiting_list(registration: Registration) -> Registration:
    """The person leaves the waiting list (their private link)."""
    if registration.status != Status.WAITING:
        raise RegistrationError("Vous n'êtes pas sur la liste d'attente de cette session.")
    return cancel_registration(registration, comment="Retirée de la liste d'attente par la personne.")


def decline_offer(registration: Registration) -> Registration:
    """The person declines the place offered to them: it goes to the next person."""
    if registration.status != Status.OFFERED:
        raise RegistrationError("Aucune place ne vous est proposée pour cette session.")
    return cancel_registration(registration, comment="Place proposée déclinée par la personne.")


@transaction.atomic
def accept_offer(registration: Registration) -> Registration:
    """The person takes the place offered to them, before its deadline."""
    session, current = _lock_registration(registration)
    if current.status != Status.OFFERED:
        raise RegistrationError("Aucune place ne vous est proposée pour cette session.")
    if current.offer_expires_at <= timezone.now():
        raise RegistrationError(
            "Le délai pour accepter cette place est passé : elle a été proposée à la personne suivante."
        )
    _transition(registration, Status.CONFIRMED, comment="Place acceptée par la personne.")
    _recheck(session)
    _email(registration, "confirmation", session=session, attach_ics=True, moved_from="")
    return registration


@transaction.atomic
def confirm_participation(registration: Registration) -> Registration:
    """The person confirms they will come (a registration with a place)."""
    _session, current = _lock_registration(registration)
    if current.status != Status.REGISTERED:
        raise RegistrationError("Votre participation est déjà confirmée, ou cette inscription n'a pas de place.")
    _transition(registration, Status.CONFIRMED, comment="Participation confirmée par la personne.")
    return registration


def expire_offers(*, now=None) -> dict:
    """The periodic sweep: offers past their deadline are cancelled (the person is told)
    and their places offered to the next people waiting; places left free by any other
    path (capacity raised in the admin form) are offered too. One transaction per session.
    Returns counts."""
    now = now or timezone.now()
    expired_sessions = set(
        Registration.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now).values_list(
            "session_id", flat=True
        )
    )
    waiting_sessions = set(
        Registration.objects.filter(
            status=Status.WAITING, session__status=Session.Status.PLANNED, session__starts_at__gt=now
        ).values_list("session_id", flat=True)
    )
    counts = {"expired": 0, "offered": 0}
    for session_id in sorted(expired_sessions | waiting_sessions):
        with transaction.atomic():
            session = _lock_session(session_id)
            expired = Registration.objects.select_for_update().filter(
                session=session, status=Status.OFFERED, offer_expires_at__lte=now
            )
            for registration in expired.order_by("offer_expires_at", "pk"):
                _transition(registration, Status.CANCELLED, comment="Offre expirée sans réponse.")
                _email(registration, "offer_expired", session=session)
                counts["expired"] += 1
            counts["offered"] += len(_fill_free_places(session, now=now))
    return counts


# --- Staff: move a person to another session ----------------------------------------------


@transaction.atomic
def move_registration(registration: Registration, *, to_session: Session, by=None) -> Registration:
    """Move a person to another session: a place is taken in the target (under its lock,
    refused if it is full) and the source registration is cancelled, its place going to the
    source's waiting list. Returns the new registration; the person gets the target's
    confirmation with its .ics and private link."""
    if to_session.pk == registration.session_id:
        raise RegistrationError("La personne est déjà inscrite à cette session.")
    # Both sessions locked, always in the same order: two moves in opposite directions
    # cannot wait for each other.
    first, second = sorted([registration.session_id, to_session.pk])
    locked = {first: _lock_session(first), second: _lock_session(second)}
    source, target = locked[registration.session_id], locked[to_session.pk]
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if current.status not in ACTIVE:
        raise RegistrationError("Seule une inscription en cours (inscrite, confirmée, en attente) se déplace.")
    _check_open(target)
    _check_not_registered(target, current.email)
    if places_taken(target) >= target.capacity:
        raise RegistrationError(
            f"La session du {french_datetime(target.starts_at)} est complète : augmentez sa capacité "
            "ou choisissez une autre session."
        )
    now = timezone.now()
    moved = Registration(
        session=target,
        status=Status.REGISTERED,
        created_at=now,
        **{name: getattr(current, name) for name in PERSON_FIELDS},
    )
    moved.save()
    RegistrationTransition.objects.create(
        subject=moved,
        from_state="",
        to_state=Status.REGISTERED,
        by=by,
        comment=f"Déplacée depuis la session du {french_datetime(source.starts_at)}.",
    )
    held = current.status in Registration.HOLDING
    _transition(
        registration,
        Status.CANCELLED,
        by=by,
        comment=f"Déplacée vers la session du {french_datetime(target.starts_at)}.",
    )
    _recheck(target)
    _email(moved, "confirmation", session=target, attach_ics=True, moved_from=french_datetime(source.starts_at))
    if held:
        _fill_free_places(source)
    return moved
