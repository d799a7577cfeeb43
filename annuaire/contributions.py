"""Contributions from the public (new organisations, corrections) and claims of a page
by its organisation: submission, moderation, and their emails. One transaction each."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from annuaire.models import (
    Category,
    Claim,
    ClaimTransition,
    Contribution,
    ContributionTransition,
    Organisation,
    PartnerMembership,
)
from annuaire.selectors import EmailChange, email_changes
from annuaire.services import save_organisation
from comptes.services import ACTIVATION_LINK
from lib.workflow import Transition, Workflow, WorkflowError
from messagerie.links import LinkUnavailable, issue_token, private_link, resolve_token
from messagerie.services import queue_email
from referentiels.models import LegalForm, Territory, TerritoryKind

S = Contribution.Status
CONTRIBUTION_WORKFLOW = Workflow(
    field="status",
    transitions=[Transition(S.PENDING, S.ACCEPTED, "Accepter"), Transition(S.PENDING, S.REJECTED, "Refuser")],
)
C = Claim.Status
CLAIM_WORKFLOW = Workflow(
    field="status",
    transitions=[
        Transition(C.EMAIL_PENDING, C.CONFIRMED, "Confirmée par la structure"),
        Transition(C.EMAIL_PENDING, C.EXPIRED, "Expirée"),
        Transition(C.EMAIL_PENDING, C.REJECTED, "Refuser"),
        Transition(C.CONFIRMED, C.APPROVED, "Valider et créer l'accès"),
        Transition(C.CONFIRMED, C.REJECTED, "Refuser"),
        # approve_claim takes this path when the organisation's address changed recently.
        Transition(C.CONFIRMED, C.AWAITING_SECOND_APPROVAL, "Première validation"),
        Transition(C.AWAITING_SECOND_APPROVAL, C.APPROVED, "Valider et créer l'accès (seconde validation)"),
        Transition(C.AWAITING_SECOND_APPROVAL, C.REJECTED, "Refuser"),
    ],
)
# Transitions staff trigger from the admin (the others follow the organisation's link or time).
CLAIM_STAFF_TARGETS = {C.APPROVED, C.REJECTED}

# Fields a contribution may propose, with their labels, in display order.
CONTRIBUTION_FIELDS = {
    "name": "Nom",
    "acronym": "Sigle",
    "siret": "SIRET",
    "legal_form": "Forme juridique",
    "description": "Présentation",
    "address": "Adresse",
    "postcode": "Code postal",
    "commune": "Commune",
    "website": "Site internet",
    "email": "Adresse électronique",
    "phone": "Téléphone",
    "creation_year": "Année de création",
    "categories": "Thématiques",
    "is_support_structure": "Structure d'accompagnement",
    "is_funder": "Financeur",
    "is_supplier": "Fournisseur pour l'achat responsable",
}


class ContributionError(WorkflowError):
    """A contribution or claim that cannot go further; the message is for the person."""


# --- Values: model <-> JSON-friendly proposal ------------------------------------------------


def serialise_value(field: str, value):
    if field == "legal_form":
        return value.code if value else ""
    if field == "commune":
        return value.code if value else ""
    if field == "categories":
        return sorted(category.slug for category in value)
    return value


def current_values(organisation: Organisation) -> dict:
    values = {}
    for field in CONTRIBUTION_FIELDS:
        value = organisation.categories.all() if field == "categories" else getattr(organisation, field)
        values[field] = serialise_value(field, value)
    return values


def display_value(field: str, value) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if field == "legal_form":
        form = LegalForm.objects.filter(code=value).first()
        return form.label if form else value
    if field == "commune":
        commune = Territory.objects.filter(kind=TerritoryKind.COMMUNE, code=value).first()
        return commune.name if commune else value
    if field == "categories":
        return ", ".join(Category.objects.filter(slug__in=value).values_list("name", flat=True))
    return str(value)


@dataclass
class ComparedField:
    label: str
    current: str
    proposed: str
    changed: bool


def compare(contribution: Contribution) -> list[ComparedField]:
    """Current and proposed values side by side, for the moderator."""
    current = current_values(contribution.organisation) if contribution.organisation_id else {}
    rows = []
    for field, label in CONTRIBUTION_FIELDS.items():
        if field not in contribution.proposed:
            continue
        before, after = current.get(field), contribution.proposed[field]
        rows.append(ComparedField(label, display_value(field, before), display_value(field, after), before != after))
    return rows


# --- Contributions -----------------------------------------------------------------------------


@transaction.atomic
def submit_contribution(
    *, kind, organisation=None, values: dict, logo=None, message="", contributor_name, contributor_email, consent_text
) -> Contribution:
    proposed = {field: serialise_value(field, values[field]) for field in CONTRIBUTION_FIELDS if field in values}
    if kind == Contribution.Kind.CORRECTION:
        current = current_values(organisation)
        proposed = {field: value for field, value in proposed.items() if current.get(field) != value}
        if not proposed and not logo and not message:
            raise ContributionError("Aucune modification : la fiche contient déjà ces informations.")
    contribution = Contribution(
        kind=kind,
        organisation=organisation,
        proposed=proposed,
        message=message,
        contributor_name=contributor_name,
        contributor_email=contributor_email,
        consent_text=consent_text,
        consent_at=timezone.now(),
    )
    if logo:
        contribution.logo = logo
    contribution.full_clean()
    contribution.save()
    queue_email(
        to=contributor_email,
        template="annuaire/contribution_recue",
        context={
            "name": contributor_name,
            "contribution": str(contribution),
            "url": _contribution_page(contribution),
            "contact": settings.CONTACT_EMAIL,
        },
    )
    return contribution


def _apply(organisation: Organisation, proposed: dict) -> list:
    categories = None
    for field, value in proposed.items():
        if field == "legal_form":
            organisation.legal_form = LegalForm.objects.filter(code=value).first()
        elif field == "commune":
            organisation.commune = Territory.objects.filter(kind=TerritoryKind.COMMUNE, code=value).first()
        elif field == "categories":
            categories = list(Category.objects.filter(slug__in=value))
        else:
            setattr(organisation, field, value)
    return categories


@transaction.atomic
def accept_contribution(*, contribution: Contribution, by, comment: str = "") -> Organisation:
    """Apply the proposal (create or correct the organisation) and tell the contributor."""
    if contribution.kind == Contribution.Kind.NEW:
        name = contribution.proposed.get("name", "")
        organisation = Organisation(slug=_unique_slug(name), is_published=True)
    else:
        organisation = contribution.organisation
    categories = _apply(organisation, contribution.proposed)
    if contribution.logo:
        organisation.logo = contribution.logo
    organisation.last_verified_at = timezone.localdate()
    save_organisation(organisation=organisation, by=by, categories=categories)
    if contribution.kind == Contribution.Kind.NEW:
        contribution.created_organisation = organisation
        contribution.save(update_fields=["created_organisation"])
    CONTRIBUTION_WORKFLOW.apply(contribution, S.ACCEPTED, log_model=ContributionTransition, by=by, comment=comment)
    queue_email(
        to=contribution.contributor_email,
        template="annuaire/contribution_acceptee",
        context={
            "name": contribution.contributor_name,
            "organisation": organisation.name,
            "url": settings.SITE_URL + reverse("annuaire:structure", args=[organisation.slug]),
            "correct_url": settings.SITE_URL + reverse("annuaire:corriger", args=[organisation.slug]),
            "claim_url": settings.SITE_URL + reverse("annuaire:revendiquer", args=[organisation.slug]),
        },
    )
    return organisation


@transaction.atomic
def reject_contribution(*, contribution: Contribution, by, comment: str) -> None:
    if not comment.strip():
        raise ContributionError("Indiquez la raison du refus : elle est envoyée au contributeur.")
    CONTRIBUTION_WORKFLOW.apply(contribution, S.REJECTED, log_model=ContributionTransition, by=by, comment=comment)
    queue_email(
        to=contribution.contributor_email,
        template="annuaire/contribution_refusee",
        context={
            "name": contribution.contributor_name,
            "contribution": str(contribution),
            "reason": comment,
            "url": settings.SITE_URL + _contribution_form(contribution),
            "contact": settings.CONTACT_EMAIL,
        },
    )


def _contribution_page(contribution: Contribution) -> str:
    """Where a contributor sees what their proposal is about: the organisation's page for a
    correction, the directory for a new organisation (not public before it is accepted)."""
    if contribution.organisation_id and contribution.organisation.is_published:
        return settings.SITE_URL + reverse("annuaire:structure", args=[contribution.organisation.slug])
    return settings.SITE_URL + reverse("annuaire:index")


def _contribution_form(contribution: Contribution) -> str:
    """The form to propose again: the correction form of the organisation, or the new one."""
    if contribution.organisation_id and contribution.organisation.is_published:
        return reverse("annuaire:corriger", args=[contribution.organisation.slug])
    return reverse("annuaire:proposer")


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "structure"
    slug, index = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, index = f"{base}-{index}", index + 1
    return slug


# --- Claims ------------------------------------------------------------------------------------


@transaction.atomic
def submit_claim(*, organisation: Organisation, name, email, position, message="", consent_text) -> Claim:
    """Record the claim and ask the organisation, at its published address, to confirm it."""
    if not organisation.email:
        raise ContributionError(
            "Cette fiche n'a pas d'adresse électronique publiée : écrivez à la CRESS pour en demander la gestion."
        )
    claim = Claim(
        organisation=organisation,
        name=name,
        email=email,
        position=position,
        message=message,
        consent_text=consent_text,
        consent_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=settings.CLAIM_LINK_DAYS),
    )
    claim.full_clean()
    claim.save()
    queue_email(
        to=organisation.email,
        template="annuaire/revendication_confirmation",
        context={
            "organisation": organisation.name,
            "name": name,
            "email": email,
            "position": position,
            "days": settings.CLAIM_LINK_DAYS,
            "url": private_link(CLAIM_LINK, claim=claim.pk),
        },
    )
    return claim


# The private link an organisation receives to confirm a claim (messagerie.links).
CLAIM_LINK = "annuaire.revendication"
# A claim's token outlives the claim's own deadline a little, so that a late click is told
# « expiré » (and the claim marked so) rather than « pas valable ».
CLAIM_TOKEN_EXTRA = timedelta(days=30)


def build_claim_link(*, claim: int) -> str:
    """Link builder: the organisation's confirmation link, minted when its email leaves."""
    found = Claim.objects.filter(pk=claim, status=C.EMAIL_PENDING, expires_at__gt=timezone.now()).first()
    if found is None:
        raise LinkUnavailable("cette demande de gestion n'attend plus de confirmation.")
    token = issue_token(purpose=CLAIM_LINK, object_id=found.pk, expires_at=found.expires_at + CLAIM_TOKEN_EXTRA)
    return settings.SITE_URL + reverse("annuaire:confirmer", args=[token])


