"""The partner space (issue 12, point 5): a partner's members, logged in, see the conventions
their partners are party to, the commitments, deliverables and committee minutes; they
upload a deliverable, declare a commitment kept (staff confirm) and write to the CRESS.

Every object is looked up in the user's scope (`partenariats.selectors_espace`): outside
it, the answer is 404, never 403, so that nobody learns what exists. Files are sent by
these views only, as downloads, never from a public address.
"""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from lib.dates import french_date
from lib.downloads import file_response
from lib.forms import submitted
from lib.ratelimit import submit_within_limit
from lib.richtext import clean_html
from lib.uploads import KINDS
from lib.workflow import WorkflowError
from partenariats import conversation, services
from partenariats import selectors_espace as scope
from partenariats.forms_espace import DeclarationForm, DeliverableForm, MessageForm
from partenariats.models import Commitment, Convention
from partenariats.workflows import COMMITMENT_WORKFLOW, PARTNER_COMMITMENT_TARGETS

# The list's sections, in this order: (anchor, title, states).
SECTIONS = (
    ("en-vigueur", "En vigueur", (Convention.Status.ACTIVE,)),
    ("a-renouveler", "À renouveler", (Convention.Status.TO_RENEW,)),
    ("en-preparation", "En préparation", (Convention.Status.DRAFT, Convention.Status.SIGNING)),
    ("terminees", "Terminées", (Convention.Status.EXPIRED, Convention.Status.TERMINATED)),
)
# Posts of the space are counted per person (the limit shared with the other private pages).
POSTS_SCOPE = "partenariats-espace"
POSTS_LIMIT_SETTING = "PRIVATE_PAGE_POSTS_PER_HOUR"
MIME_TYPES = dict(KINDS.values())  # extension -> MIME type


def _submit(request, form, action, errors=(ValidationError,)):
    """Rate limit (per person), validate, call the service; French errors on the form."""
    return submit_within_limit(
        request,
        scope=POSTS_SCOPE,
        limit_setting=POSTS_LIMIT_SETTING,
        key=f"utilisateur-{request.user.pk}",
        form=form,
        action=action,
        errors=errors,
    )


def _private(response):
    # The space's addresses are not secrets, but what they show is: never sent to another site.
    response["Referrer-Policy"] = "same-origin"
    return response


