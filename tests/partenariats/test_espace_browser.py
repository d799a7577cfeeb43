"""A partner's member in Chromium, at a phone's and a desk's width: asked to log in when
opening the partner space, they find their convention, upload a deliverable (a wrong file
first: refused in French), declare the commitment kept and write to the CRESS. Each page
is axe-clean, fits the width, and breaks no Content-Security-Policy rule."""

import pytest
from django.utils import timezone

from partenariats.models import Commitment, ConventionMessage, Deliverable
from tests.comptes.factories import PASSWORD, StaffFactory
from tests.helpers import browser
from tests.partenariats.factories import make_commitment, make_committee, make_convention, make_member, make_partner

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [360, 1280])
def test_a_partner_uploads_a_deliverable_and_declares_a_commitment_kept(chromium, live_server, tmp_path, width):
    follower = StaffFactory(role="Partenariats", email="sophie@cress.re")
    cma = make_partner(name="Chambre de métiers et de l'artisanat")
    make_member(cma, email="marie@cma.re", first_name="Marie", last_name="Payet")
    convention = make_convention(cma, status="en_vigueur", owner=follower, title="Accompagner les artisans de l'ESS")
    commitment = make_commitment(convention, party=cma, title="Orienter 50 porteurs vers la CMA")
    make_commitment(convention, title="Présenter l'ESS aux conseillers de la CMA")
    make_committee(  # minutes a partner reads once sent
        convention,
        minutes="<p>Le comité a validé le <strong>plan d'action</strong>.</p>",
        minutes_sent_at=timezone.now(),
    )
    report = tmp_path / "bilan-2026.pdf"
    report.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    fake = tmp_path / "bilan.pdf"
    fake.write_bytes(b"<html>ceci n'est pas un PDF</html>")

    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    csp = []
    context.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    page = context.new_page()

    def look(name):
        browser.look(page, f"espace-partenaire-{name}")

    # The space asks for a login, then opens.
    page.goto(live_server.url + "/partenaires/espace/")
    page.wait_for_url("**/compte/connexion/**")
    page.get_by_label("Adresse électronique").fill("marie@cma.re")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/partenaires/espace/")
    assert page.get_by_role("heading", name="Mes conventions avec la CRESS").is_visible()
    look("conventions")

    # The convention: its commitments and the committee's minutes.
    page.get_by_role("link", name="Accompagner les artisans de l'ESS").click()
    page.wait_for_url(f"**/partenaires/espace/conventions/{convention.pk}/")
    assert page.get_by_text("Le comité a validé le").is_visible()
    assert page.get_by_role("link", name="Présenter l'ESS aux conseillers de la CMA").count() == 0  # the CRESS's
    look("convention")

    # The commitment: a file that is not a PDF is refused, in French; then the real one.
    page.get_by_role("link", name="Orienter 50 porteurs vers la CMA").click()
    page.wait_for_url(f"**/partenaires/espace/engagements/{commitment.pk}/")
    look("engagement")
    page.get_by_label("Fichier").set_input_files(str(fake))
    page.get_by_role("button", name="Déposer le livrable").click()
    assert page.get_by_role("alert").get_by_text("n'est pas un document accepté").is_visible()
    assert not Deliverable.objects.exists()
    look("livrable-refuse")
    page.get_by_label("Intitulé du livrable").fill("Bilan de l'année 2026")
    page.get_by_label("Fichier").set_input_files(str(report))
    page.get_by_role("button", name="Déposer le livrable").click()
    assert page.get_by_text("Votre livrable est déposé").is_visible()
    assert page.get_by_role("link", name="Bilan de l'année 2026").is_visible()

    # Declared kept: the state says it awaits the CRESS's confirmation.
    page.get_by_label("Précisions pour l'équipe de la CRESS").fill("Le bilan est déposé ci-dessus.")
    page.get_by_role("button", name="Déclarer cet engagement tenu").click()
    assert page.get_by_text("Engagement déclaré tenu").is_visible()
    assert page.locator("dd strong").get_by_text("Déclaré tenu, à confirmer").is_visible()
    look("engagement-declare")
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.REPORTED

    # A word to the CRESS, in the convention's conversation.
    page.get_by_role("navigation", name="Fil d'Ariane").get_by_role("link", name=convention.reference).click()
    page.get_by_label("Votre message").fill("Le bilan 2026 est en ligne.")
    page.get_by_role("button", name="Envoyer à la CRESS").click()
    assert page.get_by_text("Votre message est envoyé").is_visible()
    assert ConventionMessage.objects.get().body == "Le bilan 2026 est en ligne."
    look("conversation")
    assert csp == []
    context.close()
