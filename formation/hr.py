"""HR support (appui RH) for ESS employers: the request, its private follow-up page, its
conversation and its handling through HR_WORKFLOW.

The pattern is the intake's (accueil.services): the employer gets a reference and an
email with a private link (messagerie.links, only the token's hash stored, renewable from
the employer's address); every message of the staff emails the employer with a fresh link,
every answer of the employer emails the staff member in charge. One transaction each.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from formation.models import HrMessage, HrRequest, HrRequestTransition
from formation.workflows import HR_WORKFLOW
from lib.workflow import WorkflowError
from messagerie.links import LinkUnavailable, expire_tokens, issue_token, private_link, resolve_token
from messagerie.services import queue_email

Status = HrRequest.Status
OPEN_STATES = [Status.NEW, Status.IN_PROGRESS, Status.WAITING]

# What a private token opens (messagerie.links): the employer's follow-up page of one request.
HR_LINK = "formation.appui-rh"

CONSENT_TEXT = (
    "J'accepte que la CRESS La Réunion enregistre ces informations pour répondre à ma demande d'appui RH "
    "et me recontacter. Ma demande est anonymisée 36 mois après sa clôture. Je peux demander à tout moment "
    "l'accès à mes données, leur rectification ou leur suppression."
)
# The months in the consent above: HR_REQUEST_ANONYMISE_MONTHS (anonymise_closed_hr_requests).

# What the employer reads of each state, on the follow-up page and in the email that tells
# of a change.
EMPLOYER_STATE = {
    Status.NEW: "Votre demande est bien reçue : un·e conseiller·e de la CRESS va l'étudier, en général sous une "
    "semaine.",
    Status.IN_PROGRESS: "Un·e conseiller·e de la CRESS étudie votre demande et vous répond ici.",
    Status.WAITING: "Nous avons besoin de précisions : lisez notre dernier message et répondez-y sur cette page.",
    Status.CLOSED: "Votre demande est close. Pour une nouvelle question, déposez une nouvelle demande.",
}


CLOSED_MESSAGE = "Cette demande est close : déposez une nouvelle demande pour une autre question."


class HrError(WorkflowError):
    """Refused for a reason the person can fix; the message is in French."""


def follow_up_url(token: str) -> str:
    return settings.SITE_URL + reverse("formation:appui-rh-suivi", args=[token])


def build_follow_up_link(*, hr_request: int, supersedes: bool = False) -> str:
    """Link builder (messagerie.links): minted when an email to the employer leaves, valid
    TRACKING_LINK_DAYS like the intake's tracking link."""
    if not HrRequest.objects.filter(pk=hr_request, anonymised_at__isnull=True).exists():
        raise LinkUnavailable("cette demande d'appui RH a été anonymisée ou effacée.")
    expires_at = timezone.now() + timedelta(days=settings.TRACKING_LINK_DAYS)
    token = issue_token(purpose=HR_LINK, object_id=hr_request, expires_at=expires_at, supersedes=supersedes)
    return follow_up_url(token)


def find_by_token(token: str) -> HrRequest | None:
    """The request this token opens, or None (unknown, expired, replaced or anonymised)."""
    request_id = resolve_token(purpose=HR_LINK, token=token)
    if request_id is None:
        return None
    return (
        HrRequest.objects.select_related("suggested_training", "organisation")
        .filter(pk=request_id, anonymised_at__isnull=True)
        .first()
    )


def _email_view(hr_request: HrRequest) -> dict:
    return {
        "reference": hr_request.reference,
        "contact_name": hr_request.contact_name,
        "organisation_name": hr_request.organisation_name,
        "need": hr_request.get_need_display(),
    }


def _email_employer(hr_request: HrRequest, template: str, *, supersedes: bool = False, **context) -> None:
    queue_email(
        to=hr_request.email,
        template=template,
        context={
            "hr_request": _email_view(hr_request),
            "url": private_link(HR_LINK, hr_request=hr_request.pk, supersedes=supersedes),
            "days": settings.TRACKING_LINK_DAYS,
            **context,
        },
    )


@transaction.atomic
def submit_hr_request(*, values: dict, consent_text: str = CONSENT_TEXT) -> HrRequest:
    """Save an employer's request and email its reference and private follow-up link.

    `values` are the checked answers of the form: organisation (the directory's record, or
    None), organisation_name, headcount, contact_name, email, phone, need, description.
    """
    now = timezone.now()
    hr_request = HrRequest(**values, consent_text=consent_text, consent_at=now, created_at=now)
    hr_request.reference = f"tmp-{uuid.uuid4().hex[:16]}"
    hr_request.full_clean(exclude=["reference"], validate_unique=False, validate_constraints=False)
    hr_request.save()
    hr_request.reference = f"RH-{now:%Y}-{hr_request.pk:05d}"
    hr_request.save(update_fields=["reference"])
    _email_employer(hr_request, "formation/hr_confirmation")
    return hr_request


