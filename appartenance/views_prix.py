"""The Prix de l'ESS's pages under /ess/prix/: the public campaign page (timetable in
Reunion time, categories, grid) and laureates; the application in two steps for the
members of an organisation of the directory; the jury's pages (list, conflicts, scoring,
CSV export and JSON), every one of which reads through prix.applications_for_juror.

An application of an organisation the user does not act for, or a campaign whose jury the
user is not on, is a 404: nobody learns what exists."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appartenance import prix
from appartenance.forms_prix import (
    AttachmentForm,
    ConflictForm,
    ProjectForm,
    RemoveAttachmentForm,
    ScoreForm,
    StartForm,
    SubmitForm,
)
from appartenance.models_prix import SCORE_MAX, PrixApplication
from lib.downloads import file_response
from lib.forms import submitted
from lib.ratelimit import TOO_MANY_MESSAGE, within_limit
from lib.uploads import KINDS

POSTS_SCOPE = "appartenance-prix"
POSTS_LIMIT_SETTING = "PRIVATE_PAGE_POSTS_PER_HOUR"


def _private(response):
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _posts_allowed(request) -> bool:
    return within_limit(request, scope=POSTS_SCOPE, limit_setting=POSTS_LIMIT_SETTING, key=f"u-{request.user.pk}")


def _too_many(request):
    """The redirect that says a person posted too often (None while within the limit)."""
    if _posts_allowed(request):
        return None
    messages.error(request, TOO_MANY_MESSAGE)
    return redirect(request.path)


def _errors(form) -> str:
    return " ".join(str(message) for field_errors in form.errors.values() for message in field_errors)


def _campaign(year: int):
    campaign = prix.campaign_of_year(year)
    if campaign is None:
        raise Http404
    return campaign


# --- Public pages ----------------------------------------------------------------------------


@require_GET
def index(request):
    campaign = prix.current_campaign()
    if campaign is None:
        return render(request, "appartenance/prix/aucune.html")
    return redirect("appartenance:prix-campaign", campaign.year)


@require_GET
def campaign(request, year: int):
    """The campaign: timetable (Reunion time), categories, grid, conditions; for a member
    of organisations, their applications and how to start one; for a juror, their pages."""
    campaign = _campaign(year)
    phase = prix.phase(campaign)
    context = {
        "campaign": campaign,
        "phase": phase,
        "phase_label": prix.PHASE_LABELS[phase],
        "is_open": phase == prix.Phase.OPEN,
        "timetable": prix.timetable(campaign),
        "categories": list(campaign.categories.all()),
        "criteria": list(campaign.criteria.all()),
        "score_max": SCORE_MAX,
        "organisations": [],
        "applications": [],
        "juror": None,
        "start_form": None,
    }
    if request.user.is_authenticated:
        organisations = list(prix.organisations_of(request.user))
        context["organisations"] = organisations
        context["applications"] = prix.applications_of(request.user, campaign)
        context["juror"] = prix.juror_for(request.user, campaign)
        if organisations and context["is_open"]:
            context["start_form"] = StartForm(organisations=organisations, categories=context["categories"])
    response = render(request, "appartenance/prix/campagne.html", context)
    return _private(response) if request.user.is_authenticated else response


@require_GET
def laureates(request, year: int):
    campaign = _campaign(year)
    if not campaign.published_at:
        raise Http404
    context = {"campaign": campaign, "laureates": prix.laureates(campaign)}
    return render(request, "appartenance/prix/laureats.html", context)


# --- Applicants ------------------------------------------------------------------------------


def _application(request, pk: int) -> PrixApplication:
    application = prix.application_for(request.user, pk)
    if application is None:
        raise Http404
    return application


@never_cache
@login_required
@require_POST
def start(request, year: int):
    campaign = _campaign(year)
    organisations = {o.pk: o for o in prix.organisations_of(request.user)}
    categories = {c.pk: c for c in campaign.categories.all()}
    form = StartForm(**submitted(request), organisations=organisations.values(), categories=categories.values())
    if not _posts_allowed(request):
        messages.error(request, TOO_MANY_MESSAGE)
    elif not form.is_valid():
        messages.error(request, "La candidature n'est pas commencée : " + _errors(form))
    else:
        try:
            application = prix.start_application(
                campaign=campaign,
                organisation=organisations[form.cleaned_data["organisation"]],
                category=categories[form.cleaned_data["category"]],
                by=request.user,
            )
        except prix.PrixError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Votre candidature est commencée : elle reste un brouillon jusqu'au dépôt.")
            return redirect(application.get_absolute_url())
    return redirect(reverse("appartenance:prix-campaign", args=[campaign.year]) + "#candidater")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def application(request, pk: int):
    """Step 1: the project. A POST saves the draft (and goes on to step 2 when asked)."""
    application = _application(request, pk)
    if not application.is_draft:
        context = {"application": application, "attachments": list(application.attachments.all())}
        return _private(render(request, "appartenance/prix/candidature_deposee.html", context))
    initial = {name: getattr(application, name) for name in ("project_title", "summary", "impact")}
    form = ProjectForm(**submitted(request), initial=initial)
    status = 200
    if request.method == "POST":
        if refused := _too_many(request):
            return refused
        if form.is_valid():
            try:
                prix.save_draft(application=application, values=form.cleaned_data)
            except prix.PrixError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Brouillon enregistré.")
                if request.POST.get("suite"):
                    return redirect("appartenance:prix-application-files", application.pk)
                return redirect(request.path)
        status = 400
    context = {"application": application, "form": form, "step": 1}
    return _private(render(request, "appartenance/prix/candidature_projet.html", context, status=status))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def application_files(request, pk: int):
    """Step 2: the attachments, then the submission (a confirmation box to tick)."""
    application = _application(request, pk)
    if not application.is_draft:
        return redirect(application.get_absolute_url())
    attachment_form, submit_form = AttachmentForm(), SubmitForm()
    status = 200
    if request.method == "POST":
        if refused := _too_many(request):
            return refused
        action = request.POST.get("action", "")
        try:
            if action == "ajouter":
                attachment_form = AttachmentForm(**submitted(request))
                if attachment_form.is_valid():
                    prix.add_attachment(
                        application=application,
                        title=attachment_form.cleaned_data["title"],
                        upload=attachment_form.cleaned_data["file"],
                        by=request.user,
                    )
                    messages.success(request, "La pièce est ajoutée au brouillon.")
                    return redirect(request.path)
            elif action == "retirer":
                form = RemoveAttachmentForm(**submitted(request))
                found = form.is_valid() and application.attachments.filter(pk=form.cleaned_data["attachment"]).first()
                if not found:
                    raise prix.PrixError("Cette pièce n'est pas dans la candidature.")
                prix.remove_attachment(application=application, attachment=found)
                messages.success(request, "La pièce est retirée.")
                return redirect(request.path)
            elif action == "deposer":
                submit_form = SubmitForm(**submitted(request))
                if submit_form.is_valid():
                    prix.submit_application(application=application, by=request.user)
                    messages.success(request, "Votre candidature est déposée. Merci ! Elle ne se modifie plus.")
                    return redirect(application.get_absolute_url())
            else:
                raise prix.PrixError("Choisissez une action de la page.")
        except prix.PrixError as error:
            messages.error(request, str(error))
            status = 400
        else:
            status = 400
    context = {
        "application": application,
        "attachments": list(application.attachments.all()),
        "attachment_form": attachment_form,
        "submit_form": submit_form,
        "missing": prix.missing_for_submission(application),
        "max_attachments": prix.MAX_ATTACHMENTS,
        "step": 2,
    }
    return _private(render(request, "appartenance/prix/candidature_pieces.html", context, status=status))


@never_cache
@login_required
@require_GET
def attachment(request, pk: int, attachment_pk: int):
    """A file of an application: for the organisation's members, for a juror whose list
    holds the application, and for staff who may read applications."""
    application = prix.application_for(request.user, pk)
    if application is None:
        for juror in prix.juries_of(request.user):
            application = prix.application_for_juror(juror, pk)
            if application is not None:
                break
    if application is None and request.user.is_staff and request.user.has_perm("appartenance.view_prixapplication"):
        application = PrixApplication.objects.filter(pk=pk).first()
    if application is None:
        raise Http404
    found = application.attachments.filter(pk=attachment_pk).first()
    if found is None:
        raise Http404
    extension, content_type = KINDS.get(found.file_kind, (".bin", "application/octet-stream"))
    response = file_response(found.file.open("rb"), filename=f"piece-{found.pk}{extension}", content_type=content_type)
    return _private(response)


# --- The jury --------------------------------------------------------------------------------


def _juror(request, year: int):
    juror = prix.juror_for(request.user, _campaign(year))
    if juror is None:
        raise Http404
    return juror


@never_cache
@login_required
@require_GET
def jury(request, year: int):
    """The juror's list (through the selector), their progress, their conflicts."""
    juror = _juror(request, year)
    applications = list(prix.applications_for_juror(juror))
    own = prix.own_evaluations(juror)
    context = {
        "juror": juror,
        "campaign": juror.campaign,
        "rows": [{"application": a, "evaluation": own.get(a.pk)} for a in applications],
        "conflicts": list(juror.conflicts.select_related("organisation")),
        "conflict_form": ConflictForm(organisations=prix.candidate_organisations(juror.campaign, undeclared_by=juror)),
        "deliberated": bool(juror.campaign.deliberated_at),
    }
    return _private(render(request, "appartenance/prix/jury.html", context))


