"""A committee in Chromium, at a phone's and a desk's width: a staff member writes the
minutes in the rich-text editor, records a decision (a mistake first: the French message),
the decision creates a commitment; a participant opens the minutes' page from the email's
link, then an expired link. Every page passes axe-core, none scrolls sideways, no CSP error."""

from datetime import timedelta

import pytest
from django.utils import timezone

from messagerie.models import OutgoingEmail, PrivateLink
from partenariats.committees import deliver_minutes
from partenariats.models import Commitment, Committee
from tests.comptes.factories import PASSWORD, StaffFactory
from tests.helpers import browser
from tests.helpers.auth import browser_login
from tests.helpers.mail import deliver, link_path
from tests.partenariats.factories import make_committee, make_convention, make_participant, make_partner

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [360, 1280])
def test_staff_hold_a_committee_whose_decision_creates_a_commitment(chromium, live_server, width):
    StaffFactory(role="Partenariats", email="lea@cress.re", first_name="Léa", last_name="Grondin")
    cma = make_partner(name="Chambre de métiers et de l'artisanat")
    convention = make_convention(cma, status="en_vigueur", reference="CONV-2026-042")
    committee = make_committee(convention, held_at=timezone.now() - timedelta(days=1), place="Saint-Denis")
    make_participant(committee, "Paul Hoarau", email="paul@cma.re", partner=cma)
    base = live_server.url
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    csp = []
    context.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    page = context.new_page()
    browser_login(page, base, "lea@cress.re", PASSWORD)

    page.goto(f"{base}/gestion/partenariats/committee/{committee.pk}/change/")
    editor = page.locator("trix-editor")
    editor.click()
    page.keyboard.type("Le comité valide le bilan des orientations.")
    browser.look(page, f"comite-fiche-{width}")
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    page.wait_for_load_state()
    assert Committee.objects.get(pk=committee.pk).minutes == "<div>Le comité valide le bilan des orientations.</div>"

    page.get_by_role("link", name="Enregistrer une décision").click()
    browser.look(page, f"comite-decision-{width}")
    page.get_by_label("Décision", exact=True).fill("La CMA anime un atelier par trimestre.")
    page.get_by_label("Crée un engagement").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    alert = page.get_by_role("alert")
    assert alert.get_by_text("La décision n'est pas enregistrée").is_visible()
    assert alert.get_by_text("Indiquez l'intitulé de l'engagement que la décision crée.").is_visible()
    browser.look(page, f"comite-decision-erreurs-{width}")
    page.get_by_label("Intitulé du nouvel engagement").fill("Un atelier par trimestre")
    page.get_by_label("Partie qui s'engage").select_option(label="Chambre de métiers et de l'artisanat")
    page.get_by_label("Échéance", exact=True).fill((timezone.localdate() + timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_url(f"**/committee/{committee.pk}/change/")
    assert page.get_by_text("l'engagement « Un atelier par trimestre » est créé").is_visible()
    assert Commitment.objects.get(title="Un atelier par trimestre").convention == convention

    # The worker's part, in this process; then the participant's link, valid then expired.
    deliver_minutes(committee_id=committee.pk)
    message = deliver(OutgoingEmail.objects.get(to="paul@cma.re"))
    participant = context.new_page()
    participant.goto(base + link_path(message, r"/partenaires/comite/compte-rendu/[\w-]+/"))
    assert participant.get_by_role("heading", level=1).inner_text().startswith("Compte rendu du comité de pilotage")
    assert participant.get_by_role("link", name="Télécharger le compte rendu (PDF").is_visible()
    browser.look(participant, f"comite-compte-rendu-{width}")
    PrivateLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    participant.reload()
    assert participant.get_by_role("heading", level=1).inner_text() == "Ce lien a expiré ou n'est pas valable"
    browser.look(participant, f"comite-lien-expire-{width}")
    participant.get_by_role("link", name="Recevoir un nouveau lien").click()
    browser.look(participant, f"comite-nouveau-lien-{width}")
    context.close()
    assert csp == []
