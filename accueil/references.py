"""Suggestions on an intake request: records of other actions (financial tools…) that staff
attach and whose outcome the request records (proposé → demandé → obtenu / refusé).

The records are found and resolved through the registry of reference sources
(lib.references); accueil stores only the source's name, the key and a title copied at link
time, so a record renamed shows its new title and a record withdrawn keeps the copied one.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from accueil.models import IntakeRequest, RequestReference, RequestReferenceTransition
from lib import references
from lib.workflow import Transition, Workflow, WorkflowError

Outcome = RequestReference.Outcome

REFERENCE_WORKFLOW = Workflow(
    field="outcome",
    transitions=[
        Transition(Outcome.PROPOSED, Outcome.ASKED, "Demandé"),
        Transition(Outcome.ASKED, Outcome.OBTAINED, "Obtenu"),
        Transition(Outcome.ASKED, Outcome.REFUSED, "Refusé"),
    ],
)


class ReferenceError(WorkflowError):
    """A suggestion refused for a reason staff or the holder can fix (French message)."""


def sources_for_request(intake: IntakeRequest) -> list[references.ReferenceSource]:
    """The sources staff may search for this request: those serving one of its needs."""
    return references.sources_for(intake.needs)


def attach_reference(*, intake: IntakeRequest, source: str, key: str, by) -> RequestReference:
    """Suggest the record `key` of `source` to the holder of `intake`, its title copied now."""
    registered = references.get_source(source)
    if registered is None:
        raise ReferenceError("Cette source de suggestions n'existe pas.")
    if registered.need not in intake.needs:
        raise ReferenceError(
            f"« {registered.label} » ne répond à aucun besoin de cette demande : ajoutez d'abord le besoin."
        )
    if intake.anonymised_at is not None:
        raise ReferenceError("Cette demande est anonymisée : on n'y ajoute plus rien.")
    found = registered.resolve([str(key)]).get(str(key))
    if found is None:
        raise ReferenceError("Cet élément n'est pas (ou plus) proposé : choisissez-en un autre.")
    try:
        with transaction.atomic():
            return RequestReference.objects.create(
                request=intake, source=source, key=found.key, title=found.title[:200], added_by=by
            )
    except IntegrityError as error:
        raise ReferenceError(f"« {found.title} » est déjà suggéré sur cette demande.") from error


def change_outcome(
    *, suggestion: RequestReference, target: str, by=None, by_holder: bool = False
) -> RequestReferenceTransition:
    """Record what came of a suggestion (staff, or the holder from the tracking page)."""
    if target not in Outcome.values:
        raise ReferenceError("Cette suite n'existe pas.")
    if not REFERENCE_WORKFLOW.can(suggestion, target):
        raise ReferenceError(
            f"« {suggestion.title} » est « {suggestion.get_outcome_display().lower()} » : "
            f"on ne peut pas le passer à « {Outcome(target).label.lower()} »."
        )
    return REFERENCE_WORKFLOW.apply(
        suggestion, target, log_model=RequestReferenceTransition, by=by, by_holder=by_holder
    )


@dataclass(frozen=True)
class Suggestion:
    suggestion: RequestReference
    title: str  # the record's title now, or the copied one if it is no longer offered
    url: str  # "" when no longer offered
    detail: str
    available: bool
    choices: list  # the outcomes the holder may record next (Transition)


def request_suggestions(intake: IntakeRequest) -> list[Suggestion]:
    """The request's suggestions, resolved: one query for the rows plus one per source."""
    rows = list(intake.references.all())
    resolved = references.resolve_references((row.source, row.key) for row in rows)
    result = []
    for row in rows:
        found = resolved.get((row.source, row.key))
        result.append(
            Suggestion(
                suggestion=row,
                title=found.title if found else row.title,
                url=found.url if found else "",
                detail=found.detail if found else "",
                available=found is not None,
                choices=REFERENCE_WORKFLOW.allowed(row),
            )
        )
    return result