@transaction.atomic
def renew_follow_up_links(*, email: str) -> int:
    """A fresh follow-up link for each open request of this address. Returns how many.

    The page says the same whatever the result (it does not reveal who asked for help);
    the older links keep working until the new one is opened (it supersedes them then).
    """
    count = 0
    for hr_request in HrRequest.objects.filter(email__iexact=email, status__in=OPEN_STATES, anonymised_at=None):
        _email_employer(hr_request, "formation/hr_nouveau_lien", supersedes=True)
        count += 1
    return count


@transaction.atomic
def transition_hr_request(*, hr_request: HrRequest, target: str, by=None, comment: str = "") -> HrRequestTransition:
    """Move a request through HR_WORKFLOW (refused otherwise), log it and tell the employer.

    « Prendre en charge » puts whoever takes it in charge of it.
    """
    changes = {}
    if target == Status.CLOSED:
        changes["closed_at"] = timezone.now()
    if target == Status.IN_PROGRESS and hr_request.status == Status.NEW and by is not None and by.is_staff:
        changes["assigned_to"] = by
    log = HR_WORKFLOW.apply(hr_request, target, log_model=HrRequestTransition, by=by, comment=comment, changes=changes)
    _email_employer(
        hr_request,
        "formation/hr_changement_etat",
        state=Status(target).label,
        explanation=EMPLOYER_STATE[Status(target)],
    )
    return log


def staff_in_charge_email(hr_request: HrRequest) -> str:
    """The staff member in charge, else the CRESS address that the training team reads."""
    if hr_request.assigned_to_id and hr_request.assigned_to.email:
        return hr_request.assigned_to.email
    return settings.CONTACT_EMAIL


def _message(hr_request: HrRequest, *, author_kind: str, body: str, by=None) -> HrMessage:
    body = body.strip()
    if not body:
        raise HrError("Le message est vide.")
    if hr_request.status == Status.CLOSED:
        raise HrError(CLOSED_MESSAGE)
    message = HrMessage(request=hr_request, author_kind=author_kind, author=by, body=body)
    message.full_clean(exclude=["request", "author"])
    message.save()
    return message


@transaction.atomic
def send_staff_message(*, hr_request: HrRequest, by, body: str) -> HrMessage:
    """Staff write to the employer: the message is on the follow-up page, the employer is
    emailed it with a fresh private link."""
    message = _message(hr_request, author_kind=HrMessage.Author.STAFF, body=body, by=by)
    _email_employer(hr_request, "formation/hr_message_employeur", body=message.body)
    return message


@transaction.atomic
def answer_as_employer(*, hr_request: HrRequest, body: str) -> HrMessage:
    """The employer writes from the follow-up page; the staff member in charge is emailed.

    A request waiting for the employer goes back to the staff (« Reprendre »)."""
    message = _message(hr_request, author_kind=HrMessage.Author.EMPLOYER, body=body)
    if hr_request.status == Status.WAITING:
        HR_WORKFLOW.apply(
            hr_request, Status.IN_PROGRESS, log_model=HrRequestTransition, comment="Réponse de l'employeur."
        )
    queue_email(
        to=staff_in_charge_email(hr_request),
        template="formation/hr_message_equipe",
        context={
            "hr_request": _email_view(hr_request),
            "body": message.body,
            "url": settings.SITE_URL + reverse("admin:formation_hrrequest_change", args=[hr_request.pk]),
        },
    )
    return message


def anonymise_closed_hr_requests() -> int:
    """RGPD: anonymise the requests closed for HR_REQUEST_ANONYMISE_MONTHS (beat, daily).

    Blanked: the person's name, email, phone, the description and the conversation; their
    links end. Kept for the figures: the organisation, headcount, need, dates and states.
    Returns how many requests were anonymised."""
    cutoff = timezone.now() - timedelta(days=round(settings.HR_REQUEST_ANONYMISE_MONTHS * 30.44))
    expired = HrRequest.objects.filter(status=Status.CLOSED, closed_at__lt=cutoff, anonymised_at__isnull=True)
    count = 0
    for request_id in expired.values_list("pk", flat=True).iterator():
        anonymise_hr_request(request_id=request_id)
        count += 1
    return count


@transaction.atomic
def anonymise_hr_request(*, request_id: int) -> None:
    """Blank the person of one HR request and its conversation, and end its links (the
    retention job above, and the erasure of a person's data: formation/personal_data.py)."""
    HrMessage.objects.filter(request_id=request_id).delete()
    HrRequestTransition.objects.filter(subject_id=request_id).update(comment="")
    HrRequest.objects.filter(pk=request_id).update(
        contact_name="Anonyme",
        email=f"anonyme-{request_id}@anonyme.invalid",
        phone="",
        description="",
        anonymised_at=timezone.now(),
    )
    expire_tokens(purpose=HR_LINK, object_id=request_id)
