"""A person finds a training in the catalogue and registers to a session in Chromium,
receives the confirmation with its .ics through a real SMTP server, and cancels from the
private link."""

import pytest

from formation.models import Registration
from tests.annuaire.factories import OrganisationFactory
from tests.formation.factories_registration import fill, make_session
from tests.helpers.browser import look
from tests.helpers.mail import link_path, sent_email

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
PRIVATE = r"/formations/mon-inscription/[\w-]+/"


def test_a_person_registers_receives_the_ics_and_cancels_from_the_private_link(page, live_server, smtp_mailer):
    organisation = OrganisationFactory(name="Kaz Initiatives", is_published=True)
    session = make_session(capacity=3)
    fill(session, 1)
    csp = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    base = live_server.url

    # Found in the catalogue by a word of its title, then its page, then « S'inscrire ».
    page.goto(f"{base}/formations/")
    page.get_by_label("Mots-clés").fill(session.training.title.split()[0])
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/formations/?*")
    page.get_by_role("link", name=session.training.title, exact=True).click()
    page.wait_for_url(f"**/formations/catalogue/{session.training.slug}/")
    page.get_by_role("link", name="S'inscrire").first.click()
    page.wait_for_url(f"**/formations/session/{session.pk}/inscription/")
    assert page.get_by_text("2 places restantes sur 3").is_visible()
    page.get_by_label("Prénom").fill("Céline")
    page.locator("#id_last_name").fill("Dijoux")
    page.get_by_label("Adresse électronique").fill("celine@exemple.re")
    # The structure is picked among the directory's published organisations as one types.
    page.get_by_label("Structure (facultatif)").press_sequentially("Kaz Ini", delay=30)
    choice = page.get_by_label("Kaz Initiatives")
    choice.wait_for()
    choice.check()
    page.locator("#id_consent").check()
    look(page, "formation-inscription")
    page.get_by_role("button", name="M'inscrire").click()
    assert page.get_by_role("heading", name="Votre place est réservée").is_visible()
    look(page, "formation-inscription-merci")
    registration = Registration.objects.get(email="celine@exemple.re")
    assert registration.organisation == organisation and registration.status == Registration.Status.REGISTERED

    message = sent_email(kind="formation/registration_confirmation", to="celine@exemple.re")
    [(name, content_type, ics)] = message.attachments
    assert (name, content_type) == ("formation.ics", "text/calendar")
    assert "BEGIN:VEVENT" in ics and f"SUMMARY:{session.training.title}" in ics
    page.goto(base + link_path(message, PRIVATE))
    assert page.get_by_text("Votre place est réservée.").is_visible()
    look(page, "formation-mon-inscription")
    page.get_by_role("button", name="Annuler mon inscription").click()
    assert page.get_by_text("Cochez la case pour confirmer l'annulation.").is_visible()
    page.get_by_label("Je confirme l'annulation").check()
    page.get_by_role("button", name="Annuler mon inscription").click()
    assert page.get_by_text("Cette inscription est annulée.").is_visible()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    cancelled = sent_email(kind="formation/registration_cancelled", to="celine@exemple.re")
    assert "Inscription annulée" in cancelled.subject
    assert csp == []

    page.set_viewport_size({"width": 360, "height": 800})
    look(page, "formation-mon-inscription-annulee-360")
    page.goto(f"{base}/formations/session/{session.pk}/inscription/")
    look(page, "formation-inscription-360")
