"""The employer's space under /emplois/espace/ (issue 19, point 8): a member of an organisation
of the directory (annuaire's partner memberships) lists its offers by state with their
applications, writes, edits, duplicates and moves them.

Someone logged in who acts for no organisation gets a French 403 page saying how to claim
one; an offer outside the user's organisations is a 404, so nobody learns what exists.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from emplois import offers as services
from emplois.forms_offers import OfferForm
from emplois.models import Application, Offer
from lib.forms import submitted
from lib.ratelimit import TOO_MANY_MESSAGE, submit_within_limit, within_limit
from lib.workflow import WorkflowError

# The list's sections, in this order: (anchor, title, states).
SECTIONS = (
    ("publiees", "Publiées", (Offer.Status.PUBLISHED,)),
    ("en-revue", "En revue par la CRESS", (Offer.Status.REVIEW,)),
    ("brouillons", "Brouillons", (Offer.Status.DRAFT,)),
    ("refusees", "Refusées", (Offer.Status.REFUSED,)),
    ("terminees", "Pourvues ou expirées", (Offer.Status.FILLED, Offer.Status.EXPIRED)),
)
STATE_LABELS = dict(Offer.Status.choices)
APPLICATION_STATES = Application.Status.choices
POSTS_SCOPE = "emplois-espace"
POSTS_LIMIT_SETTING = "PRIVATE_PAGE_POSTS_PER_HOUR"


def _private(response):
    response["Referrer-Policy"] = "same-origin"
    return response


def _not_a_member(request):
    return _private(render(request, "emplois/espace/non_membre.html", {}, status=403))


def _chosen_organisation(request, organisations):
    """The organisation the page is about: the only one, or the one picked (?structure=)."""
    if len(organisations) == 1:
        return organisations[0]
    chosen = request.GET.get("structure", "")
    return next((o for o in organisations if str(o.pk) == chosen), None)


def _offer_of(request, pk) -> Offer:
    return get_object_or_404(services.offers_of(request.user).select_related("organisation", "rome", "commune"), pk=pk)


def _posts_allowed(request) -> bool:
    return within_limit(request, scope=POSTS_SCOPE, limit_setting=POSTS_LIMIT_SETTING, key=f"u-{request.user.pk}")


@never_cache
@login_required
@require_http_methods(["GET"])
def offers(request):
    """« Mes offres »: the organisation's offers by state, each with its applications by state."""
    organisations = list(services.organisations_of(request.user))
    if not organisations:
        return _not_a_member(request)
    organisation = _chosen_organisation(request, organisations)
    if organisation is None:
        return _private(render(request, "emplois/espace/choisir.html", {"organisations": organisations}))
    rows = list(services.offers_with_counts(organisation))
    for row in rows:
        # « 3 : 1 reçue, 1 entretien proposé, 1 non retenue »: the states that have some.
        counts = ((label.lower(), getattr(row, f"applications_{state}")) for state, label in APPLICATION_STATES)
        row.applications_summary = ", ".join(f"{count} {label}" for label, count in counts if count)
    sections = [
        {"anchor": anchor, "title": title, "offers": [o for o in rows if o.status in states]}
        for anchor, title, states in SECTIONS
    ]
    context = {
        "organisation": organisation,
        "organisations": organisations,
        "sections": sections,
        "count": len(rows),
        "trusted": services.is_trusted(organisation),
    }
    return _private(render(request, "emplois/espace/offres.html", context))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def offer_new(request):
    organisations = list(services.organisations_of(request.user))
    if not organisations:
        return _not_a_member(request)
    organisation = _chosen_organisation(request, organisations)
    if organisation is None:
        return _private(render(request, "emplois/espace/choisir.html", {"organisations": organisations, "new": True}))
    form = OfferForm(**submitted(request), initial={"contact_email": request.user.email})
    status = 200
    if request.method == "POST":
        submission = _submit(
            request,
            form,
            lambda data: services.save_offer(organisation=organisation, values=form.values(), by=request.user),
        )
        if submission.done:
            messages.success(request, "L'offre est enregistrée en brouillon. Relisez-la, puis soumettez-la.")
            return redirect("emplois:employer-offer", submission.result.pk)
        status = submission.status
    context = {"form": form, "organisation": organisation, "heading": "Nouvelle offre"}
    return _private(render(request, "emplois/espace/formulaire.html", context, status=status))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request, pk):
    offer = _offer_of(request, pk)
    if offer.status not in services.OFFER_EDITABLE:
        messages.error(request, "Cette offre ne se modifie plus : repassez-la en brouillon d'abord.")
        return redirect("emplois:employer-offer", offer.pk)
    form = OfferForm(**submitted(request), instance=offer)
    status = 200
    if request.method == "POST":
        submission = _submit(
            request,
            form,
            lambda data: services.save_offer(
                organisation=offer.organisation, values=form.values(), by=request.user, offer=offer
            ),
        )
        if submission.done:
            messages.success(request, "Les modifications de l'offre sont enregistrées.")
            return redirect("emplois:employer-offer", offer.pk)
        status = submission.status
    context = {
        "form": form,
        "organisation": offer.organisation,
        "offer": offer,
        "heading": f"Modifier « {offer.title} »",
    }
    return _private(render(request, "emplois/espace/formulaire.html", context, status=status))