def confirm_claim(*, token: str) -> Claim:
    """Confirm from the organisation's link. Not one transaction on purpose: an expired
    link records its expiry even though the confirmation is refused."""
    claim_id = resolve_token(purpose=CLAIM_LINK, token=token)
    claim = Claim.objects.select_related("organisation").filter(pk=claim_id).first() if claim_id else None
    if claim is None:
        raise ContributionError("Ce lien n'est pas valable.")
    if claim.status != C.EMAIL_PENDING:
        raise ContributionError("Cette demande a déjà été traitée.")
    if claim.expires_at < timezone.now():
        CLAIM_WORKFLOW.apply(claim, C.EXPIRED, log_model=ClaimTransition, comment="Lien expiré.")
        raise ContributionError("Ce lien a expiré : la personne doit refaire sa demande.")
    CLAIM_WORKFLOW.apply(claim, C.CONFIRMED, log_model=ClaimTransition, comment="Confirmée par la structure.")
    return claim


def recent_email_changes(claim: Claim) -> list[EmailChange]:
    """Changes of the organisation's address from CLAIM_EMAIL_CHANGE_DAYS before the claim
    until now: whoever made one may have confirmed the claim from their own mailbox."""
    since = claim.created_at - timedelta(days=settings.CLAIM_EMAIL_CHANGE_DAYS)
    return email_changes(organisation=claim.organisation, since=since)


