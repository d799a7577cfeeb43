"""The life of a CRESS membership, declared once (DESIGN.md, « Workflows »): staff move it
with the buttons of its admin page, each change logged (who, when, from, to, comment)."""

from appartenance.models_badges import Membership, MembershipState, MembershipTransition
from lib.workflow import Transition, Workflow, WorkflowError

State = MembershipState

MEMBERSHIP_WORKFLOW = Workflow(
    field="state",
    transitions=[
        Transition(State.PENDING, State.PAID, "Cotisation réglée"),
        Transition(State.PENDING, State.WAIVED, "Exonérer de cotisation"),
        Transition(State.PENDING, State.CANCELLED, "Annuler l'adhésion"),
        Transition(State.PAID, State.CANCELLED, "Annuler l'adhésion"),
        Transition(State.WAIVED, State.CANCELLED, "Annuler l'adhésion"),
        Transition(State.CANCELLED, State.PENDING, "Rétablir (cotisation à régler)"),
    ],
)


def change_membership_state(*, membership: Membership, target: str, by=None, comment: str = "") -> MembershipTransition:
    """Move a membership to `target` and log it. A fee is marked paid only once its amount and
    the date it was paid are recorded (the table refuses it otherwise); the badge follows
    within its cache lifetime."""
    if target == State.PAID:
        current = Membership.objects.only("fee_amount", "fee_paid_on").get(pk=membership.pk)
        if current.fee_amount is None or current.fee_paid_on is None:
            raise WorkflowError(
                "Saisissez le montant de la cotisation et la date de règlement, enregistrez, "
                "puis marquez la cotisation réglée."
            )
    return MEMBERSHIP_WORKFLOW.apply(membership, target, log_model=MembershipTransition, by=by, comment=comment)
