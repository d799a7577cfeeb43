"""In Chromium, at a phone's and a desk's width: a member of an organisation fills two themes
of the good-practices guide, asks for the report, watches its progress (htmx polling, no
inline script) while a real Celery worker builds it, and downloads the PDF, whose text is
checked. axe-core clean, no sideways scroll."""

import io
import re
from pathlib import Path

import pytest
from django.test import Client
from pypdf import PdfReader

from annuaire.models import PartnerMembership
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import UserFactory
from tests.helpers.browser import look

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.services]


@pytest.fixture
def worker(celery_worker_process):
    return celery_worker_process


@pytest.mark.parametrize("width", [360, 1280])
def test_an_organisation_fills_two_themes_and_downloads_its_report(chromium, live_server, worker, smtp_sink, width):
    kaz = OrganisationFactory(name="Association Kaz Solidaire")
    marie = UserFactory(email="marie@kaz.re", first_name="Marie")
    PartnerMembership.objects.create(user=marie, organisation=kaz)
    client = Client()
    client.force_login(marie)
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR", accept_downloads=True)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()

    page.goto(live_server.url + "/ess/bonnes-pratiques/")
    page.get_by_role("button", name="Commencer l'évaluation").click()
    page.get_by_role("heading", name="Bonnes pratiques").wait_for()

    page.get_by_role("link", name="Gouvernance démocratique").click()
    page.get_by_role("group", name="Les instances prévues par les statuts").get_by_label("Oui").check()
    page.get_by_role("group", name="Les salariés sont représentés").get_by_label("En partie").check()
    page.get_by_role("button", name="Enregistrer et revenir aux thèmes").click()
    page.get_by_text("Vos réponses sur « Gouvernance démocratique » sont enregistrées.").wait_for()
    page.get_by_role("link", name="Concertation dans l'élaboration de la stratégie").click()
    page.get_by_role("group", name="Un projet stratégique écrit").get_by_label("Non").check()
    page.get_by_label("Comment la concertation s'est-elle organisée").fill("Deux réunions avec l'équipe.")
    page.get_by_role("button", name="Enregistrer et revenir aux thèmes").click()
    page.get_by_text("sont enregistrées.").wait_for()

    page.get_by_role("link", name=re.compile(r"Le rapport \d{4} \(PDF\)")).click()
    page.get_by_text("Aucun rapport n'a encore été préparé").wait_for()
    look(page, "guide-rapport-vide")
    page.get_by_role("button", name="Préparer le rapport (PDF)").click()
    page.get_by_text("Le rapport est en préparation").wait_for()
    look(page, "guide-rapport-preparation")
    # The state fragment is polled until the worker is done: no reload by hand.
    download_link = page.get_by_role("link", name="Télécharger le rapport (PDF)")
    download_link.wait_for(timeout=180_000)
    look(page, "guide-rapport-pret")
    with page.expect_download() as download:
        download_link.click()
    data = Path(download.value.path()).read_bytes()
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    assert "Association Kaz Solidaire" in text
    assert "Gouvernance démocratique" in text and "75 %" in text
    assert "Deux réunions avec l'équipe." in text
    smtp_sink.wait_for(1, timeout=30)
    assert smtp_sink.messages[0]["message"]["To"] == "marie@kaz.re"
    context.close()
