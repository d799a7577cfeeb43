"""A trainee's certificate, behind the private link of the email that brought it, or the
link of their « mon inscription » page."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from formation import documents, registrations
from lib.downloads import file_response


@never_cache
@require_GET
def certificate_page(request, token):
    registration = documents.registration_from_token(token)
    if registration is None:
        return render(request, "formation/documents/lien_invalide.html", status=404)
    return render(request, "formation/documents/attestation_page.html", {"registration": registration, "token": token})


def _certificate_response(registration):
    return file_response(
        registration.certificate_file.open("rb"),
        filename=f"attestation-{registration.certificate_number}.pdf",
        content_type="application/pdf",
    )


@never_cache
@require_GET
def certificate_file(request, token):
    registration = documents.registration_from_token(token)
    if registration is None:
        raise Http404("Ce lien n'est plus valable.")
    return _certificate_response(registration)


@never_cache
@require_GET
def registration_certificate_file(request, token):
    """The certificate downloaded again from « mon inscription » (the registration's link)."""
    registration = registrations.find_by_token(token)
    if registration is None or not documents.has_certificate(registration):
        raise Http404("Aucune attestation n'est disponible avec ce lien.")
    return _certificate_response(registration)
