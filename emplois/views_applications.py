"""Applications through the portal: the form, the employer's page of an application (by the
private link of the email, or logged in as a member of the offer's organisation), the
downloads of its files, the candidate's page, and the page that sends a new link.

Private pages answer a French 404 page for a forged or expired link; logged-in pages look
the application up in the member's scope (404 outside it, never 403: nobody learns what
exists). Files are sent by these views only, as downloads, never from a public address.
"""

from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from emplois import applications
from emplois.forms_apply import ApplicationForm, InterviewForm, NewLinkForm
from emplois.models import Application, ApplyMode, Offer
from lib.downloads import file_response
from lib.ratelimit import TOO_MANY_MESSAGE, submit_within_limit, within_limit
from lib.uploads import KINDS

SESSION_REFERENCE = "emplois_candidature"
PRIVATE_PAGE_SCOPE = "emplois-candidature"
MIME_TYPES = dict(KINDS.values())  # extension -> MIME type
FILES = {"cv": ("cv", "cv_name", "CV"), "lettre": ("letter", "letter_name", "lettre")}


def _private(response):
    # What these pages show is personal: never cached, never sent to another site.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Applying -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def apply(request, pk):
    """The application form of a published offer open to applications through the portal;
    another way to apply (email, site) or a closed offer gets a page that says so."""
    offer = get_object_or_404(
        Offer.objects.select_related("organisation", "commune", "rome"), pk=pk, status=Offer.Status.PUBLISHED
    )
    route = applications.apply_route(offer)
    if not route.open or route.mode != ApplyMode.PORTAL:
        status = 200 if route.open else 410
        return render(request, "emplois/candidature/autre_voie.html", {"offer": offer, "route": route}, status=status)
    consent = applications.consent_text()
    # Bound on every POST, an empty one included: it is answered with what to correct.
    posted = request.method == "POST"
    form = ApplicationForm(request.POST if posted else None, request.FILES if posted else None, consent_text=consent)
    status = 200
    if request.method == "POST":
        submission = submit_within_limit(
            request,
            scope="emplois-candidater",
            limit_setting="APPLICATIONS_PER_HOUR",
            form=form,
            action=lambda data: applications.apply_to_offer(
                offer=offer,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                message=data["message"],
                cv=data["cv"],
                letter=data["letter"],
                consent=consent,
            ),
            errors=(applications.ApplicationError,),
        )
        if submission.done:
            request.session[SESSION_REFERENCE] = [submission.result.reference, offer.pk]
            return redirect("emplois:apply-sent")
        status = submission.status
    context = {"offer": offer, "form": form, "max_mb": settings.APPLICATION_MAX_MB}
    return render(request, "emplois/candidature/formulaire.html", context, status=status)


def apply_sent(request):
    sent = request.session.pop(SESSION_REFERENCE, None)
    if sent is None:
        return redirect("emplois:index")
    reference, offer_id = sent
    offer = Offer.objects.select_related("organisation").filter(pk=offer_id).first()
    return render(request, "emplois/candidature/envoyee.html", {"reference": reference, "offer": offer})


# --- Shared by the private pages ------------------------------------------------------------


def _invalid_link(request):
    return _private(render(request, "emplois/candidature/lien_invalide.html", status=404))


def _post_allowed(request) -> bool:
    # Whoever holds a link cannot flood the candidate's mailbox with it.
    if within_limit(request, scope=PRIVATE_PAGE_SCOPE, limit_setting="PRIVATE_PAGE_POSTS_PER_HOUR"):
        return True
    messages.error(request, TOO_MANY_MESSAGE)
    return False


def _download(application: Application, which: str):
    """The CV or the letter of an application, as a download, never cached."""
    if which not in FILES:
        raise Http404
    field_name, name_field, label = FILES[which]
    stored = getattr(application, field_name)
    if not stored:
        raise Http404
    extension = PurePath(stored.name).suffix.lower()
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    original = PurePath(getattr(application, name_field) or label).stem or label
    response = file_response(
        handle,
        filename=f"{application.reference}-{label}-{original}"[:150] + extension,
        content_type=MIME_TYPES.get(extension, "application/octet-stream"),
    )
    return _private(response)


# --- The employer ---------------------------------------------------------------------------


