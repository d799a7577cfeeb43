"""Public pages of the intake: the form in steps, the confirmation, the private tracking page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accueil import orientation as orientation_service
from accueil import references as suggestions
from accueil import selectors, services
from accueil.forms import (
    CONSENT_TEXT,
    STEPS,
    GuideForm,
    HolderInformationForm,
    PartnerAnswerForm,
    WithdrawForm,
)
from accueil.guide import esus_note, suggest
from accueil.models import IntakeRequest, Need, RequestTransition, need_choices
from lib import resources as resource_centre
from lib.downloads import file_response
from lib.forms import submitted
from lib.intake_prefill import IntakePrefill, clear_prefill, needs_in, put_prefill, read_prefill
from lib.need_resources import resources_for
from lib.ratelimit import TOO_MANY_MESSAGE, submit_within_limit, within_limit
from lib.workflow import WorkflowError
from messagerie.renewal import RenewLinkForm, renew_link_page
from referentiels.selectors import search_naf_activities

SESSION_KEY = "accueil_demande"
STEP_NAMES = [name for name, _title, _form in STEPS]
REVIEW_STEP = STEP_NAMES[-1]
# A step opened from the review's « Modifier » link goes back to the review once valid.
BACK_TO_REVIEW = "revoir"
PARTNER_PAGE_SIZE = 25
NAF_SUGGESTIONS = 10


def index(request):
    return render(request, "accueil/index.html", {"steps": STEPS})


def _stored(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def _bound(form_class, stored_step: dict | None, files=None):
    if stored_step is None:
        return form_class()
    data = QueryDict(mutable=True)
    for key, values in stored_step.items():
        data.setlist(key, values)
    return form_class(data, files)


@never_cache
@require_http_methods(["GET", "POST"])
def step(request, name):
    if name not in STEP_NAMES:
        raise Http404
    index_ = STEP_NAMES.index(name)
    _name, title, form_class = STEPS[index_]
    stored = _stored(request)
    # Steps are done in order: a later step cannot be opened before the earlier ones.
    for earlier in STEP_NAMES[:index_]:
        if earlier not in stored:
            return redirect("accueil:etape", name=earlier)
    status, prefilled_from = 200, ""
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if name == "envoi":
            return _send(request, form, stored)
        if form.is_valid():
            stored[name] = {key: request.POST.getlist(key) for key in form.fields}
            request.session[SESSION_KEY] = stored
            if BACK_TO_REVIEW in request.GET:
                return redirect("accueil:etape", name=REVIEW_STEP)  # it sends back any step left to do
            return redirect("accueil:etape", name=STEP_NAMES[index_ + 1])
        status = 400
    else:
        form = _bound(form_class, stored.get(name)) if name != "envoi" else form_class()
        if name in stored:
            form.is_valid()  # show the stored answers, already valid
        else:
            prefill = read_prefill(request.session)
            form.initial = _initial_from_prefill(prefill, name)
            if form.initial:
                prefilled_from = prefill.source  # « Prérempli depuis … », above the form
    context = {**_step_context(name, title, form, stored), "prefilled_from": prefilled_from}
    return render(request, "accueil/etape.html", context, status=status)


def _initial_from_prefill(prefill: IntakePrefill | None, name) -> dict:
    """Carry another page's answers into the request (lib.intake_prefill: the status guide,
    the self-check): the legal form, the needs."""
    if prefill is None:
        return {}
    if name == "projet" and prefill.legal_form_kind:
        return {"legal_form_kind": prefill.legal_form_kind}
    if name == "besoin":
        needs = needs_in(prefill, dict(need_choices()))
        return {"needs": needs} if needs else {}
    return {}


def _step_context(name, title, form, stored):
    context = {
        "form": form,
        "title": title,
        "name": name,
        "position": STEP_NAMES.index(name) + 1,
        "steps": [(step_name, step_title, step_name in stored) for step_name, step_title, _f in STEPS],
        "previous": STEP_NAMES[STEP_NAMES.index(name) - 1] if name != STEP_NAMES[0] else None,
        "back_to_review": BACK_TO_REVIEW,
        # The meaning of the asterisk is said before the form (RGAA 11.10).
        "has_required": any(field.required for field in form.fields.values()),
    }
    if name == REVIEW_STEP:
        # Every answer of the earlier steps, each valid (the step view sends back to any other).
        reviewed = []
        for step_name, step_title, form_class in STEPS[:-1]:
            bound = _bound(form_class, stored.get(step_name))
            if bound.is_valid():
                reviewed.append((step_name, step_title, bound.review()))
        context["review"] = reviewed
    return context


def _send(request, form, stored):
    forms = {name: _bound(form_class, stored.get(name)) for name, _t, form_class in STEPS[:-1]}
    for name, bound in forms.items():
        if not bound.is_valid():
            messages.error(request, "Une étape de votre demande est à compléter avant l'envoi.")
            return redirect("accueil:etape", name=name)
    person, project = forms["personne"].cleaned_data, forms["projet"].cleaned_data
    submission = submit_within_limit(
        request,
        scope="accueil-demande",
        limit_setting="INTAKE_SUBMISSIONS_PER_HOUR",
        form=form,
        action=lambda data: services.submit_request(
            values={**person, **project},
            needs=forms["besoin"].cleaned_data["needs"],
            documents=data["documents"],
            participant=forms["participant"].profile(),
            consent_text=CONSENT_TEXT,
            guide_summary=prefill.summary if (prefill := read_prefill(request.session)) else "",
        ),
    )
    if not submission.done:
        context = _step_context("envoi", STEPS[-1][1], form, stored)
        return render(request, "accueil/etape.html", context, status=submission.status)
    intake = submission.result
    del request.session[SESSION_KEY]
    clear_prefill(request.session)
    request.session["accueil_reference"] = intake.reference
    request.session["accueil_needs"] = list(intake.needs)
    return redirect("accueil:envoyee")


@require_http_methods(["GET"])
def naf_suggestions(request):
    """The intake's activity suggestions as the person types: at most ten NAF activities
    for the words or the code typed (the same search that the step applies on sending)."""
    text = request.GET.get("q", "")[:100]
    found = search_naf_activities(text)[:NAF_SUGGESTIONS] if len(text.strip()) >= 2 else []
    return JsonResponse({"results": [str(activity) for activity in found]})


def sent(request):
    reference = request.session.pop("accueil_reference", None)
    if reference is None:
        return redirect("accueil:index")
    resources = resources_for(request.session.pop("accueil_needs", []))
    return render(request, "accueil/envoyee.html", {"reference": reference, "resources": resources})


@never_cache
@require_http_methods(["GET", "POST"])
def tracking(request, token):
    """The holder's private page. The token in the address is the only key."""
    intake = services.find_by_token(token)
    if intake is None:
        return render(request, "accueil/lien_invalide.html", {"form": RenewLinkForm()}, status=404)
    threads = services.holder_threads(intake)
    reply_to = request.GET.get("repondre", "")
    form = HolderInformationForm(threads=threads, initial={"thread": reply_to} if reply_to.isdigit() else {})
    status = 200
    # Posts on the private pages (tracking, partner) are counted per address: whoever holds
    # a link cannot flood the team's mail or the holder's file with them.
    if request.method == "POST" and not within_limit(
        request, scope=PRIVATE_PAGE_SCOPE, limit_setting="PRIVATE_PAGE_POSTS_PER_HOUR"
    ):
        messages.error(request, TOO_MANY_MESSAGE)
        status = 429
    elif request.method == "POST":
        if request.POST.get("action") == "retirer":
            # A withdrawal is confirmed on its own page (an older tracking page posted it here).
            return redirect(reverse("accueil:retrait", args=[token]))
        if request.POST.get("action") == "suite":
            return _record_suggestion_outcome(request, intake, token)
        form = HolderInformationForm(request.POST, request.FILES, threads=threads)
        if form.is_valid():
            thread = form.cleaned_data.get("thread")
            try:
                services.add_holder_information(
                    intake=intake,
                    body=form.cleaned_data["body"],
                    documents=form.cleaned_data["documents"],
                    orientation_id=thread,
                )
            except services.IntakeError as error:
                form.add_error(None, str(error))
            else:
                names = {orientation.pk: orientation.organisation.name for orientation in threads}
                if thread in names:
                    done = f"Merci : votre message est envoyé à {names[thread]} et à l'équipe de la CRESS."
                else:
                    done = "Merci : l'équipe de la CRESS a bien reçu vos informations."
                messages.success(request, done)
                return redirect(reverse("accueil:suivi", args=[token]))
        status = 400
    history = RequestTransition.objects.filter(subject=intake).exclude(to_state=IntakeRequest.Status.NEW)
    orientations = list(intake.orientations.select_related("organisation").exclude(status="proposee"))
    for orientation in orientations:
        orientation.schedule = orientation_service.answer_schedule(orientation, with_link=False)
    context = {
        "intake": intake,
        "state": services.holder_state(intake.status),
        "history": history,
        "conversation": selectors.holder_conversation(intake),
        "threads": {orientation.pk for orientation in threads},
        "attachments": intake.attachments.filter(added_by_holder=True),
        "orientations": orientations,
        "form": form,
        "can_act": intake.status in services.OPEN_STATES,
        "token": token,
        "resources": resources_for(intake.needs),
        "suggestions": suggestions.request_suggestions(intake),
    }
    response = render(request, "accueil/suivi.html", context, status=status)
    # The address is the key: never send it to another site. (Not "no-referrer": browsers
    # then send "Origin: null" with the page's own forms, which CSRF protection refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response


