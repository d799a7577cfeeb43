"""Every operation of Action 1 that changes state (DESIGN.md, « Inside an app »): views,
admin actions, tasks and commands call these; one transaction each."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lib import metrics
from lib.dates import french_date
from lib.uploads import DOCUMENT_KINDS, KINDS, SPREADSHEET_KINDS, accepted_label, validate_document
from lib.workflow import TransitionNotAllowed, WorkflowError
from messagerie.services import queue_email
from partenariats.figures import year_period
from partenariats.models import (
    Amendment,
    Commitment,
    CommitmentTransition,
    Convention,
    ConventionTransition,
    Deliverable,
    Partner,
    PartnerFigure,
)
from partenariats.workflows import (
    COMMITMENT_WORKFLOW,
    CONVENTION_LIVE,
    CONVENTION_WORKFLOW,
    PARTNER_COMMITMENT_TARGETS,
    REASON_REQUIRED,
)

# A convention in these states is over: an amendment no longer moves its end.
CONVENTION_CLOSED = (Convention.Status.EXPIRED, Convention.Status.TERMINATED)


def move_convention(convention: Convention, target: str, *, by=None, comment: str = "") -> ConventionTransition:
    """Move a convention to `target` as declared (CONVENTION_WORKFLOW; its `apply` is one
    transaction). Entering « résiliée » needs a reason (the comment), kept on the convention."""
    changes = {}
    if target in REASON_REQUIRED:
        if not comment.strip():
            raise WorkflowError("Indiquez le motif de la résiliation.")
        changes[REASON_REQUIRED[target]] = comment.strip()
    return CONVENTION_WORKFLOW.apply(
        convention, target, log_model=ConventionTransition, by=by, comment=comment, changes=changes
    )


def move_commitment(commitment: Commitment, target: str, *, by=None, comment: str = "") -> CommitmentTransition:
    """Move a commitment to `target` as declared (COMMITMENT_WORKFLOW)."""
    return COMMITMENT_WORKFLOW.apply(commitment, target, log_model=CommitmentTransition, by=by, comment=comment)


# --- Files ---------------------------------------------------------------------------------

# A scanned convention of some fifty pages, or a report with photos.
SIGNED_FILE_MAX_BYTES = 20 * 1024 * 1024
# None: PARTENARIATS_DELIVERABLE_MAX_MB decides (a test may set a number here).
DELIVERABLE_MAX_BYTES = None


def deliverable_max_bytes() -> int:
    return DELIVERABLE_MAX_BYTES or settings.PARTENARIATS_DELIVERABLE_MAX_MB * 1024 * 1024


def validate_signed_pdf(upload) -> None:
    """A signed convention or amendment is a PDF, read from its first bytes whatever its name."""
    kind = validate_document(upload, max_bytes=SIGNED_FILE_MAX_BYTES)
    if kind != "pdf":
        raise ValidationError(
            f"« {upload.name} » n'est pas un PDF : enregistrez la convention ou l'avenant signé en PDF "
            "(numérisation ou export), puis déposez-le de nouveau.",
            code="not_pdf",
        )


def _original_name(upload) -> str:
    """The name the file had on the uploader's computer, shown to staff (never used to store it)."""
    name = PurePath(str(getattr(upload, "name", "") or "").replace("\\", "/")).name
    return "".join(char for char in name if char.isprintable())[:200] or "document"


# --- Amendments ----------------------------------------------------------------------------


