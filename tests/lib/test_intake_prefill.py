"""The intake-prefill registry's contract, with a fake page: what it puts in the session is
read back by the intake's steps as initial answers, « prérempli depuis … »; a broken or old
session value is ignored; the intake's start is found without naming its URLs."""

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.urls import reverse

from lib import intake_prefill
from lib.intake_prefill import IntakePrefill, put_prefill, read_prefill
from tests.accueil.factories import commune
from tests.accueil.test_intake import PERSON, PROJECT, step

FAKE = IntakePrefill(source="une page de test", legal_form_kind="scic", needs=("financement", "inconnu"), summary="x")


def test_a_prefill_reads_back_as_it_was_put():
    session = SessionStore()
    put_prefill(session, FAKE)
    assert read_prefill(session) == FAKE
    intake_prefill.clear_prefill(session)
    assert read_prefill(session) is None


def test_a_prefill_says_where_it_comes_from_and_names_a_known_legal_form():
    with pytest.raises(ValueError):
        IntakePrefill(source=" ")
    with pytest.raises(ValueError):
        IntakePrefill(source="test", legal_form_kind="sarl-inventee")


@pytest.mark.parametrize(
    "stored", ["texte", ["liste"], {"source": ""}, {"source": "x", "legal_form_kind": "inventee"}, {"needs": 3}]
)
def test_a_session_value_that_no_longer_reads_is_ignored(stored):
    session = SessionStore()
    session[intake_prefill.SESSION_KEY] = stored
    assert read_prefill(session) is None


def test_the_summary_is_cut_to_what_the_request_keeps():
    session = SessionStore()
    put_prefill(session, IntakePrefill(source="test", summary="é" * 600))
    assert len(read_prefill(session).summary) == intake_prefill.SUMMARY_MAX_LENGTH


def test_the_intake_registers_its_start_and_an_unrouted_one_gives_no_address():
    assert intake_prefill.intake_start_url() == reverse("accueil:etape", args=["personne"])
    try:
        intake_prefill.register_intake_start("zone-a-venir:debut")
        assert intake_prefill.intake_start_url() == ""
        intake_prefill.unregister_intake_start()
        assert intake_prefill.intake_start_url() == ""
    finally:
        intake_prefill.register_intake_start("accueil:etape", "personne")


@pytest.mark.django_db
def test_the_intake_steps_take_a_fake_pages_prefill_and_say_so(client):
    session = client.session
    put_prefill(session, FAKE)
    session.save()
    assert client.post(step("personne"), {**PERSON, "commune": commune().pk}).status_code == 302
    page = client.get(step("projet"))
    assert page.context["form"].initial == {"legal_form_kind": "scic"}
    assert "Prérempli depuis une page de test : vérifiez et modifiez si besoin." in page.content.decode()
    project = {**PROJECT, "activity_commune": commune().pk, "legal_form_kind": "scic"}
    assert client.post(step("projet"), project).status_code == 302
    # Only the needs the intake knows are offered.
    assert client.get(step("besoin")).context["form"].initial == {"needs": ["financement"]}


@pytest.mark.django_db
def test_without_prefill_the_steps_say_nothing(client):
    client.post(step("personne"), {**PERSON, "commune": commune().pk})
    page = client.get(step("projet"))
    assert page.context["form"].initial == {} and "Prérempli depuis" not in page.content.decode()
