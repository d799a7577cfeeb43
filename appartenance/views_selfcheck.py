"""« Mon entreprise fait-elle partie de l'ESS ? »: the questionnaire, the result and the
« be followed up » button.

No account, nothing stored: the answers travel in the result's address (a GET form), so the
result can be shared, bookmarked and printed. Only the « be followed up » button writes the
answers, into the person's session, for the intake request it opens (lib.intake_prefill);
the intake stores them when the person sends the request, with its consent.
"""

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from appartenance.forms_selfcheck import SelfCheckForm
from appartenance.selfcheck import evaluate
from lib.ess_benefits import ess_benefits
from lib.forms import submitted
from lib.intake_prefill import IntakePrefill, intake_start_url, put_prefill

SOURCE = "l'autodiagnostic « Mon entreprise fait-elle partie de l'ESS ? »"
# The intake's needs a self-check's request carries (accueil.models.Need, checked by a test).
NEEDS_IF_ESS = ("information",)
NEEDS_OTHERWISE = ("information", "statut")


def _questionnaire(request, form, status=200):
    return render(request, "appartenance/selfcheck/questionnaire.html", {"form": form}, status=status)


@require_GET
def questionnaire(request):
    """The questions; answers in the address (« Modifier mes réponses ») are shown chosen."""
    form = SelfCheckForm()
    form.initial = {name: value for name, value in request.GET.items() if name in form.fields}
    return _questionnaire(request, form)


@require_GET
def result(request):
    form = SelfCheckForm(request.GET)
    if not form.is_valid():
        return _questionnaire(request, form, status=400)
    outcome = evaluate(form.cleaned_data["forme"], form.answers())
    query = QueryDict(mutable=True)
    query.update(form.query())
    context = {
        "result": outcome,
        "answers": form.query(),
        "edit_url": f"{reverse('appartenance:autodiagnostic')}?{query.urlencode()}",
        "benefits": ess_benefits(),
        "can_follow_up": bool(intake_start_url()),
    }
    return render(request, "appartenance/selfcheck/resultat.html", context)


@require_POST
def follow_up(request):
    """« Être accompagné par la CRESS »: the answers go into the session, as the prefill of a
    new intake request, and the person goes to its first step."""
    form = SelfCheckForm(**submitted(request))
    if not form.is_valid():
        return _questionnaire(request, form, status=400)
    start = intake_start_url()
    if not start:
        messages.error(request, "Les demandes d'accompagnement ne sont pas ouvertes pour le moment.")
        return redirect("appartenance:autodiagnostic")
    outcome = evaluate(form.cleaned_data["forme"], form.answers())
    put_prefill(
        request.session,
        IntakePrefill(
            source=SOURCE,
            legal_form_kind=outcome.form.intake_kind,
            needs=NEEDS_IF_ESS if outcome.is_ess else NEEDS_OTHERWISE,
            summary=outcome.summary(),
        ),
    )
    return redirect(start)