def record_amendment(
    *,
    convention: Convention,
    number: int,
    signed_on: date,
    summary: str,
    new_end_date: date | None = None,
    new_amount: Decimal | None = None,
    file=None,
    by=None,
) -> Amendment:
    """Record a signed amendment (avenant) and apply it to the convention, in one transaction.

    A new end date moves the convention's end (reminders follow it); it must stay after the
    start, and an ended or terminated convention is not extended (a new convention is). A
    new amount replaces the convention's. A convention « à renouveler » given a future end
    goes back to « en vigueur » through the workflow (one log row). The file, if any, must
    be a PDF (read by content). Raises ValidationError (French, by field) and changes nothing.
    """
    if file:
        validate_signed_pdf(file)
    with transaction.atomic():
        locked = Convention.objects.select_for_update().get(pk=convention.pk)
        errors = {}
        if new_end_date is not None:
            if locked.status in CONVENTION_CLOSED:
                errors["new_end_date"] = (
                    f"La convention est {locked.get_status_display().lower()} : un avenant ne déplace plus sa fin. "
                    "Pour poursuivre le partenariat, préparez une nouvelle convention."
                )
            elif new_end_date <= locked.start_date:
                errors["new_end_date"] = (
                    f"La nouvelle fin ({french_date(new_end_date)}) doit être postérieure au début de la "
                    f"convention ({french_date(locked.start_date)})."
                )
        if number and Amendment.objects.filter(convention=locked, number=number).exists():
            errors["number"] = f"L'avenant n° {number} de cette convention est déjà enregistré."
        if errors:
            raise ValidationError(errors)
        amendment = Amendment(
            convention=locked,
            number=number,
            signed_on=signed_on,
            summary=(summary or "").strip(),
            new_end_date=new_end_date,
            new_amount=new_amount,
        )
        amendment.full_clean()
        if file:
            amendment.file = file
        amendment.save()

        changed = {}
        if new_end_date is not None:
            changed["end_date"] = new_end_date
        if new_amount is not None:
            changed["amount"] = new_amount
        if changed:
            for name, value in changed.items():
                setattr(locked, name, value)
                setattr(convention, name, value)
            locked.save(update_fields=[*changed, "updated_at"])
        if (
            locked.status == Convention.Status.TO_RENEW
            and new_end_date is not None
            and new_end_date > timezone.localdate()
        ):
            move_convention(
                convention,
                Convention.Status.ACTIVE,
                by=by,
                comment=f"Avenant n° {number} : prolongée jusqu'au {french_date(new_end_date)}.",
            )
    return amendment


# --- Deliverables --------------------------------------------------------------------------


def staff_owner_email(commitment: Commitment) -> str:
    """Who at the CRESS follows this commitment: its owner, else the convention's, else the
    CRESS's contact address."""
    for person in (commitment.owner, commitment.convention.owner):
        if person is not None and person.email:
            return person.email
    return settings.CONTACT_EMAIL


def _commitment_admin_url(commitment: Commitment) -> str:
    return settings.SITE_URL + reverse("admin:partenariats_commitment_change", args=[commitment.pk])


DELIVERABLE_KINDS = DOCUMENT_KINDS | SPREADSHEET_KINDS
DELIVERABLE_HELP = f"{accepted_label(DELIVERABLE_KINDS)} ; le contenu du fichier est vérifié, quel que soit son nom."


def validate_deliverable(upload) -> str:
    """The deliverable's kind (a document, an image or a spreadsheet, read from its content),
    or a French ValidationError; the one check of the admin, the partner space and the service."""
    return validate_document(upload, max_bytes=deliverable_max_bytes(), kinds=DELIVERABLE_KINDS)