def _employer_page(request, application: Application, *, files_url, page_url, by=None):
    """The employer's page of an application, and its actions (POST), whichever key opened it."""
    applications.open_as_employer(application=application, by=by)
    interview = InterviewForm(request.POST if request.POST.get("action") == "entretien" else None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        targets = {
            "entretien": Application.Status.INTERVIEW,
            "retenir": Application.Status.HIRED,
            "ne-pas-retenir": Application.Status.REJECTED,
        }
        if not _post_allowed(request):
            status = 429
        elif action not in targets:
            messages.error(request, "Cette action n'est pas possible.")
            status = 400
        elif action == "entretien" and not interview.is_valid():
            status = 400
        else:
            text = interview.cleaned_data["message"] if action == "entretien" else ""
            try:
                applications.move_application(application=application, target=targets[action], by=by, message=text)
            except applications.ApplicationError as error:
                messages.error(request, str(error))
                status = 400
            else:
                done = {
                    "entretien": "Votre proposition d'entretien est envoyée au candidat ou à la candidate.",
                    "retenir": "La candidature est retenue : la personne en est informée par courriel.",
                    "ne-pas-retenir": "La candidature n'est pas retenue : un courriel courtois en informe le candidat "
                    "ou la candidate.",
                }
                messages.success(request, done[action])
                return redirect(page_url)
    transitions = applications.history(application)
    targets = dict(applications.employer_targets(application))
    context = {
        "application": application,
        "offer": application.offer,
        "transitions": transitions,
        "interview": applications.interview_message(transitions),
        "can_interview": Application.Status.INTERVIEW in targets,
        "can_hire": Application.Status.HIRED in targets,
        "can_reject": Application.Status.REJECTED in targets,
        "interview_form": interview,
        "form": interview,
        "cv_url": files_url("cv"),
        "letter_url": files_url("lettre") if application.letter else "",
        "purge_date": applications.purge_date(application.offer),
    }
    return _private(render(request, "emplois/candidature/employeur.html", context, status=status))


@never_cache
@require_http_methods(["GET", "POST"])
def employer_page(request, token):
    """The employer's page of an application, opened by the private link of the email."""
    application = applications.find_application_for_employer(token)
    if application is None:
        return _invalid_link(request)
    return _employer_page(
        request,
        application,
        files_url=lambda which: reverse("emplois:application-employer-file", args=[token, which]),
        page_url=request.path,
    )


@never_cache
@require_GET
def employer_file(request, token, which):
    application = applications.find_application_for_employer(token)
    if application is None:
        return _invalid_link(request)
    return _download(application, which)


def _member_application(request, pk) -> Application:
    application = applications.member_applications(request.user).filter(pk=pk).first()
    if application is None:
        raise Http404  # not an application to this member's offers, or gone
    return application


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def member_page(request, pk):
    """The same page for a logged-in member of the offer's organisation (the employer's space)."""
    application = _member_application(request, pk)
    return _employer_page(
        request,
        application,
        files_url=lambda which: reverse("emplois:application-member-file", args=[pk, which]),
        page_url=request.path,
        by=request.user,
    )


@never_cache
@login_required
@require_GET
def member_file(request, pk, which):
    return _download(_member_application(request, pk), which)


# --- The candidate --------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def candidate_page(request, token):
    """The candidate's page: the offer, the state in words, its history, the interview
    proposed; the candidate may withdraw (everything is deleted at once)."""
    application = applications.find_application_for_candidate(token)
    if application is None:
        return _invalid_link(request)
    status = 200
    if request.method == "POST":
        if not _post_allowed(request):
            status = 429
        elif request.POST.get("action") == "retirer" and request.POST.get("confirmation") == "oui":
            reference = applications.withdraw_application(application=application)
            return _private(
                render(
                    request, "emplois/candidature/retiree.html", {"reference": reference, "offer": application.offer}
                )
            )
        else:
            messages.error(request, "Cochez la case de confirmation pour retirer votre candidature.")
            status = 400
    transitions = applications.history(application)
    context = {
        "application": application,
        "offer": application.offer,
        "explanation": applications.state_explanation(application.status),
        "transitions": transitions,
        "interview": applications.interview_message(transitions),
        "purge_date": applications.purge_date(application.offer),
    }
    return _private(render(request, "emplois/candidature/candidat.html", context, status=status))


# --- A new link -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def new_link(request):
    """Asked with an address and a reference; the answer is the same whatever they match."""
    form = NewLinkForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        submission = submit_within_limit(
            request,
            scope="emplois-candidature-nouveau-lien",
            limit_setting="TRACKING_LINK_RENEWALS_PER_HOUR",
            form=form,
            action=lambda data: applications.renew_links(email=data["email"], reference=data["reference"]),
        )
        if submission.done:
            return render(request, "emplois/candidature/nouveau_lien_envoye.html")
        status = submission.status
    return render(request, "emplois/candidature/nouveau_lien.html", {"form": form}, status=status)