def _submit(request, form, action):
    return submit_within_limit(
        request,
        scope=POSTS_SCOPE,
        limit_setting=POSTS_LIMIT_SETTING,
        key=f"u-{request.user.pk}",
        form=form,
        action=action,
        errors=(ValidationError, WorkflowError),
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def offer_detail(request, pk):
    """An offer as its employer sees it: its text, its state and buttons, its applications."""
    offer = _offer_of(request, pk)
    context = {
        "offer": offer,
        "organisation": offer.organisation,
        "transitions": services.employer_targets(offer, trusted=services.is_trusted(offer.organisation)),
        "editable": offer.status in services.OFFER_EDITABLE,
        "applications": list(offer.applications.order_by("-created_at", "-pk")),
        "log": [
            (entry.created_at, STATE_LABELS.get(entry.to_state, entry.to_state), entry.comment)
            for entry in offer.transitions.order_by("-created_at", "-pk")[:20]
        ],
    }
    return _private(render(request, "emplois/espace/offre.html", context))


@never_cache
@login_required
@require_POST
def offer_move(request, pk, target):
    offer = _offer_of(request, pk)
    if not _posts_allowed(request):
        messages.error(request, TOO_MANY_MESSAGE)
    else:
        try:
            services.move_offer(offer=offer, target=target, by=request.user)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, MOVED_MESSAGES.get(target, "C'est fait."))
    return redirect("emplois:employer-offer", offer.pk)


MOVED_MESSAGES = {
    Offer.Status.REVIEW: "L'offre est soumise à la CRESS, qui la relit avant de la publier. Vous serez prévenu.",
    Offer.Status.PUBLISHED: "L'offre est publiée.",
    Offer.Status.DRAFT: "L'offre est repassée en brouillon : vous pouvez la modifier.",
    Offer.Status.FILLED: "L'offre est marquée pourvue et retirée des offres publiées.",
    Offer.Status.EXPIRED: "L'offre est close et retirée des offres publiées.",
}


@never_cache
@login_required
@require_POST
def offer_duplicate(request, pk):
    offer = _offer_of(request, pk)
    if not _posts_allowed(request):
        messages.error(request, TOO_MANY_MESSAGE)
        return redirect("emplois:employer-offer", offer.pk)
    try:
        copy = services.duplicate_offer(offer=offer, by=request.user)
    except (ValidationError, WorkflowError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("emplois:employer-offer", offer.pk)
    messages.success(request, "Voici la copie de l'offre, en brouillon : modifiez-la avant de la soumettre.")
    return redirect(reverse("emplois:employer-edit", args=[copy.pk]))
