"""The skills record's pages: start a record, ask for a new link, the private page (the
experiences, their skills, the compte d'engagement citoyen, the PDF summary) and deletion.
The token in the address is the only key of a record."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from emplois import skills
from emplois.forms_skills import ExperienceForm, StartForm
from lib.downloads import file_response
from lib.ratelimit import TOO_MANY_MESSAGE, submit_within_limit, within_limit
from messagerie.renewal import renew_link_page

PRIVATE_SCOPE = "emplois-competences"


@require_http_methods(["GET", "POST"])
def start(request):
    form = StartForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        submission = submit_within_limit(
            request,
            scope="emplois-competences-nouveau",
            limit_setting="SKILLS_RECORDS_PER_HOUR",
            form=form,
            action=lambda data: skills.start_record(email=data["email"], name_on_summary=data["name_on_summary"]),
        )
        if submission.done:
            return redirect("emplois:competences-envoye")
        status = submission.status
    return render(request, "emplois/competences/start.html", {"form": form}, status=status)


def sent(request):
    return render(request, "emplois/competences/sent.html")


def new_link(request):
    return renew_link_page(
        request,
        scope="emplois-competences-lien",
        renew=skills.renew_links,
        template="emplois/competences/new_link.html",
        sent_template="emplois/competences/new_link_sent.html",
    )


def _invalid_link(request):
    return render(request, "emplois/competences/invalid_link.html", status=404)


def _post_allowed(request) -> bool:
    if within_limit(request, scope=PRIVATE_SCOPE, limit_setting="PRIVATE_PAGE_POSTS_PER_HOUR"):
        return True
    messages.error(request, TOO_MANY_MESSAGE)
    return False


@never_cache
@require_http_methods(["GET", "POST"])
def record_page(request, token):
    record = skills.find_record(token)
    if record is None:
        return _invalid_link(request)
    skills.touch(record)
    status = 200
    if request.method == "POST":
        if not _post_allowed(request):
            status = 429
        elif request.POST.get("action") == "synthese":
            skills.request_pdf(record=record)
            messages.success(
                request,
                "Votre synthèse est en préparation : elle apparaît ici dans une minute, et un courriel vous prévient.",
            )
            return redirect(request.path)
        else:
            messages.error(request, "Action inconnue : rechargez la page et réessayez.")
            status = 400
    context = {**skills.record_context(record), "token": token}
    return render(request, "emplois/competences/record.html", context, status=status)


def _save_experience(request, token, record, experience=None):
    page = reverse("emplois:competences-dossier", args=[token])
    initial = ExperienceForm.initial_from(experience) if experience else None
    form = ExperienceForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if not _post_allowed(request):
            status = 429
        elif form.is_valid():
            try:
                if experience is None:
                    skills.add_experience(record=record, values=form.values())
                else:
                    skills.update_experience(experience=experience, values=form.values())
            except skills.SkillsError as error:
                form.add_error(None, str(error))
                status = 400
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
                status = 400
            else:
                messages.success(request, "L'expérience est enregistrée.")
                return redirect(page + "#experiences")
        else:
            status = 400
    context = {"form": form, "record": record, "token": token, "experience": experience, "page": page}
    return render(request, "emplois/competences/experience.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def experience_add(request, token):
    record = skills.find_record(token)
    if record is None:
        return _invalid_link(request)
    return _save_experience(request, token, record)


@never_cache
@require_http_methods(["GET", "POST"])
def experience_edit(request, token, pk):
    record = skills.find_record(token)
    if record is None:
        return _invalid_link(request)
    experience = record.experiences.filter(pk=pk).first()
    if experience is None:  # another record's experience: the same page as a forged link
        return _invalid_link(request)
    if request.method == "POST" and request.POST.get("action") == "supprimer":
        if _post_allowed(request):
            skills.delete_experience(experience=experience)
            messages.success(request, "L'expérience est supprimée.")
        return redirect(reverse("emplois:competences-dossier", args=[token]) + "#experiences")
    return _save_experience(request, token, record, experience)


@never_cache
def summary_file(request, token):
    record = skills.find_record(token)
    if record is None or not record.pdf_ready:
        return _invalid_link(request)
    try:
        handle = record.pdf_file.open("rb")
    except FileNotFoundError:  # lost from storage: the person asks for a new one
        return _invalid_link(request)
    return file_response(
        handle,
        filename="synthese-competences.pdf",
        content_type="application/pdf",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def delete(request, token):
    record = skills.find_record(token)
    if record is None:
        return _invalid_link(request)
    if request.method == "POST":
        skills.delete_record(record=record)
        return render(request, "emplois/competences/deleted.html")
    return render(request, "emplois/competences/delete.html", {"record": record, "token": token})
