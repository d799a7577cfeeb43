"""The tracking page tells the state, what comes next and the usual delays, in the same words
as the « Votre demande avance » email, and lists the documents the holder sent."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accueil.models import IntakeRequest
from accueil.orientation import orient
from accueil.services import S, add_attachment, holder_state, transition_request
from tests.accueil.factories import make_request
from tests.accueil.test_orientation import support
from tests.helpers.mail import sent_email

pytestmark = pytest.mark.django_db


def tracking_page(client, token):
    return html.unescape(client.get(reverse("accueil:suivi", args=[token])).content.decode())


def test_every_state_has_a_text_and_every_open_state_says_what_comes_next():
    for status in S.values:
        state = holder_state(status)
        assert state.now
        assert state.next or status == S.WITHDRAWN


def test_the_page_and_the_email_tell_the_same_state_and_next_step(client, settings):
    settings.ORIENTATION_EXPIRY_DAYS = 12
    intake, token = make_request()
    page = tracking_page(client, token)
    assert holder_state(S.NEW).now in page and f"Et ensuite ? {holder_state(S.NEW).next}" in page.replace(
        "<strong>Et ensuite ?</strong>", "Et ensuite ?"
    )
    transition_request(intake=intake, target=S.QUALIFYING)
    orient(intake=intake, organisations=[support("Kaz Initiatives")], by=None)
    assert IntakeRequest.objects.get().status == S.ORIENTED
    oriented = holder_state(S.ORIENTED)
    assert "Chaque structure a 12 jours pour répondre" in oriented.next, "the delay is the setting's"
    page = tracking_page(client, token)
    assert oriented.now in page and oriented.next in page
    assert "Elle répond au plus tard le" in page
    email = sent_email(kind="accueil/changement_etat", to=intake.email)
    assert oriented.now in email.body and f"Et ensuite ? {oriented.next}" in email.body


def test_the_page_lists_the_documents_the_holder_sent(client):
    intake, token = make_request()
    assert "Vous n'avez envoyé aucun document." in tracking_page(client, token)
    add_attachment(
        intake=intake, upload=SimpleUploadedFile("statuts.pdf", b"%PDF-1.4 statuts"), kind="pdf", by_holder=True
    )
    add_attachment(
        intake=intake, upload=SimpleUploadedFile("note.pdf", b"%PDF-1.4 interne"), kind="pdf", by_holder=False
    )
    page = tracking_page(client, token)
    assert "statuts.pdf" in page and "note.pdf" not in page
    assert "les structures vers lesquelles vous êtes orienté·e peuvent les lire" in page