@never_cache
@login_required
@require_POST
def jury_conflict(request, year: int):
    juror = _juror(request, year)
    organisations = {o.pk: o for o in prix.candidate_organisations(juror.campaign)}
    form = ConflictForm(**submitted(request), organisations=organisations.values())
    if not _posts_allowed(request):
        messages.error(request, TOO_MANY_MESSAGE)
    elif not form.is_valid():
        messages.error(request, "Le conflit n'est pas déclaré : " + _errors(form))
    else:
        try:
            prix.declare_conflict(
                juror=juror,
                organisation=organisations[form.cleaned_data["organisation"]],
                reason=form.cleaned_data["reason"],
            )
        except prix.PrixError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Conflit déclaré : les candidatures de cette structure sortent de votre liste.")
    return redirect(reverse("appartenance:prix-jury", args=[year]) + "#conflits")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def jury_application(request, year: int, pk: int):
    """An application as the juror reads it, and their grid. Other jurors' scores only
    after the deliberation."""
    juror = _juror(request, year)
    application = prix.application_for_juror(juror, pk)
    if application is None:
        raise Http404
    criteria = list(juror.campaign.criteria.all())
    evaluation = prix.own_evaluations(juror).get(application.pk)
    initial = {}
    if evaluation is not None:
        initial = {f"critere_{s.criterion_id}": s.points for s in evaluation.scores.all()}
        initial["comment"] = evaluation.comment
    form = ScoreForm(**submitted(request), criteria=criteria, initial=initial)
    status = 200
    if request.method == "POST":
        if refused := _too_many(request):
            return refused
        if form.is_valid():
            try:
                prix.score_application(
                    juror=juror, application_id=application.pk, points=form.points(),
                    comment=form.cleaned_data["comment"],
                )  # fmt: skip
            except prix.PrixError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Vos notes sont enregistrées.")
                return redirect("appartenance:prix-jury", year)
        status = 400
    context = {
        "juror": juror,
        "campaign": juror.campaign,
        "application": application,
        "attachments": list(application.attachments.all()),
        "form": form,
        "others": prix.others_evaluations(juror, application),
        "deliberated": bool(juror.campaign.deliberated_at),
    }
    return _private(render(request, "appartenance/prix/jury_candidature.html", context, status=status))


