"""The declared workflows of Action 1: a convention's states and a commitment's states.

Every change of state goes through one of these (lib.workflow: refused if not declared, one
log row per change). The services in `partenariats.services` call them; the admin shows the
allowed transitions as buttons; the partner space offers only « déclarer tenu ».
"""

from lib.workflow import Transition, Workflow
from partenariats.models import Commitment, Convention

C = Convention.Status

CONVENTION_WORKFLOW = Workflow(
    field="status",
    transitions=[
        Transition(C.DRAFT, C.SIGNING, "Envoyer en signature"),
        Transition(C.SIGNING, C.DRAFT, "Revenir au projet"),
        Transition(C.SIGNING, C.ACTIVE, "Enregistrer la signature"),
        Transition(C.ACTIVE, C.TO_RENEW, "Marquer à renouveler"),
        Transition(C.TO_RENEW, C.ACTIVE, "Prolonger (avenant signé)"),
        Transition(C.ACTIVE, C.EXPIRED, "Constater l'échéance"),
        Transition(C.TO_RENEW, C.EXPIRED, "Constater l'échéance"),
        Transition(C.ACTIVE, C.TERMINATED, "Résilier"),
        Transition(C.TO_RENEW, C.TERMINATED, "Résilier"),
    ],
)

# The states a convention is followed in: reminders, digest, partner space « en cours ».
CONVENTION_LIVE = (C.ACTIVE, C.TO_RENEW)
# A reason is required to enter these.
REASON_REQUIRED = {C.TERMINATED: "termination_reason"}

K = Commitment.Status

COMMITMENT_WORKFLOW = Workflow(
    field="status",
    transitions=[
        Transition(K.TODO, K.IN_PROGRESS, "Commencer"),
        Transition(K.TODO, K.DONE, "Marquer tenu"),
        Transition(K.IN_PROGRESS, K.DONE, "Marquer tenu"),
        Transition(K.LATE, K.DONE, "Marquer tenu"),
        # The due date passed (the daily sweep), and a late commitment taken up again.
        Transition(K.TODO, K.LATE, "Passer en retard"),
        Transition(K.IN_PROGRESS, K.LATE, "Passer en retard"),
        Transition(K.LATE, K.IN_PROGRESS, "Reprendre (nouvelle échéance)"),
        # The partner says it is done; staff confirm or send it back.
        Transition(K.TODO, K.REPORTED, "Déclarer tenu"),
        Transition(K.IN_PROGRESS, K.REPORTED, "Déclarer tenu"),
        Transition(K.LATE, K.REPORTED, "Déclarer tenu"),
        Transition(K.REPORTED, K.DONE, "Confirmer : tenu"),
        Transition(K.REPORTED, K.IN_PROGRESS, "Refuser : pas encore tenu"),
        # Given up (a committee decision, or the convention ended without it).
        Transition(K.TODO, K.ABANDONED, "Abandonner"),
        Transition(K.IN_PROGRESS, K.ABANDONED, "Abandonner"),
        Transition(K.LATE, K.ABANDONED, "Abandonner"),
        Transition(K.REPORTED, K.ABANDONED, "Abandonner"),
    ],
)

# Who may take which commitment transition: the partner space offers only these.
PARTNER_COMMITMENT_TARGETS = frozenset({K.REPORTED})
