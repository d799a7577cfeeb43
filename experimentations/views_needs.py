"""The buyer's pages: post a need, their private page (edit, resubmit, answers, survey) and
the public « besoins inspirants »."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from experimentations import needs, selectors_needs
from experimentations.forms_needs import SUBMIT, NeedForm, NewNeedForm, SurveyForm
from experimentations.workflows import NEED_EDITABLE
from lib.forms import submitted
from lib.ratelimit import TOO_MANY_MESSAGE, submit_within_limit, within_limit

SESSION_REFERENCE = "achats_reference"
PRIVATE_PAGE_SCOPE = "achats-besoin"


@require_http_methods(["GET", "POST"])
def need_new(request):
    form = NewNeedForm(**submitted(request), consent_text=needs.CONSENT_TEXT)
    status = 200
    if request.method == "POST":
        submit = request.POST.get("action") == SUBMIT
        submission = submit_within_limit(
            request,
            scope="achats-besoin-nouveau",
            limit_setting="NEED_SUBMISSIONS_PER_HOUR",
            form=form,
            action=lambda data: needs.post_need(
                values=form.values(),
                sectors=data["sectors"],
                territories=data["territories"],
                submit=submit,
                user=request.user,
            ),
            errors=(needs.NeedError,),
        )
        if submission.done:
            request.session[SESSION_REFERENCE] = [submission.result.reference, submission.result.status]
            return redirect("experimentations:need-posted")
        status = submission.status
    return render(request, "experimentations/needs/new.html", {"form": form}, status=status)


def need_posted(request):
    posted = request.session.pop(SESSION_REFERENCE, None)
    if posted is None:
        return redirect("experimentations:need-new")
    reference, status = posted
    return render(
        request,
        "experimentations/needs/posted.html",
        {"reference": reference, "submitted": status == needs.Status.SUBMITTED},
    )


def _invalid_link(request):
    return render(request, "experimentations/needs/invalid_link.html", status=404)


def _private_post_allowed(request) -> bool:
    # Whoever holds a link cannot flood the staff's mail with it.
    if within_limit(request, scope=PRIVATE_PAGE_SCOPE, limit_setting="PRIVATE_PAGE_POSTS_PER_HOUR"):
        return True
    messages.error(request, TOO_MANY_MESSAGE)
    return False


@never_cache
@require_http_methods(["GET", "POST"])
def need_buyer(request, token):
    """The buyer's private page: the need, its state, the suppliers' answers, the survey.
    The token in the address is the only key."""
    need = needs.find_need_by_token(token)
    if need is None:
        return _invalid_link(request)
    survey = SurveyForm(**submitted(request)) if needs.survey_open(need) else None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if not _private_post_allowed(request):
            status = 429
        elif action == SUBMIT:
            try:
                needs.submit_need(need=need)
            except needs.NeedError as error:
                messages.error(request, str(error))
                status = 400
            else:
                messages.success(request, "Votre besoin est soumis à l'équipe de la CRESS.")
                return redirect(request.path)
        elif action == "enquete" and survey is not None:
            if survey.is_valid():
                try:
                    needs.answer_survey(
                        need=need,
                        deal_made=survey.cleaned_data["deal_made"],
                        deal_amount=survey.cleaned_data["deal_amount"],
                        comment=survey.cleaned_data["comment"],
                    )
                except needs.NeedError as error:
                    survey.add_error(None, str(error))
                    status = 400
                else:
                    messages.success(request, "Merci : votre réponse est enregistrée.")
                    return redirect(request.path)
            else:
                status = 400
        else:
            status = 400
    context = {
        "need": need,
        "token": token,
        "explanation": needs.state_explanation(need.status),
        "editable": need.status in NEED_EDITABLE,
        "can_submit": need.status in NEED_EDITABLE,
        "answers": list(selectors_needs.interested_answers(need)),
        "sectors": list(need.sectors.all()),
        "survey": survey,
        "form": survey,
    }
    return render(request, "experimentations/needs/buyer.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def need_edit(request, token):
    need = needs.find_need_by_token(token)
    if need is None:
        return _invalid_link(request)
    page = reverse("experimentations:need-buyer", args=[token])
    if need.status not in NEED_EDITABLE:
        messages.info(request, "Ce besoin n'est plus modifiable.")
        return redirect(page)
    form = NeedForm(**submitted(request), instance=need)
    status = 200
    if request.method == "POST":
        if not _private_post_allowed(request):
            status = 429
        elif form.is_valid():
            try:
                needs.update_need(
                    need=need,
                    values=form.values(),
                    sectors=form.cleaned_data["sectors"],
                    territories=form.cleaned_data["territories"],
                    submit=request.POST.get("action") == SUBMIT,
                )
            except needs.NeedError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                messages.success(request, "Vos modifications sont enregistrées.")
                return redirect(page)
        else:
            status = 400
    context = {"form": form, "need": need, "page": page}
    return render(request, "experimentations/needs/edit.html", context, status=status)


def inspiring(request):
    """The public, anonymised « besoins inspirants »."""
    return render(request, "experimentations/needs/inspiring.html", {"needs": selectors_needs.inspiring_needs()})