def _juror_rows(juror):
    """What a juror's export and JSON hold: the selector's applications and their own scores."""
    own = prix.own_evaluations(juror)
    for application in prix.applications_for_juror(juror):
        evaluation = own.get(application.pk)
        yield application, {s.criterion_id: s.points for s in evaluation.scores.all()} if evaluation else {}


@never_cache
@login_required
@require_GET
def jury_export(request, year: int):
    juror = _juror(request, year)
    criteria = list(juror.campaign.criteria.all())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="prix-{year}-mes-candidatures.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["Catégorie", "Structure", "Projet", *[f"{c.name} (×{c.weight})" for c in criteria]])
    for application, points in _juror_rows(juror):
        writer.writerow([
            application.category.name, application.organisation.name, application.project_title,
            *[points.get(c.pk, "") for c in criteria],
        ])  # fmt: skip
    return _private(response)


@never_cache
@login_required
@require_GET
def jury_json(request, year: int):
    juror = _juror(request, year)
    data = {
        "campagne": juror.campaign.year,
        "candidatures": [
            {
                "id": application.pk,
                "categorie": application.category.name,
                "structure": application.organisation.name,
                "projet": application.project_title,
                "mes_notes": {str(criterion): value for criterion, value in points.items()},
            }
            for application, points in _juror_rows(juror)
        ],
    }
    return _private(JsonResponse(data, json_dumps_params={"ensure_ascii": False}))