def _record_suggestion_outcome(request, intake, token):
    """The holder says what came of a suggested tool: « demandé », « obtenu » or « refusé »."""
    pk = request.POST.get("suggestion", "")
    suggestion = intake.references.filter(pk=int(pk) if pk.isdigit() and len(pk) < 10 else 0).first()
    if suggestion is None:
        messages.error(request, "Cette suggestion n'existe pas sur votre demande.")
    else:
        try:
            suggestions.change_outcome(suggestion=suggestion, target=request.POST.get("outcome", ""), by_holder=True)
        except suggestions.ReferenceError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"Merci : « {suggestion.title} » est noté « {suggestion.get_outcome_display().lower()} »."
            )
    return redirect(reverse("accueil:suivi", args=[token]) + "#suggestions")


@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request, token):
    """« Retirer ma demande »: asked, then confirmed with an optional reason, without script."""
    intake = services.find_by_token(token)
    if intake is None:
        return render(request, "accueil/lien_invalide.html", {"form": RenewLinkForm()}, status=404)
    tracking_url = reverse("accueil:suivi", args=[token])
    if intake.status not in services.OPEN_STATES:
        messages.info(request, "Cette demande est déjà close.")
        return redirect(tracking_url)
    form = WithdrawForm(request.POST if request.method == "POST" else None)  # an empty reason is a post too
    status = 200
    if request.method == "POST":
        submission = submit_within_limit(
            request,
            scope=PRIVATE_PAGE_SCOPE,
            limit_setting="PRIVATE_PAGE_POSTS_PER_HOUR",
            form=form,
            action=lambda data: services.withdraw_request(intake=intake, reason=data["reason"]),
            errors=(services.IntakeError,),
        )
        if submission.done:
            messages.success(request, "Votre demande est retirée. Merci de nous avoir prévenus.")
            return redirect(tracking_url)
        status = submission.status
    response = render(
        request, "accueil/retrait.html", {"intake": intake, "form": form, "tracking_url": tracking_url}, status=status
    )
    response["Referrer-Policy"] = "same-origin"  # see tracking()
    return response


