"""The declared workflows of Action 7: a financial tool's states, a buyer's need's states,
an experiment's stages.

Every change of state goes through one of these (lib.workflow: refused if not declared, one
log row per change). The services call them; the admin shows the allowed transitions as
buttons.
"""

from experimentations.models import Experiment, FinancialTool, Need
from lib.workflow import Transition, Workflow

T = FinancialTool.Status

TOOL_WORKFLOW = Workflow(
    field="status",
    transitions=[
        Transition(T.DRAFT, T.PUBLISHED, "Publier"),
        Transition(T.PUBLISHED, T.DRAFT, "Repasser en brouillon"),
        Transition(T.PUBLISHED, T.ARCHIVED, "Archiver"),
        Transition(T.DRAFT, T.ARCHIVED, "Archiver"),
        Transition(T.ARCHIVED, T.DRAFT, "Ressortir des archives (brouillon)"),
    ],
)

N = Need.Status

NEED_WORKFLOW = Workflow(
    field="status",
    transitions=[
        Transition(N.DRAFT, N.SUBMITTED, "Soumettre"),
        Transition(N.SUBMITTED, N.VALIDATED, "Valider"),
        Transition(N.SUBMITTED, N.CHANGES, "Demander une modification"),
        Transition(N.SUBMITTED, N.REFUSED, "Refuser"),
        Transition(N.CHANGES, N.SUBMITTED, "Soumettre de nouveau"),
        # Without an answer from the buyer within NEED_CHANGES_DAYS (a sweep), or by staff.
        Transition(N.CHANGES, N.REFUSED, "Refuser"),
        Transition(N.VALIDATED, N.SENT, "Envoyer aux fournisseurs"),
        Transition(N.VALIDATED, N.REFUSED, "Refuser"),
        Transition(N.SENT, N.CLOSED, "Clore"),
    ],
)

# A reason is required to enter these (the field that keeps it).
NEED_REASON_REQUIRED = {N.REFUSED: "refusal_reason", N.CHANGES: "changes_requested"}
# What the buyer may still edit.
NEED_EDITABLE = (N.DRAFT, N.CHANGES)

E = Experiment.Stage

EXPERIMENT_WORKFLOW = Workflow(
    field="stage",
    transitions=[
        Transition(E.IDEA, E.STUDY, "Passer à l'étude"),
        Transition(E.STUDY, E.TRIAL, "Lancer l'expérimentation"),
        Transition(E.TRIAL, E.EVALUATION, "Évaluer"),
        Transition(E.EVALUATION, E.SPREADING, "Essaimer"),
        Transition(E.EVALUATION, E.TRIAL, "Prolonger l'expérimentation"),
        *(Transition(stage, E.ABANDONED, "Abandonner") for stage in (E.IDEA, E.STUDY, E.TRIAL, E.EVALUATION)),
    ],
)

EXPERIMENT_REASON_REQUIRED = {E.ABANDONED: "abandon_reason"}