@transaction.atomic
def approve_claim(*, claim: Claim, by) -> PartnerMembership | None:
    """Give the person access: their account (created if needed) becomes a member.

    When the organisation's address changed recently (`recent_email_changes`), this first
    approval is only recorded (who, in the claim's log) and returns None: a second
    approval, by another staff member, grants the access.
    """
    # Approvals of one claim wait for each other; its state is read under the lock.
    claim.status = Claim.objects.select_for_update().values_list("status", flat=True).get(pk=claim.pk)
    if claim.status == C.CONFIRMED and recent_email_changes(claim):
        CLAIM_WORKFLOW.apply(
            claim,
            C.AWAITING_SECOND_APPROVAL,
            log_model=ClaimTransition,
            by=by,
            comment="Première validation : l'adresse de la structure a changé récemment, "
            "une autre personne de l'équipe doit valider à son tour.",
        )
        return None
    if claim.status == C.AWAITING_SECOND_APPROVAL:
        first = claim.transitions.filter(to_state=C.AWAITING_SECOND_APPROVAL).last()
        if first is not None and first.by_id == by.pk:
            raise ContributionError(
                "Vous avez déjà donné la première validation : la seconde doit venir d'une autre personne de l'équipe."
            )
    User = get_user_model()
    user = User.objects.filter(email__iexact=claim.email).first()
    if user is None:
        first_name, _, last_name = claim.name.partition(" ")
        user = User.objects.create_user(email=claim.email, first_name=first_name, last_name=last_name)
    membership, _ = PartnerMembership.objects.get_or_create(user=user, organisation=claim.organisation)
    CLAIM_WORKFLOW.apply(claim, C.APPROVED, log_model=ClaimTransition, by=by)
    context = {
        "name": claim.name,
        "organisation": claim.organisation.name,
        "has_password": user.has_usable_password(),
        "edit_url": settings.SITE_URL + reverse("annuaire:modifier", args=[claim.organisation.slug]),
    }
    if not context["has_password"]:
        context["password_url"] = private_link(ACTIVATION_LINK, user=user.pk)
    queue_email(to=claim.email, template="annuaire/revendication_validee", context=context)
    return membership


