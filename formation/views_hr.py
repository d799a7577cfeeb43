"""Public pages of HR support: the employer's form, its acknowledgement, the private
follow-up page (reached by the emailed link, as accueil's tracking page) and the renewal
of that link."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from annuaire.selectors import published_name_suggestions
from formation import hr
from formation.forms_hr import EmployerAnswerForm, HrRequestForm
from formation.models import HrRequestTransition
from lib.ratelimit import submit_within_limit
from messagerie.renewal import renew_link_page

SENT_KEY = "formation_appui_rh_reference"
# Posts on the follow-up page are counted per address, as on the intake's private pages.
PRIVATE_PAGE_SCOPE = "formation-appui-rh-page-privee"


@never_cache
@require_http_methods(["GET", "POST"])
def request_form(request):
    form = HrRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        submission = submit_within_limit(
            request,
            scope="formation-appui-rh",
            limit_setting="INTAKE_SUBMISSIONS_PER_HOUR",
            form=form,
            action=lambda _data: hr.submit_hr_request(values=form.values()),
        )
        if submission.done:
            request.session[SENT_KEY] = submission.result.reference
            return redirect("formation:appui-rh-envoyee")
        status = submission.status
    return render(request, "formation/hr/demande.html", {"form": form}, status=status)


def sent(request):
    reference = request.session.pop(SENT_KEY, None)
    if reference is None:
        return redirect("formation:appui-rh")
    return render(request, "formation/hr/envoyee.html", {"reference": reference})


@require_http_methods(["GET"])
def organisation_suggestions(request):
    """The structures of the directory whose name holds what the employer types."""
    return JsonResponse({"results": published_name_suggestions(request.GET.get("q", ""))})


@never_cache
@require_http_methods(["GET", "POST"])
def follow_up(request, token):
    """The employer's private page: the state, the conversation, the training the CRESS
    points to, and the answer form. The token in the address is the only key."""
    hr_request = hr.find_by_token(token)
    if hr_request is None:
        return render(request, "formation/hr/lien_invalide.html", status=404)
    form = EmployerAnswerForm(request.POST if request.method == "POST" else None)
    status, refusal = 200, ""
    if request.method == "POST" and hr_request.status not in hr.OPEN_STATES:
        # A closed request takes no answer, whatever was typed: its form is not shown, so
        # the page says why (and only that), rather than errors of fields nobody sees.
        form, refusal, status = EmployerAnswerForm(), hr.CLOSED_MESSAGE, 400
    elif request.method == "POST":
        submission = submit_within_limit(
            request,
            scope=PRIVATE_PAGE_SCOPE,
            limit_setting="PRIVATE_PAGE_POSTS_PER_HOUR",
            form=form,
            action=lambda data: hr.answer_as_employer(hr_request=hr_request, body=data["body"]),
            errors=(hr.HrError,),
        )
        if submission.done:
            messages.success(request, "Merci : votre message est envoyé à l'équipe de la CRESS.")
            return redirect(reverse("formation:appui-rh-suivi", args=[token]))
        status = submission.status
    context = {
        "hr_request": hr_request,
        "explanation": hr.EMPLOYER_STATE[hr.Status(hr_request.status)],
        "conversation": hr_request.messages.all(),
        "history": [
            (log.created_at, hr.Status(log.to_state).label)
            for log in HrRequestTransition.objects.filter(subject=hr_request).order_by("created_at", "pk")
        ],
        "form": form,
        "refusal": refusal,
        "can_write": hr_request.status in hr.OPEN_STATES,
        "training_url": _training_url(hr_request.suggested_training),
    }
    response = render(request, "formation/hr/suivi.html", context, status=status)
    # The address is the key: never send it to another site (see accueil.views.tracking).
    response["Referrer-Policy"] = "same-origin"
    return response


def _training_url(training) -> str:
    """The public page of the training the CRESS points to, once the catalogue has one."""
    if training is None:
        return ""
    try:
        return reverse("formation:formation", args=[training.slug])
    except NoReverseMatch:  # the catalogue's pages are not built yet: the title alone
        return ""


def renew_link(request):
    return renew_link_page(
        request,
        scope="formation-appui-rh-lien",
        renew=hr.renew_follow_up_links,
        template="formation/hr/nouveau_lien.html",
        sent_template="formation/hr/lien_envoye.html",
    )
