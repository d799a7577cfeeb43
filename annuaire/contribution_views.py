"""Pages where the public contributes to the directory, and members edit their page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from annuaire import contributions
from annuaire.contribution_forms import CONSENT_TEXT, ClaimForm, ContributionForm, MemberEditForm
from annuaire.models import Contribution, Organisation
from annuaire.services import save_organisation
from lib.forms import submitted
from lib.ratelimit import submit_within_limit
from lib.workflow import WorkflowError


def _published(slug) -> Organisation:
    return get_object_or_404(Organisation.objects.filter(is_published=True).select_related("commune"), slug=slug)


def _contribute(request, *, kind, organisation=None):
    initial = None
    if organisation is not None:
        initial = {field: getattr(organisation, field) for field in contributions.CONTRIBUTION_FIELDS}
        initial["categories"] = organisation.categories.all()
    form = ContributionForm(
        **submitted(request),
        initial=initial,
        submit_label="Envoyer la correction" if organisation else "Envoyer la proposition",
    )
    status = 200
    if request.method == "POST":
        submission = submit_within_limit(
            request,
            scope="annuaire-contribution",
            limit_setting="CONTRIBUTIONS_PER_HOUR",
            form=form,
            action=lambda data: contributions.submit_contribution(
                kind=kind,
                organisation=organisation,
                values=form.organisation_values(),
                logo=data.get("logo"),
                message=data["message"],
                contributor_name=data["contributor_name"],
                contributor_email=data["contributor_email"],
                consent_text=CONSENT_TEXT,
            ),
            errors=(contributions.ContributionError, ValidationError),
        )
        if submission.done:
            return render(request, "annuaire/contribution_merci.html", {"organisation": organisation})
        status = submission.status
    return render(request, "annuaire/contribution.html", {"form": form, "organisation": organisation}, status=status)


@require_http_methods(["GET", "POST"])
def propose(request):
    return _contribute(request, kind=Contribution.Kind.NEW)


@require_http_methods(["GET", "POST"])
def correct(request, slug):
    return _contribute(request, kind=Contribution.Kind.CORRECTION, organisation=_published(slug))


@require_http_methods(["GET", "POST"])
def claim(request, slug):
    organisation = _published(slug)
    form = ClaimForm(**submitted(request))
    status = 200
    if request.method == "POST":
        submission = submit_within_limit(
            request,
            scope="annuaire-contribution",
            limit_setting="CONTRIBUTIONS_PER_HOUR",
            form=form,
            action=lambda data: contributions.submit_claim(
                organisation=organisation,
                name=data["name"],
                email=data["email"],
                position=data["position"],
                message=data["message"],
                consent_text=CONSENT_TEXT,
            ),
            errors=(contributions.ContributionError,),
        )
        if submission.done:
            return render(request, "annuaire/revendication_envoyee.html", {"organisation": organisation})
        status = submission.status
    return render(request, "annuaire/revendication.html", {"form": form, "organisation": organisation}, status=status)


def confirm_claim(request, token):
    """The organisation confirms, from the link sent to its published address."""
    if request.method == "POST":
        try:
            claim = contributions.confirm_claim(token=token)
        except WorkflowError as error:  # expired, already handled, or confirmed twice at once
            message = (
                str(error)
                if isinstance(error, contributions.ContributionError)
                else "Cette demande a déjà été traitée."
            )
            return render(request, "annuaire/revendication_confirmee.html", {"error": message}, status=400)
        return render(request, "annuaire/revendication_confirmee.html", {"claim": claim})
    # A GET only shows a button: mail scanners that open links must not confirm anything.
    return render(request, "annuaire/revendication_confirmer.html", {"token": token})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not contributions.is_member(request.user, organisation):
        raise PermissionDenied("Vous ne gérez pas cette structure.")
    form = MemberEditForm(**submitted(request), instance=organisation)
    if request.method == "POST" and form.is_valid():
        organisation = form.save(commit=False)
        save_organisation(organisation=organisation, by=request.user, categories=form.cleaned_data["categories"])
        messages.success(request, "La fiche est enregistrée.")
        return (
            redirect("annuaire:structure", slug=organisation.slug)
            if organisation.is_published
            else redirect("annuaire:modifier", slug=organisation.slug)
        )
    return render(
        request,
        "annuaire/modifier.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )
