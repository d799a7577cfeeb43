"""The alerts' public pages: subscribe (a search or one call), confirm, unsubscribe."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from experimentations import alerts
from experimentations.alert_matching import read_search
from experimentations.forms_alerts import ALERT_CONSENT_TEXT, AlertForm
from lib.ratelimit import submit_within_limit

MAX_QUERY = 1000
TEMPLATES = "experimentations/alerts"


@never_cache
@require_http_methods(["GET", "POST"])
def alert_new(request):
    """/alertes/nouvelle/?<the search> or ?outil=<slug>: the search stays in the address, the
    form asks the email, the frequency and the consent."""
    querystring = request.META.get("QUERY_STRING", "")
    slug = request.GET.get("outil", "")
    context = {"tool": None, "search": None, "errors": []}
    if slug:
        context["tool"] = tool = alerts.follow_target(slug[:200])
        if tool is None:
            context["errors"] = ["Cet appel à projets n'existe pas, n'est pas publié ou est déjà clos."]
    elif len(querystring) > MAX_QUERY:
        context["errors"] = ["Cette recherche est trop longue pour être enregistrée : retirez des critères."]
    else:
        context["search"] = search = read_search(querystring)
        context["errors"] = list(search.errors)
    if context["errors"]:
        return render(request, "experimentations/alerts/nouvelle.html", context, status=400)
    data = request.POST if request.method == "POST" else None  # an empty POST is still a POST
    form = AlertForm(data, follow_call=context["tool"] is not None)
    status = 200
    if request.method == "POST":
        submission = submit_within_limit(
            request,
            scope="alerte-outils",
            limit_setting="ALERT_SUBSCRIPTIONS_PER_HOUR",
            form=form,
            errors=(alerts.AlertError,),
            action=lambda data: alerts.create_alert(
                email=data["email"],
                consent_text=ALERT_CONSENT_TEXT,
                querystring=querystring,
                tool=context["tool"],
                frequency=data.get("frequency", ""),
            ),
        )
        if submission.done:
            return render(request, "experimentations/alerts/verifiez.html", {"days": settings.ALERT_CONFIRM_DAYS})
        status = submission.status
    context["form"] = form
    return render(request, "experimentations/alerts/nouvelle.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def alert_confirm(request, token):
    """The link of the confirmation email (GET asks, POST confirms)."""
    return alerts.SUBSCRIPTIONS.confirm_page(request, token, templates=TEMPLATES)


@csrf_exempt  # RFC 8058: mail programs post « List-Unsubscribe=One-Click » without a form
@never_cache
@require_http_methods(["GET", "POST"])
def alert_unsubscribe(request, token):
    """The link of every alert email: one click (GET shows a button, POST unsubscribes)."""
    return alerts.SUBSCRIPTIONS.unsubscribe_page(request, token, templates=TEMPLATES)
