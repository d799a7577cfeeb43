"""The declared workflow of Action 2: the state of a plan's action.

Every change goes through it (lib.workflow: refused if not declared, one log row per
change); the admin offers the allowed transitions as buttons. « Terminée » and
« Abandonnée » are final; the others move freely as the action's life goes.
"""

from lib.workflow import Transition, Workflow
from territoires.models import Action

A = Action.Status
_LIVE = (A.PLANNED, A.IN_PROGRESS, A.LATE, A.PAUSED, A.BLOCKED)
_LABELS = {
    A.PLANNED: "Replanifier (à venir)",
    A.IN_PROGRESS: "Démarrer ou reprendre",
    A.LATE: "Signaler un retard",
    A.PAUSED: "Mettre en pause",
    A.BLOCKED: "Signaler un blocage",
    A.ABANDONED: "Abandonner",
    A.DONE: "Terminer",
}

ACTION_WORKFLOW = Workflow(
    field="status",
    transitions=[
        Transition(source, target, _LABELS[target])
        for source in _LIVE
        for target in (*_LIVE, A.ABANDONED, A.DONE)
        if source != target and not (source == A.PLANNED and target == A.DONE)
    ],
)