@never_cache
@login_required
@require_GET
def conventions(request):
    """« Mes conventions »: those of every partner the user acts for, by state."""
    partners = list(scope.partners_of(request.user).select_related("organisation"))
    rows = list(scope.convention_list(request.user)) if partners else []
    sections = [
        {"anchor": anchor, "title": title, "conventions": [c for c in rows if c.status in states]}
        for anchor, title, states in SECTIONS
    ]
    context = {
        "partners": partners,
        "sections": sections,
        "count": len(rows),
        "trail": [],
        "subtitle": "Vous agissez pour : " + ", ".join(str(partner) for partner in partners) if partners else "",
    }
    return _private(render(request, "partenariats/espace/conventions.html", context))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def convention(request, pk):
    """A convention: its terms, commitments, committees, and its conversation (write here)."""
    convention = scope.convention_page(request.user, pk)
    if convention is None:
        raise Http404  # not a convention of this person's partners
    mine = set(scope.partners_of(request.user).values_list("pk", flat=True))
    form = MessageForm(**submitted(request))
    status = 200
    if request.method == "POST":
        own_parties = [party for party in convention.parties.all() if party.pk in mine]
        submission = _submit(
            request,
            form,
            lambda data: conversation.post_partner_message(
                convention=convention, author=request.user, partner=own_parties[0], body=data["body"]
            ),
            errors=(conversation.ConversationError,),
        )
        if submission.done:
            messages.success(request, "Votre message est envoyé à l'équipe de la CRESS, qui vous répondra ici.")
            return redirect(reverse("partenariats:espace-convention", args=[pk]) + "#conversation")
        status = submission.status
    committees = list(convention.committees.all())
    for committee in committees:
        # Sanitised on save; cleaned again, as the admin and the PDF do, for rows written another way.
        committee.minutes_html = clean_html(committee.minutes)
    context = {
        "trail": [],
        "subtitle": f"{convention.reference} — {convention.get_status_display()}",
        "convention": convention,
        "parties": list(convention.parties.all()),
        "commitments": convention.visible_commitments,
        "committees": committees,
        "amendments": list(convention.amendments.all()),
        "conversation": convention.conversation,
        "own_partner_ids": mine,
        "form": form,
    }
    return _private(render(request, "partenariats/espace/convention.html", context, status=status))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def commitment(request, pk):
    """A commitment of the user's partners: upload a deliverable, declare it kept."""
    commitment = scope.commitment_page(request.user, pk)
    if commitment is None:
        raise Http404  # not a commitment of this person's partners
    here = reverse("partenariats:espace-engagement", args=[pk])
    upload_form, declaration_form = DeliverableForm(), DeclarationForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == DeliverableForm.action:
            upload_form = DeliverableForm(request.POST, request.FILES)
            submission = _submit(
                request,
                upload_form,
                lambda data: services.add_deliverable(
                    commitment=commitment, title=data["title"], upload=data["file"], by=request.user, by_partner=True
                ),
            )
            done = "Votre livrable est déposé ; l'équipe de la CRESS en est prévenue."
        elif action == DeclarationForm.action:
            declaration_form = DeclarationForm(request.POST)
            submission = _submit(
                request,
                declaration_form,
                lambda data: services.declare_commitment_kept(
                    commitment=commitment, by=request.user, comment=data["comment"]
                ),
                errors=(WorkflowError,),
            )
            done = "Engagement déclaré tenu : l'équipe de la CRESS va le confirmer."
        else:
            messages.error(request, "Action inconnue : rechargez la page et réessayez.")
            return redirect(here)
        if submission.done:
            messages.success(request, done)
            return redirect(here)
        status = submission.status
    convention = commitment.convention
    states = dict(Commitment.Status.choices)
    history = commitment.transitions.all()
    context = {
        "trail": [(reverse("partenariats:espace-convention", args=[convention.pk]), convention.reference)],
        "subtitle": f"{commitment.party_name} — échéance le {french_date(commitment.due_date)}",
        "commitment": commitment,
        "convention": convention,
        "deliverables": list(commitment.deliverables.all()),
        "history": [(step.created_at, states.get(step.to_state, step.to_state)) for step in history],
        "can_declare": any(COMMITMENT_WORKFLOW.can(commitment, target) for target in PARTNER_COMMITMENT_TARGETS),
        "upload_form": upload_form,
        "declaration_form": declaration_form,
    }
    return _private(render(request, "partenariats/espace/engagement.html", context, status=status))


def _download(field_file, filename: str):
    """A private file, as a download, never cached."""
    if not field_file:
        raise Http404
    extension = PurePath(field_file.name).suffix.lower()
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = file_response(
        handle,
        filename=f"{PurePath(filename).stem}{extension}",
        content_type=MIME_TYPES.get(extension, "application/octet-stream"),
    )
    return _private(response)


def _one(queryset, pk):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404  # outside the person's scope, or gone
    return found


@never_cache
@login_required
@require_GET
def deliverable_file(request, pk):
    deliverable = _one(scope.visible_deliverables(request.user), pk)
    return _download(deliverable.file, deliverable.original_name or deliverable.title)


@never_cache
@login_required
@require_GET
def minutes_file(request, pk):
    committee = _one(scope.visible_committees(request.user).select_related("convention"), pk)
    return _download(committee.minutes_file, f"compte-rendu-{committee.convention.reference}-{committee.pk}")


@never_cache
@login_required
@require_GET
def convention_file(request, pk):
    convention = _one(scope.conventions_of(request.user), pk)
    return _download(convention.signed_file, f"convention-{convention.reference}")


@never_cache
@login_required
@require_GET
def amendment_file(request, pk):
    amendment = _one(scope.visible_amendments(request.user).select_related("convention"), pk)
    return _download(amendment.file, f"avenant-{amendment.number}-{amendment.convention.reference}")