@transaction.atomic
def reject_claim(*, claim: Claim, by, comment: str) -> None:
    if not comment.strip():
        raise ContributionError("Indiquez la raison du refus : elle est envoyée à la personne.")
    CLAIM_WORKFLOW.apply(claim, C.REJECTED, log_model=ClaimTransition, by=by, comment=comment)
    queue_email(
        to=claim.email,
        template="annuaire/revendication_refusee",
        context={
            "name": claim.name,
            "organisation": claim.organisation.name,
            "reason": comment,
            "url": settings.SITE_URL + reverse("annuaire:structure", args=[claim.organisation.slug]),
            "contact": settings.CONTACT_EMAIL,
        },
    )


def is_member(user, organisation: Organisation) -> bool:
    return user.is_authenticated and PartnerMembership.objects.filter(user=user, organisation=organisation).exists()


def purge_processed_requests() -> int:
    """RGPD: delete contributions and claims handled (or expired) more than the retention
    period ago, with the names and addresses they hold. Returns how many were deleted."""
    cutoff = timezone.now() - timedelta(days=settings.CONTRIBUTION_RETENTION_DAYS)
    contributions = (
        Contribution.objects.exclude(status=S.PENDING)
        .filter(transitions__created_at__lt=cutoff)
        .exclude(transitions__created_at__gte=cutoff)
    )
    claims = (
        Claim.objects.exclude(status__in=[C.EMAIL_PENDING, C.CONFIRMED, C.AWAITING_SECOND_APPROVAL])
        .filter(transitions__created_at__lt=cutoff)
        .exclude(transitions__created_at__gte=cutoff)
    )
    # Claims never confirmed: their link has expired long ago.
    stale_claims = Claim.objects.filter(status=C.EMAIL_PENDING, expires_at__lt=cutoff)
    deleted = 0
    for queryset in (contributions, claims, stale_claims):
        deleted += queryset.delete()[1].get(queryset.model._meta.label, 0)
    return deleted