def renew_link(request):
    return renew_link_page(
        request,
        scope="accueil-lien",
        renew=services.renew_tracking_links,
        template="accueil/nouveau_lien.html",
        sent_template="accueil/lien_envoye.html",
    )


# The rate limit shared by the posts on the private pages (tracking, partner).
PRIVATE_PAGE_SCOPE = "accueil-page-privee"


@require_http_methods(["GET", "POST"])
def guide(request):
    """« Quel statut pour mon projet ? »: the questionnaire, then the suggested forms."""
    form = GuideForm(**submitted(request))
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        fitting, others = suggest(answers)
        best = fitting[0] if fitting else None
        put_prefill(
            request.session,
            IntakePrefill(
                source="le guide des statuts",
                # The guide's suggestions are keyed by the answers of the request's legal form.
                legal_form_kind=best.key if best else "",
                needs=(Need.STATUS,),
                summary="Guide des statuts : " + (", ".join(s.name for s in fitting) or "aucun statut évident"),
            ),
        )
        return render(
            request,
            "accueil/guide_resultat.html",
            {
                "fitting": fitting,
                "others": others,
                "esus": esus_note(answers, fitting),
                # The resource centre's statute models and guides for these forms (lib.resources).
                "useful_resources": resource_centre.resources_for(
                    [resource_centre.topic("statut", suggestion.key) for suggestion in fitting]
                    + [resource_centre.topic("besoin", Need.STATUS)]
                ),
            },
        )
    return render(request, "accueil/guide.html", {"form": form}, status=400 if form.errors else 200)


# What a structure reads once its answer is saved, by action: what happened, and to whom.
PARTNER_DONE = {
    "accepter": "Votre accord est transmis au porteur et à l'équipe de la CRESS ; ses coordonnées sont ci-dessous.",
    "refuser": "Votre réponse est transmise à l'équipe de la CRESS, qui cherche une autre solution pour le porteur.",
    "question": "Votre question est envoyée au porteur ; sa réponse s'affichera ici et vous sera envoyée par courriel.",
    "equipe": "Votre message est envoyé à l'équipe de la CRESS ; sa réponse s'affichera ici.",
    "rapport": "Votre compte rendu est envoyé à l'équipe de la CRESS. Merci.",
}


