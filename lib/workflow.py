"""Declarative state machines with a transition log.

A workflow lists its allowed transitions once. `apply()` refuses any other, changes the
state and writes exactly one log row (who, when, from, to, comment) in the same
transaction. Nothing else assigns the state field (DESIGN.md, "Workflows").
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction

from lib.dates import french_datetime


class WorkflowError(Exception):
    """An operation refused for a reason the person can fix; the message is in French."""


class TransitionNotAllowed(WorkflowError):
    """The requested change of state is not in the workflow."""


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    label: str  # the button's text, in French


class Workflow:
    def __init__(self, *, field: str, transitions: list[Transition]):
        self.field = field
        self.transitions = transitions

    def allowed(self, obj) -> list[Transition]:
        state = getattr(obj, self.field)
        return [t for t in self.transitions if t.source == state]

    def can(self, obj, target: str) -> bool:
        return any(t.target == target for t in self.allowed(obj))

    def apply(self, obj, target: str, *, log_model, by=None, comment: str = "", changes=None, **log_fields):
        """Move `obj` to `target` and log it; raises TransitionNotAllowed otherwise.

        `changes` are other fields saved with the new state (an outcome on closing…);
        `log_fields` go on the log row.
        """
        changes = changes or {}
        with transaction.atomic():
            locked = type(obj).objects.select_for_update().get(pk=obj.pk)
            source = getattr(locked, self.field)
            if not any(t.source == source and t.target == target for t in self.transitions):
                raise TransitionNotAllowed(f"Transition refusée : {source} → {target}.")
            for name, value in {self.field: target, **changes}.items():
                setattr(locked, name, value)
                setattr(obj, name, value)
            locked.save(update_fields=[self.field, *changes])
            return log_model.objects.create(
                subject=obj, from_state=source, to_state=target, by=by, comment=comment[:2000], **log_fields
            )


class TransitionLog(models.Model):
    """One row per change of state. Concrete logs add `subject = ForeignKey(...)`."""

    created_at = models.DateTimeField("date", auto_now_add=True)
    from_state = models.CharField("état de départ", max_length=30)
    to_state = models.CharField("nouvel état", max_length=30)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="par"
    )
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Changement d'état du {french_datetime(self.created_at)}"
