"""Every operation of Action 2 that changes state (DESIGN.md, « Inside an app »): views,
admin actions, tasks and commands call these; one transaction each."""

from territoires.models import Action, ActionTransition
from territoires.workflows import ACTION_WORKFLOW


def move_action(action: Action, target: str, *, by=None, comment: str = "") -> ActionTransition:
    """Move a plan's action to `target` as declared (ACTION_WORKFLOW)."""
    return ACTION_WORKFLOW.apply(action, target, log_model=ActionTransition, by=by, comment=comment)
