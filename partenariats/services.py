"""Every operation of Action 1 that changes state (DESIGN.md, « Inside an app »): views,
admin actions, tasks and commands call these; one transaction each."""

from django.db import transaction

from lib.workflow import WorkflowError
from partenariats.models import Commitment, CommitmentTransition, Convention, ConventionTransition
from partenariats.workflows import COMMITMENT_WORKFLOW, CONVENTION_WORKFLOW, REASON_REQUIRED


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
