"""The good-practices guide's pages under /ess/bonnes-pratiques/: the guide for everyone;
for a member of an organisation of the directory, its yearly self-assessment theme by theme
(saved as they go: each theme's form saves what it holds; a small script saves a question
as soon as it changes), its progress, its improvement actions and its years compared.

An organisation the user does not act for is a 404: nobody learns which assessments exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appartenance import guide as services
from appartenance.forms_guide import ActionForm, ActionStatusForm, StartForm
from appartenance.models_guide import GuideAction
from lib.forms import submitted
from lib.ratelimit import TOO_MANY_MESSAGE, within_limit

POSTS_SCOPE = "appartenance-guide"
POSTS_LIMIT_SETTING = "PRIVATE_PAGE_POSTS_PER_HOUR"


def _private(response):
    response["Referrer-Policy"] = "same-origin"
    return response


def _posts_allowed(request) -> bool:
    return within_limit(request, scope=POSTS_SCOPE, limit_setting=POSTS_LIMIT_SETTING, key=f"u-{request.user.pk}")


def _assessment(request, organisation: int, year: int):
    assessment = services.assessment_for(request.user, organisation_id=organisation, year=year)
    if assessment is None:
        raise Http404
    return assessment


def _overview_url(assessment) -> str:
    return reverse("appartenance:guide-assessment", args=[assessment.organisation_id, assessment.year])


@require_GET
def index(request):
    """The guide and its eight themes; for a member, their organisations' assessments."""
    organisations, years = [], {}
    if request.user.is_authenticated:
        organisations = list(services.organisations_of(request.user))
        for assessment in services.GuideAssessment.objects.filter(organisation__in=organisations).order_by("-year"):
            years.setdefault(assessment.organisation_id, []).append(assessment.year)
    rows = [{"organisation": o, "years": years.get(o.pk, []), "form": StartForm(initial={"organisation": o.pk})}
            for o in organisations]  # fmt: skip
    context = {"guide": services.guide(), "rows": rows, "this_year": timezone.localdate().year}
    response = render(request, "appartenance/guide/index.html", context)
    return _private(response) if request.user.is_authenticated else response


@never_cache
@login_required
@require_POST
def start(request):
    """Start (or reopen) this year's assessment of one of the user's organisations."""
    organisations = {o.pk: o for o in services.organisations_of(request.user)}
    form = StartForm(**submitted(request))
    if not _posts_allowed(request):
        messages.error(request, TOO_MANY_MESSAGE)
        return redirect("appartenance:guide")
    if not form.is_valid() or form.cleaned_data["organisation"] not in organisations:
        messages.error(request, "Choisissez une structure dont vous faites partie.")
        return redirect("appartenance:guide")
    assessment = services.start_assessment(organisation=organisations[form.cleaned_data["organisation"]])
    return redirect(_overview_url(assessment))


@never_cache
@login_required
@require_GET
def assessment(request, organisation: int, year: int):
    """A year's assessment: each theme's progress and score, the actions, the other years."""
    assessment = _assessment(request, organisation, year)
    answers = services.answers_of(assessment)
    context = {
        "assessment": assessment,
        "heading": f"Bonnes pratiques {assessment.year}",
        "progress": services.progress(answers),
        "actions": list(assessment.actions.all()),
        "action_form": ActionForm(),
        "status_form": ActionStatusForm,
        "years": services.compare_years(assessment.organisation),
    }
    return _private(render(request, "appartenance/guide/evaluation.html", context))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def theme(request, organisation: int, year: int, theme: str):
    """A theme's questions. A POST saves the answers it holds (the whole form, or the one
    question the script sends); the script is answered in JSON, the form by a redirect."""
    assessment = _assessment(request, organisation, year)
    chosen = services.guide().theme(theme)
    if chosen is None:
        raise Http404
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    errors, status = {}, 200
    if request.method == "POST":
        if not _posts_allowed(request):
            if wants_json:
                return JsonResponse({"errors": {"": TOO_MANY_MESSAGE}}, status=429)
            messages.error(request, TOO_MANY_MESSAGE)
            return redirect(request.path)
        values = {q.id: request.POST[q.id] for q in chosen.questions if q.id in request.POST}
        errors = services.save_answers(assessment=assessment, theme=chosen, values=values, by=request.user)
        if wants_json:
            return JsonResponse({"errors": errors, "saved": sorted(set(values) - set(errors))},
                                status=400 if errors else 200)  # fmt: skip
        if not errors:
            messages.success(request, f"Vos réponses sur « {chosen.title} » sont enregistrées.")
            return redirect(_overview_url(assessment))
        status = 400
    answers = services.answers_of(assessment)
    themes = services.guide().themes
    position = themes.index(chosen)
    context = {
        "assessment": assessment,
        "theme": chosen,
        "questions": [
            {"question": q, "answer": answers.get(q.id), "error": errors.get(q.id), "given": request.POST.get(q.id)}
            for q in chosen.questions
        ],
        "choices": services.GuideAnswer.Choice.choices,
        "errors": errors,
        "next": themes[position + 1] if position + 1 < len(themes) else None,
    }
    return _private(render(request, "appartenance/guide/theme.html", context, status=status))


@never_cache
@login_required
@require_POST
def action_new(request, organisation: int, year: int):
    assessment = _assessment(request, organisation, year)
    form = ActionForm(**submitted(request))
    if not _posts_allowed(request):
        messages.error(request, TOO_MANY_MESSAGE)
    elif form.is_valid():
        try:
            services.save_action(assessment=assessment, values=form.cleaned_data, by=request.user)
        except services.GuideError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "L'action est ajoutée.")
            return redirect(_overview_url(assessment) + "#actions")
    else:
        messages.error(request, "L'action n'est pas ajoutée : " + " ".join(
            str(message) for field_errors in form.errors.values() for message in field_errors
        ))  # fmt: skip
    return redirect(_overview_url(assessment) + "#actions")


@never_cache
@login_required
@require_POST
def action_status(request, organisation: int, year: int, pk: int):
    assessment = _assessment(request, organisation, year)
    action = GuideAction.objects.filter(assessment=assessment, pk=pk).first()
    if action is None:
        raise Http404
    form = ActionStatusForm(**submitted(request))
    if not _posts_allowed(request):
        messages.error(request, TOO_MANY_MESSAGE)
    elif form.is_valid():
        services.save_action(
            assessment=assessment, action=action, values={"theme": action.theme, **form.cleaned_data}, by=request.user
        )
        messages.success(request, f"« {action.title} » : {action.get_status_display().lower()}.")
    else:
        messages.error(request, "Choisissez un état de la liste.")
    return redirect(_overview_url(assessment) + "#actions")
