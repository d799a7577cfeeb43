"""The job alerts' public pages: subscribe to the list's search, confirm, unsubscribe."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from emplois import alerts
from emplois.alert_matching import read_search
from emplois.forms_alerts import ALERT_CONSENT_TEXT, JobAlertForm
from lib.forms import submitted
from lib.ratelimit import submit_within_limit

TEMPLATES = "emplois/alertes"


@never_cache
@require_http_methods(["GET", "POST"])
def alert_new(request):
    """/emplois/alertes/nouvelle/?<the list's search>: the search stays in the address, the
    form asks the email, the frequency and the consent."""
    search = read_search(request.META.get("QUERY_STRING", ""))
    context = {"search": search, "errors": list(search.errors), "list_url": reverse("emplois:index")}
    if search.errors:
        return render(request, f"{TEMPLATES}/nouvelle.html", context, status=400)
    form = JobAlertForm(**submitted(request))
    status = 200
    if request.method == "POST":
        submission = submit_within_limit(
            request,
            scope="alerte-emplois",
            limit_setting="ALERT_SUBSCRIPTIONS_PER_HOUR",
            form=form,
            errors=(alerts.AlertError,),
            action=lambda data: alerts.create_alert(
                email=data["email"],
                consent_text=ALERT_CONSENT_TEXT,
                querystring=search.querystring,
                frequency=data["frequency"],
            ),
        )
        if submission.done:
            return render(request, f"{TEMPLATES}/verifiez.html", {"days": settings.ALERT_CONFIRM_DAYS})
        status = submission.status
    context["form"] = form
    return render(request, f"{TEMPLATES}/nouvelle.html", context, status=status)


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
