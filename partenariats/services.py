"""Every operation of Action 1 that changes state (DESIGN.md, « Inside an app »): views,
admin actions, tasks and commands call these; one transaction each."""

from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from lib.uploads import KINDS, validate_document
from lib.workflow import TransitionNotAllowed, WorkflowError
from messagerie.services import queue_email
from partenariats.models import Commitment, CommitmentTransition, Convention, ConventionTransition, Deliverable
from partenariats.workflows import (
    COMMITMENT_WORKFLOW,
    CONVENTION_WORKFLOW,
    PARTNER_COMMITMENT_TARGETS,
    REASON_REQUIRED,
)


def move_convention(convention: Convention, target: str, *, by=None, comment: str = "") -> ConventionTransition:
    """Move a convention to `target` as declared (CONVENTION_WORKFLOW). Entering « résiliée »
    needs a reason (the comment), kept on the convention."""
    changes = {}
    if target in REASON_REQUIRED:
        if not comment.strip():
            raise WorkflowError("Indiquez le motif de la résiliation.")
        changes[REASON_REQUIRED[target]] = comment.strip()
    with transaction.atomic():
        return CONVENTION_WORKFLOW.apply(
            convention, target, log_model=ConventionTransition, by=by, comment=comment, changes=changes
        )


def move_commitment(commitment: Commitment, target: str, *, by=None, comment: str = "") -> CommitmentTransition:
    """Move a commitment to `target` as declared (COMMITMENT_WORKFLOW)."""
    with transaction.atomic():
        return COMMITMENT_WORKFLOW.apply(commitment, target, log_model=CommitmentTransition, by=by, comment=comment)


def staff_owner_email(commitment: Commitment) -> str:
    """Who at the CRESS follows this commitment: its owner, else the convention's, else the
    CRESS's contact address."""
    for person in (commitment.owner, commitment.convention.owner):
        if person is not None and person.email:
            return person.email
    return settings.CONTACT_EMAIL


def _commitment_admin_url(commitment: Commitment) -> str:
    return settings.SITE_URL + reverse("admin:partenariats_commitment_change", args=[commitment.pk])


def add_deliverable(*, commitment: Commitment, title: str, upload, by, by_partner: bool = False) -> Deliverable:
    """Attach a document to a commitment, checked by its content (lib.uploads: PDF, ODT,
    DOCX or an image, within PARTENARIATS_DELIVERABLE_MAX_MB); a ValidationError in French
    otherwise, and nothing is written. Stored under a name of its own with the extension of
    what it really is. A partner's upload is announced to the staff who follow the commitment.
    """
    kind = validate_document(upload, max_bytes=settings.PARTENARIATS_DELIVERABLE_MAX_MB * 1024 * 1024)
    extension = KINDS[kind][0]
    original = PurePath(upload.name or "document").stem[:150] or "document"
    deliverable = Deliverable(
        commitment=commitment,
        title=(title or "").strip() or original,
        original_name=f"{original}{extension}",
        size=upload.size,
        uploaded_by=by,
        by_partner=by_partner,
    )
    deliverable.full_clean(exclude=["file", "commitment", "uploaded_by"])
    with transaction.atomic():
        deliverable.file.save(f"livrable{extension}", upload, save=False)
        deliverable.save()
        if by_partner:
            queue_email(
                to=staff_owner_email(commitment),
                template="partenariats/livrable_depose",
                context={
                    "commitment": commitment,
                    "convention": commitment.convention,
                    "deliverable": deliverable,
                    "author": _person(by),
                    "url": _commitment_admin_url(commitment),
                },
            )
    return deliverable


# What a partner may add to a declaration (kept in the transition log's comment).
DECLARATION_COMMENT_MAX = 2000


def declare_commitment_kept(*, commitment: Commitment, by, comment: str = "") -> CommitmentTransition:
    """A partner says its commitment is kept (« déclaré tenu »): the only move the partner
    space offers (PARTNER_COMMITMENT_TARGETS); staff confirm or send it back in the admin,
    and the staff member who follows the commitment is emailed the link."""
    target = Commitment.Status.REPORTED
    comment = (comment or "").strip()
    if len(comment) > DECLARATION_COMMENT_MAX:
        raise WorkflowError(f"Vos précisions comptent {DECLARATION_COMMENT_MAX} caractères au plus.")
    if target not in PARTNER_COMMITMENT_TARGETS or not COMMITMENT_WORKFLOW.can(commitment, target):
        raise WorkflowError(
            f"Cet engagement ne peut pas être déclaré tenu : il est « {commitment.get_status_display()} »."
        )
    with transaction.atomic():
        try:
            log = move_commitment(commitment, target, by=by, comment=comment)
        except TransitionNotAllowed as error:  # its state changed since the page was shown
            raise WorkflowError("Cet engagement vient de changer d'état : rechargez la page.") from error
        queue_email(
            to=staff_owner_email(commitment),
            template="partenariats/engagement_declare_tenu",
            context={
                "commitment": commitment,
                "convention": commitment.convention,
                "author": _person(by),
                "comment": comment,
                "url": _commitment_admin_url(commitment),
            },
        )
    return log


def _person(user) -> str:
    if user is None:
        return "Un membre du partenaire"
    return user.get_full_name() or user.email
