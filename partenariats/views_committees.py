"""A committee's minutes behind the private link of the email that brought them, and the
page where a participant whose link expired asks for a new one."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lib.downloads import file_response
from messagerie.renewal import renew_link_page
from partenariats import committees

INVALID_LINK = "partenariats/compte_rendu/lien_invalide.html"


def _invalid(request):
    # Unknown, expired or for minutes gone: the same French page, with the way to a new link.
    return render(request, INVALID_LINK, status=404)


def _participant(token):
    """The participant of a live link whose committee's PDF is still stored, else None."""
    participant = committees.participant_from_token(token)
    if participant is None:
        return None
    stored = participant.committee.minutes_file
    return participant if stored and stored.storage.exists(stored.name) else None


def _private(response):
    # The address is the key: never send it to another site (see accueil.views.tracking).
    response["Referrer-Policy"] = "same-origin"
    return response


@never_cache
@require_GET
def minutes_page(request, token):
    participant = _participant(token)
    if participant is None:
        return _invalid(request)
    committee = participant.committee
    context = {
        "participant": participant,
        "committee": committee,
        "convention": committee.convention,
        "token": token,
        "decisions": committee.decisions.select_related("commitment__party__organisation"),
    }
    return _private(render(request, "partenariats/compte_rendu/page.html", context))


@never_cache
@require_GET
def minutes_file(request, token):
    participant = _participant(token)
    if participant is None:
        return _invalid(request)
    committee = participant.committee
    response = file_response(
        committee.minutes_file.open("rb"),
        filename=committees.minutes_filename(committee),
        content_type="application/pdf",
    )
    return _private(response)


def renew_link(request):
    return renew_link_page(
        request,
        scope="partenariats-compte-rendu-lien",
        renew=committees.renew_minutes_links,
        template="partenariats/compte_rendu/nouveau_lien.html",
        sent_template="partenariats/compte_rendu/lien_envoye.html",
    )