def add_deliverable(*, commitment: Commitment, title: str, upload, by=None, by_partner: bool = False) -> Deliverable:
    """Attach a document showing a commitment kept, uploaded by staff or by the partner
    (`by_partner`). The file is checked by its content (validate_deliverable: a document, an
    image or a spreadsheet, within PARTENARIATS_DELIVERABLE_MAX_MB) and stored under a
    random name; its original name (with the extension of what it really is) and size are
    kept for the lists. Without a title, the file's name is the title. A partner's upload is
    announced to the staff who follow the commitment; a partner uploads only to a commitment
    still open in a convention in force. Raises a French ValidationError and writes nothing
    when the file is refused."""
    if by_partner and (
        commitment.status in (Commitment.Status.DONE, Commitment.Status.ABANDONED)
        or commitment.convention.status not in CONVENTION_LIVE
    ):
        raise ValidationError(
            f"L'engagement « {commitment.title} » est {commitment.get_status_display().lower()} ou sa convention "
            "n'est plus en vigueur : il n'attend plus de livrable. Écrivez à la CRESS dans la conversation.",
            code="closed",
        )
    kind = validate_deliverable(upload)
    extension = KINDS[kind][0]
    original_name = f"{PurePath(_original_name(upload)).stem[:150] or 'document'}{extension}"
    deliverable = Deliverable(
        commitment=commitment,
        title=((title or "").strip() or original_name)[:200],
        original_name=original_name,
        size=upload.size,
        uploaded_by=by,
        by_partner=by_partner,
    )
    deliverable.full_clean(exclude=["file"])
    with transaction.atomic():
        deliverable.file.save(f"livrable{extension}", upload, save=False)
        deliverable.save()
        if by_partner:
            queue_email(
                to=staff_owner_email(commitment),
                template="partenariats/livrable_depose",
                context={
                    "commitment": commitment,
                    "convention": commitment.convention,
                    "deliverable": deliverable,
                    "author": _person(by),
                    "url": _commitment_admin_url(commitment),
                },
            )
    return deliverable


# --- Published figures ---------------------------------------------------------------------


@dataclass
class FiguresComputed:
    updated: list[PartnerFigure] = field(default_factory=list)
    unavailable: list[PartnerFigure] = field(default_factory=list)  # metric no longer computed


def compute_partner_figures(*, partner: Partner) -> FiguresComputed:
    """Fill the value of each of the partner's figures that follows a metric, from
    lib.metrics for the figure's year and the partner's organisation. A figure whose metric
    is no longer computed keeps its value. One transaction."""
    outcome = FiguresComputed()
    with transaction.atomic():
        for figure in partner.figures.exclude(metric="").select_for_update().order_by("-year", "label"):
            start, end = year_period(figure.year)
            value = metrics.value(figure.metric, partner.organisation_id, start, end)
            if value is None:
                outcome.unavailable.append(figure)
                continue
            figure.value = value
            figure.save(update_fields=["value", "updated_at"])
            outcome.updated.append(figure)
    return outcome


# --- The partner space ----------------------------------------------------------------------

# What a partner may add to a declaration (kept in the transition log's comment).
DECLARATION_COMMENT_MAX = 2000


def declare_commitment_kept(*, commitment: Commitment, by, comment: str = "") -> CommitmentTransition:
    """A partner says its commitment is kept (« déclaré tenu »): the only move the partner
    space offers (PARTNER_COMMITMENT_TARGETS); staff confirm or send it back in the admin,
    and the staff member who follows the commitment is emailed the link."""
    target = Commitment.Status.REPORTED
    comment = (comment or "").strip()
    if len(comment) > DECLARATION_COMMENT_MAX:
        raise WorkflowError(f"Vos précisions comptent {DECLARATION_COMMENT_MAX} caractères au plus.")
    if target not in PARTNER_COMMITMENT_TARGETS or not COMMITMENT_WORKFLOW.can(commitment, target):
        raise WorkflowError(
            f"Cet engagement ne peut pas être déclaré tenu : il est « {commitment.get_status_display()} »."
        )
    with transaction.atomic():
        try:
            log = move_commitment(commitment, target, by=by, comment=comment)
        except TransitionNotAllowed as error:  # its state changed since the page was shown
            raise WorkflowError("Cet engagement vient de changer d'état : rechargez la page.") from error
        queue_email(
            to=staff_owner_email(commitment),
            template="partenariats/engagement_declare_tenu",
            context={
                "commitment": commitment,
                "convention": commitment.convention,
                "author": _person(by),
                "comment": comment,
                "url": _commitment_admin_url(commitment),
            },
        )
    return log


def _person(user) -> str:
    if user is None:
        return "Un membre du partenaire"
    return user.get_full_name() or user.email
