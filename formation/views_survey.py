"""The pages behind the scheduled emails' private links: the convocation, the surveys.

The token in the address is the only key (formation/schedule.py mints it when the email
leaves; only its hash is stored). An unknown or expired link shows a page that says so.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from formation import schedule, surveys
from formation.forms_survey import SurveyForm
from formation.models import Registration, Session, SurveyResponse
from lib.ratelimit import submit_within_limit
from lib.richtext import clean_html

SURVEY_SCOPE = "formation-questionnaire"


def _private(response):
    # The address is the key: never send it to another site (same-origin keeps CSRF working).
    response["Referrer-Policy"] = "same-origin"
    return response


def _invalid_link(request, *, what: str):
    return _private(render(request, "formation/survey/lien_invalide.html", {"what": what}, status=404))


@require_http_methods(["GET", "HEAD"])
def convocation(request, token):
    """The trainee's convocation: dates, place, access, online link, what to bring, programme."""
    registration = schedule.find_convocation(token)
    if registration is None:
        return _invalid_link(request, what="convocation")
    session = registration.session
    context = {
        "registration": registration,
        "session": session,
        "training": session.training,
        "dates": schedule.session_dates(session),
        "place": schedule.session_place(session),
        "online_url": session.online_url if schedule.is_remote(session) else "",
        "hours": schedule.hours(session.training.duration_hours),
        # Cleaned again here: the page must stay safe whatever wrote the programme.
        "programme": clean_html(session.training.programme),
        "cancelled": session.status == Session.Status.CANCELLED,
        "expected": registration.status in schedule.EXPECTED or registration.status == Registration.Status.PRESENT,
    }
    return _private(render(request, "formation/survey/convocation.html", context))


@require_http_methods(["GET", "HEAD", "POST"])
def survey(request, kind, token):
    """A survey (« à chaud » or « à froid »): answered once; a second answer is refused."""
    registration = schedule.find_survey(kind, token)
    if registration is None:
        return _invalid_link(request, what="questionnaire")
    form = SurveyForm(request.POST if request.method == "POST" else None, kind=kind)
    status = 200
    if request.method == "POST":
        submission = submit_within_limit(
            request,
            scope=SURVEY_SCOPE,
            limit_setting="PRIVATE_PAGE_POSTS_PER_HOUR",
            form=form,
            action=lambda data: surveys.answer_survey(registration=registration, kind=kind, **data),
            errors=(surveys.SurveyError,),
            # Counted per link, not per address: a whole training room answers from one Wi-Fi.
            key=f"inscription-{registration.pk}",
        )
        if submission.done:
            messages.success(request, "Merci : vos réponses sont enregistrées.")
            return redirect(request.path)
        status = submission.status
    answer = surveys.existing_answer(registration=registration, kind=kind)
    context = {
        "registration": registration,
        "training": registration.session.training,
        "dates": schedule.session_dates(registration.session),
        "kind": kind,
        "cold": kind == SurveyResponse.Kind.COLD,
        "form": form,
        "answer": answer if request.method != "POST" else None,
    }
    return _private(render(request, "formation/survey/questionnaire.html", context, status=status))
