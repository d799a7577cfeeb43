"""The supplier's pages behind its private link (issue 13, point 8).

The token in the address is the only key (minted when the email leaves; only its hash is
stored). The first page says who asks what and by when (opening it sets `opened_at`); the
second shows the need in full (`viewed_at`) and takes the answer. An unknown or expired link
shows a page that says so; a supplier only ever reaches its own match.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from experimentations import batches
from experimentations.forms_suppliers import INTERESTED, SupplierAnswerForm
from experimentations.models import Clause
from lib.ratelimit import TOO_MANY_MESSAGE, within_limit
from lib.richtext import clean_html

SCOPE = "experimentations-fournisseur"


def _private(response):
    # The address is the key: never send it to another site (same-origin keeps CSRF working).
    response["Referrer-Policy"] = "same-origin"
    return response


def _invalid_link(request):
    return _private(render(request, "experimentations/suppliers/lien_invalide.html", status=404))


@never_cache
@require_http_methods(["GET", "HEAD"])
def supplier(request, token):
    match = batches.find_by_token(token)
    if match is None:
        return _invalid_link(request)
    batches.record_opened(match)
    context = {"match": match, "need": match.need, "token": token, "open": batches.can_answer(match)}
    return _private(render(request, "experimentations/suppliers/accueil.html", context))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def supplier_need(request, token):
    match = batches.find_by_token(token)
    if match is None:
        return _invalid_link(request)
    batches.record_viewed(match)
    form = SupplierAnswerForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not within_limit(request, scope=SCOPE, limit_setting="PRIVATE_PAGE_POSTS_PER_HOUR"):
            messages.error(request, TOO_MANY_MESSAGE)
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                batches.answer_need(
                    match=match,
                    interested=data["interested"] == INTERESTED,
                    message=data["message"],
                    reason=data["reason"],
                )
            except batches.AnswerError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                messages.success(
                    request,
                    "Merci : vos coordonnées sont transmises à l'acheteur, qui vous contactera."
                    if data["interested"] == INTERESTED
                    else "Merci pour votre réponse : elle aide l'acheteur et la CRESS.",
                )
                return redirect(reverse("experimentations:supplier-need", args=[token]))
        else:
            status = 400
    need = match.need
    context = {
        "match": match,
        "need": need,
        "form": form,
        "open": batches.can_answer(match),
        "past_deadline": timezone.now() >= need.answer_deadline,
        # Cleaned again here: the page must stay safe whatever wrote the description.
        "description": clean_html(need.description),
        "sectors": list(need.sectors.all()),
        "territories": list(need.territories.all()),
        "clauses": [Clause(clause).label for clause in need.clauses if clause in Clause.values],
    }
    return _private(render(request, "experimentations/suppliers/besoin.html", context, status=status))
