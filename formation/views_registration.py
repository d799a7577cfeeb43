"""Public registration pages and the person's private « mon inscription » page."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from formation import registrations
from formation.forms_registration import (
    CONSENT_TEXT,
    GROUP_CONSENT_TEXT,
    CancelForm,
    GroupRegistrationForm,
    RegistrationForm,
    published_organisations,
)
from formation.models import Registration, Session, Training
from lib.forms import submitted
from lib.ratelimit import TOO_MANY_MESSAGE, submit_within_limit, within_limit

SCOPE = "formation-inscription"
PRIVATE_SCOPE = "formation-mon-inscription"
STRUCTURE_SUGGESTIONS = 8


def _session(pk) -> Session:
    return get_object_or_404(
        Session.objects.select_related("training", "commune", "trainer").filter(
            training__status=Training.Status.PUBLISHED
        ),
        pk=pk,
    )


def _session_context(session: Session) -> dict:
    left = registrations.places_left(session)
    return {"session": session, "places_left": left, "is_open": registrations.is_open(session)}


def _register_page(request, pk, *, form_class, template, action):
    session = _session(pk)
    context = _session_context(session)
    form = form_class(**submitted(request))
    status = 200
    if request.method == "POST":
        if not context["is_open"]:
            form.add_error(None, "Les inscriptions à cette session sont fermées.")
            status = 400
        else:
            submission = submit_within_limit(
                request,
                scope=SCOPE,
                limit_setting="FORMATION_REGISTRATIONS_PER_HOUR",
                form=form,
                action=lambda data: action(session, form, data),
                errors=(registrations.RegistrationError,),
            )
            if submission.done:
                return render(request, "formation/registration/merci.html", {**context, "result": submission.result})
            status = submission.status
    chosen = form.chosen_organisations() if form.is_bound else []
    return render(request, template, {**context, "form": form, "chosen_organisations": chosen}, status=status)


@require_http_methods(["GET", "POST"])
def register(request, pk):
    def action(session, form, data):
        registration = registrations.register_person(
            session=session,
            person=form.person(),
            consent_text=CONSENT_TEXT,
            organisation=data.get("organisation"),
            organisation_name=data.get("organisation_name", ""),
        )
        return {"waiting": registration.status == Registration.Status.WAITING, "count": 1, "email": registration.email}

    return _register_page(
        request, pk, form_class=RegistrationForm, template="formation/registration/form.html", action=action
    )


@require_http_methods(["GET", "POST"])
def register_group(request, pk):
    session = _session(pk)
    if not session.allow_groups:
        return redirect("formation:inscription", pk=session.pk)

    def action(session, form, data):
        group = registrations.register_group(
            session=session,
            people=data["participants"],
            contact_email=data["contact_email"],
            consent_text=GROUP_CONSENT_TEXT,
            organisation=data.get("organisation"),
            organisation_name=data["organisation_name"],
        )
        people = list(group.registrations.all())
        waiting = sum(1 for person in people if person.status == Registration.Status.WAITING)
        return {"group": True, "count": len(people), "waiting": waiting, "email": data["contact_email"]}

    return _register_page(
        request, pk, form_class=GroupRegistrationForm, template="formation/registration/groupe.html", action=action
    )


@require_http_methods(["GET"])
def structures(request):
    """The directory's published organisations matching what is typed, as choices (htmx)."""
    typed = request.GET.get("organisation_name") or request.GET.get("q") or ""
    text = typed.replace("\x00", "")[:100].strip()  # PostgreSQL refuses NUL in a string
    found = []
    if len(text) >= 2:
        found = list(
            published_organisations()
            .filter(Q(name__unaccent__icontains=text) | Q(acronym__iexact=text))
            .select_related("commune")
            .only("pk", "name", "acronym", "commune__name")
            .order_by("name")[:STRUCTURE_SUGGESTIONS]
        )
    return render(request, "formation/registration/_structures.html", {"organisations": found, "typed": text})


ACTIONS = {
    "confirmer": (registrations.confirm_participation, "Merci : votre participation est confirmée."),
    "accepter": (registrations.accept_offer, "C'est noté : la place est à vous. Un courriel de confirmation suit."),
    "decliner": (registrations.decline_offer, "C'est noté : la place est proposée à la personne suivante."),
    "quitter": (registrations.leave_waiting_list, "Vous avez quitté la liste d'attente."),
}


@never_cache
@require_http_methods(["GET", "POST"])
def my_registration(request, token):
    """The person's private page: the token in the address is the only key."""
    registration = registrations.find_by_token(token)
    if registration is None:
        return render(request, "formation/registration/lien_invalide.html", status=404)
    cancel_form = CancelForm()
    status = 200
    if request.method == "POST":
        if not within_limit(request, scope=PRIVATE_SCOPE, limit_setting="PRIVATE_PAGE_POSTS_PER_HOUR"):
            messages.error(request, TOO_MANY_MESSAGE)
            status = 429
        else:
            action = request.POST.get("action", "")
            try:
                if action == "annuler":
                    cancel_form = CancelForm(request.POST)
                    if cancel_form.is_valid():
                        registrations.cancel_registration(registration)
                        messages.success(request, "Votre inscription est annulée. Un courriel vous le confirme.")
                        return redirect(reverse("formation:mon-inscription", args=[token]))
                    status = 400
                elif action in ACTIONS:
                    service, done = ACTIONS[action]
                    service(registration)
                    messages.success(request, done)
                    return redirect(reverse("formation:mon-inscription", args=[token]))
                else:
                    messages.error(request, "Action inconnue : rechargez la page et réessayez.")
                    status = 400
            except registrations.RegistrationError as error:
                messages.error(request, str(error))
                status = 400
                registration.refresh_from_db()
    session = registration.session
    context = {
        "registration": registration,
        "session": session,
        "token": token,
        "cancel_form": cancel_form,
        "can_cancel": registration.status
        in (Registration.Status.REGISTERED, Registration.Status.CONFIRMED, Registration.Status.OFFERED)
        and registrations.is_open(session),
        "position": registrations.waiting_list(session).filter(waiting_since__lt=registration.waiting_since).count() + 1
        if registration.status == Registration.Status.WAITING
        else None,
    }
    response = render(request, "formation/registration/mon_inscription.html", context, status=status)
    response["Referrer-Policy"] = "same-origin"  # the token must not leave in a Referer header
    return response
