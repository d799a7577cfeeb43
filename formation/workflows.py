"""The declared workflows of Action 6: a registration's states, an HR request's states.

Every change of a registration's or an HR request's state goes through one of these
(lib.workflow: refused if not declared, one log row per change). The services in
`formation.services` call them; the admin shows the allowed transitions as buttons.
"""

from formation.models import HrRequest, Registration
from lib.workflow import Transition, Workflow

R = Registration.Status

REGISTRATION_WORKFLOW = Workflow(
    field="status",
    transitions=[
        # The person's own acts (private link) and the waiting list's mechanics.
        Transition(R.REGISTERED, R.CONFIRMED, "Confirmer la participation"),
        Transition(R.REGISTERED, R.CANCELLED, "Annuler l'inscription"),
        Transition(R.CONFIRMED, R.CANCELLED, "Annuler l'inscription"),
        Transition(R.WAITING, R.OFFERED, "Proposer la place libérée"),
        Transition(R.WAITING, R.CANCELLED, "Retirer de la liste d'attente"),
        Transition(R.OFFERED, R.CONFIRMED, "Accepter la place proposée"),
        Transition(R.OFFERED, R.CANCELLED, "Offre expirée ou déclinée"),
        # Staff: a place given directly (over the list, when staff raise the capacity).
        Transition(R.WAITING, R.REGISTERED, "Inscrire (place disponible)"),
        # After the session: attendance, and its correction.
        Transition(R.REGISTERED, R.PRESENT, "Marquer présente"),
        Transition(R.CONFIRMED, R.PRESENT, "Marquer présente"),
        Transition(R.REGISTERED, R.ABSENT, "Marquer absente"),
        Transition(R.CONFIRMED, R.ABSENT, "Marquer absente"),
        Transition(R.ABSENT, R.PRESENT, "Corriger : présente"),
        Transition(R.PRESENT, R.ABSENT, "Corriger : absente"),
    ],
)

H = HrRequest.Status

HR_WORKFLOW = Workflow(
    field="status",
    transitions=[
        Transition(H.NEW, H.IN_PROGRESS, "Prendre en charge"),
        Transition(H.IN_PROGRESS, H.WAITING, "Demander des précisions à l'employeur"),
        Transition(H.WAITING, H.IN_PROGRESS, "Reprendre"),
        Transition(H.NEW, H.CLOSED, "Clore"),
        Transition(H.IN_PROGRESS, H.CLOSED, "Clore"),
        Transition(H.WAITING, H.CLOSED, "Clore"),
    ],
)
