"""The declared workflows of the ESS job board: an offer's states and an application's.

Every change of state goes through one of these (lib.workflow: refused if not declared, one
log row per change). The services call them; the admin and the employer's space show the
allowed transitions as buttons.
"""

from emplois.models import Application, Offer
from lib.workflow import Transition, Workflow

S = Offer.Status

OFFER_WORKFLOW = Workflow(
    field="status",
    transitions=[
        # An organisation's first offers go to staff moderation; a trusted one publishes at once.
        Transition(S.DRAFT, S.REVIEW, "Soumettre à la CRESS"),
        Transition(S.DRAFT, S.PUBLISHED, "Publier"),
        Transition(S.REVIEW, S.PUBLISHED, "Publier"),
        Transition(S.REVIEW, S.REFUSED, "Refuser"),
        Transition(S.REVIEW, S.DRAFT, "Repasser en brouillon"),
        Transition(S.REFUSED, S.DRAFT, "Reprendre en brouillon"),
        Transition(S.PUBLISHED, S.FILLED, "Marquer pourvue"),
        # The day after its closing date (beat), or by the employer or staff.
        Transition(S.PUBLISHED, S.EXPIRED, "Clore"),
        Transition(S.EXPIRED, S.DRAFT, "Reprendre en brouillon"),
    ],
)

# A reason is required to enter these (the field that keeps it).
OFFER_REASON_REQUIRED = {S.REFUSED: "refusal_reason"}
# What the employer may still edit.
OFFER_EDITABLE = (S.DRAFT, S.REFUSED)
# Shown to the public and open to applications.
OFFER_PUBLIC = (S.PUBLISHED,)

A = Application.Status

APPLICATION_WORKFLOW = Workflow(
    field="status",
    transitions=[
        Transition(A.RECEIVED, A.SEEN, "Marquer vue"),
        Transition(A.RECEIVED, A.INTERVIEW, "Proposer un entretien"),
        Transition(A.SEEN, A.INTERVIEW, "Proposer un entretien"),
        Transition(A.INTERVIEW, A.HIRED, "Retenir"),
        *(Transition(state, A.REJECTED, "Ne pas retenir") for state in (A.RECEIVED, A.SEEN, A.INTERVIEW)),
    ],
)

# The candidate is told by email when their application enters these.
APPLICATION_NOTIFIED = (A.INTERVIEW, A.HIRED, A.REJECTED)