def _answer_as_partner(orientation, data: dict, user) -> None:
    action, message = data["action"], data["message"]
    if action == "rapport":
        orientation_service.report_outcome(orientation=orientation, report=message)
    elif action == "question":
        orientation_service.ask_holder(orientation=orientation, question=message, by=user)
    elif action == "equipe":
        orientation_service.write_to_staff(orientation=orientation, body=message, by=user)
    else:
        orientation_service.answer_orientation(
            orientation=orientation, accept=action == "accepter", reason=data["reason"], message=message
        )


def _partner_page(request, orientation, here, document_url):
    """A structure's page for one orientation: accept, refuse, ask the holder, report, and
    download the documents the holder shared (`document_url(pk)` is where each one is)."""
    form = PartnerAnswerForm(**submitted(request))
    status = 200
    if request.method == "POST":
        user = request.user if request.user.is_authenticated else None
        submission = submit_within_limit(
            request,
            scope=PRIVATE_PAGE_SCOPE,
            limit_setting="PRIVATE_PAGE_POSTS_PER_HOUR",
            form=form,
            action=lambda data: _answer_as_partner(orientation, data, user),
            errors=(WorkflowError,),
        )
        if submission.done:
            messages.success(request, PARTNER_DONE[form.cleaned_data["action"]])
            return redirect(here)
        status = submission.status
    documents = orientation_service.shared_documents(orientation)
    for document in documents:
        document.url = document_url(document.pk)
    context = {
        "orientation": orientation,
        "intake": orientation.request,
        "form": form,
        "conversation": selectors.partner_conversation(orientation),
        "schedule": orientation_service.answer_schedule(orientation),
        "documents": documents,
        "shares_documents": orientation.request.shares_documents,
    }
    response = render(request, "accueil/partenaire.html", context, status=status)
    response["Referrer-Policy"] = "same-origin"  # see tracking()
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def partner(request, token):
    """Reached from the private link emailed to the structure."""
    orientation = orientation_service.find_orientation(token)
    if orientation is None:
        return render(request, "accueil/lien_invalide.html", status=404)
    return _partner_page(
        request,
        orientation,
        reverse("accueil:partenaire", args=[token]),
        lambda pk: reverse("accueil:partenaire-document", args=[token, pk]),
    )


@login_required
def partner_list(request):
    """A partner user's orientations, for every structure they are a member of."""
    counts = orientation_service.partner_tab_counts(request.user)
    tab = request.GET.get("etat")
    if tab not in orientation_service.PARTNER_TABS:
        tab = "a-traiter" if counts["a-traiter"] else "toutes"
    paginator = Paginator(orientation_service.partner_list_page(request.user, tab), PARTNER_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    for orientation in page:
        orientation.schedule = orientation_service.answer_schedule(orientation, with_link=False)
    tabs = [(key, label, counts[key], key == tab) for key, (label, _states) in orientation_service.PARTNER_TABS.items()]
    return render(request, "accueil/partenaire_liste.html", {"page": page, "tabs": tabs, "tab": tab})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def partner_orientation(request, pk):
    orientation = orientation_service.partner_orientations(request.user).filter(pk=pk).first()
    if orientation is None:
        raise Http404  # not one of this partner's orientations
    return _partner_page(
        request,
        orientation,
        reverse("accueil:partenaire-orientation", args=[pk]),
        lambda document: reverse("accueil:partenaire-orientation-document", args=[pk, document]),
    )


def _send_document(request, orientation, document_id):
    """One of the holder's documents, to a structure it is shared with; each download logged.
    Always as a download (never shown inline), never cached, and never from a public address."""
    try:
        document = orientation_service.download_document(
            orientation=orientation, document_id=document_id, user=request.user
        )
    except services.IntakeError:
        raise Http404 from None  # not shared with this structure (or no longer)
    response = file_response(
        document.file.open("rb"),
        filename=document.original_name,
        content_type=document.content_type or "application/octet-stream",
    )
    response["Referrer-Policy"] = "same-origin"  # see tracking()
    return response


@never_cache
@require_http_methods(["GET"])
def partner_document(request, token, document):
    """A shared document, reached from the structure's private link."""
    orientation = orientation_service.find_orientation(token)
    if orientation is None:
        raise Http404
    return _send_document(request, orientation, document)


@never_cache
@login_required
@require_http_methods(["GET"])
def partner_orientation_document(request, pk, document):
    """A shared document, for a signed-in member of the structure."""
    orientation = orientation_service.partner_orientations(request.user).filter(pk=pk).first()
    if orientation is None:
        raise Http404  # not one of this partner's orientations
    return _send_document(request, orientation, document)
