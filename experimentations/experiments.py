"""The experiments pipeline (issue 13, point 10): an experiment moves through its stages
only by EXPERIMENT_WORKFLOW (one log row each), its texts are made safe on save, and its
documents are checked by their content and stored under a random name."""

import secrets

from django.db import transaction

from experimentations.models import Experiment, ExperimentDocument, ExperimentTransition
from experimentations.workflows import EXPERIMENT_REASON_REQUIRED, EXPERIMENT_WORKFLOW
from lib.richtext import clean_html
from lib.uploads import KINDS, validate_document
from lib.workflow import WorkflowError

DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


class ExperimentError(WorkflowError):
    """A change refused for a reason staff can fix (French message)."""


def move_experiment(*, experiment: Experiment, target: str, by=None, comment: str = "") -> ExperimentTransition:
    """Move `experiment` to the stage `target` as declared; abandoning needs a reason (the comment),
    kept on the experiment."""
    comment = (comment or "").strip()
    if target not in Experiment.Stage.values:
        raise ExperimentError("Cette étape n'existe pas.")
    if not EXPERIMENT_WORKFLOW.can(experiment, target):
        raise ExperimentError(
            f"L'expérimentation est à l'étape « {experiment.get_stage_display()} » : "
            f"elle ne peut pas passer à « {Experiment.Stage(target).label} »."
        )
    changes = {}
    if target in EXPERIMENT_REASON_REQUIRED:
        if not comment:
            raise ExperimentError("Indiquez le motif de l'abandon dans le commentaire.")
        changes[EXPERIMENT_REASON_REQUIRED[target]] = comment[:2000]
    return EXPERIMENT_WORKFLOW.apply(
        experiment, target, log_model=ExperimentTransition, by=by, comment=comment, changes=changes
    )


def save_experiment(experiment: Experiment) -> Experiment:
    """Save an experiment with its presentation and results made safe (lib.richtext)."""
    experiment.description = clean_html(experiment.description)
    experiment.results = clean_html(experiment.results)
    with transaction.atomic():
        experiment.full_clean()
        experiment.save()
    return experiment


def check_document(upload) -> str:
    """The upload's extension if it is an accepted document (checked by content), else a French
    ValidationError."""
    return KINDS[validate_document(upload, max_bytes=DOCUMENT_MAX_BYTES)][0]


def prepare_document(document: ExperimentDocument, upload, extension: str) -> ExperimentDocument:
    """Give a new upload its random stored name (never the uploaded one) and its size."""
    document.original_name = (getattr(upload, "name", "") or "document")[:200]
    document.stored_name = f"{secrets.token_hex(16)}{extension}"
    document.size = upload.size
    return document


def add_document(*, experiment: Experiment, title: str, upload, is_public: bool = False) -> ExperimentDocument:
    """Attach a checked document to an experiment."""
    extension = check_document(upload)
    document = ExperimentDocument(experiment=experiment, title=title, is_public=is_public)
    prepare_document(document, upload, extension)
    document.file = upload
    with transaction.atomic():
        document.full_clean(exclude=["file"])
        document.save()
    return document


def public_document(*, slug: str, pk: int) -> ExperimentDocument | None:
    """A document anyone may download: ticked public, on a public experiment."""
    return (
        ExperimentDocument.objects.filter(pk=pk, is_public=True, experiment__slug=slug, experiment__is_public=True)
        .only("pk", "file", "original_name", "stored_name", "title")
        .first()
    )
