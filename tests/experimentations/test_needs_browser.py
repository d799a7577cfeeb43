"""A buyer's journey in Chromium, at a phone's and a desk's width: the buyer posts a need
(an error first, explained in French), follows the emailed link to their page, a staff
member validates the need in the admin, the buyer's page says so; the « besoins
inspirants » page; axe-core clean and no sideways scroll on every public page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from experimentations import needs
from experimentations.models import Need
from tests.comptes.factories import PASSWORD, StaffFactory
from tests.experimentations.factories import posted_need
from tests.helpers import browser
from tests.helpers.auth import browser_login
from tests.helpers.mail import link_path, sent_email

BUYER_PAGE = r"/financer-et-acheter/achats/besoin/\S+/"
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [390, 1280])
def test_a_buyer_posts_a_need_and_staff_validate_it(chromium, live_server, width):
    staff = StaffFactory(role="Partenariats", email="lea@cress.re", first_name="Léa")
    base = live_server.url
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    csp = []
    context.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    buyer = context.new_page()

    buyer.goto(base + "/financer-et-acheter/achats/nouveau/")
    browser.look(buyer, "achats-besoin-formulaire")
    buyer.get_by_role("button", name="Soumettre à la CRESS").click()
    summary = buyer.get_by_role("alert")
    assert summary.get_by_text("réponses sont à corriger").is_visible()
    browser.look(buyer, "achats-besoin-erreurs")

    buyer.get_by_label("Type d'acheteur").select_option(label="Collectivité")
    buyer.locator("#id_buyer_name").fill("Commune du Port")
    buyer.get_by_label("Nom du contact").fill("Jean-Marc Payet")
    buyer.get_by_label("Adresse du contact").fill("commande@leport.re")
    buyer.get_by_label("Nature").select_option(label="Demande de devis")
    buyer.get_by_label("Objet").fill("Repas des centres de loisirs")
    buyer.get_by_label("Description du besoin").fill("Repas bio pour 200 enfants, chaque mercredi.")
    buyer.get_by_label(re.compile("Hébergement et restauration")).check()
    buyer.get_by_label("Commune d'exécution").select_option(label="Le Port")
    deadline = timezone.localtime(timezone.now() + timedelta(days=20))
    buyer.get_by_label("Date limite de réponse (heure de La Réunion)").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    buyer.get_by_label("Comment répondre").fill("Un devis par courriel.")
    buyer.locator("#id_consent").check()
    buyer.get_by_role("button", name="Soumettre à la CRESS").click()
    buyer.wait_for_url("**/achats/nouveau/envoye/")
    reference = re.search(r"ACH-\d{4}-\d{4}", buyer.content()).group(0)
    browser.look(buyer, "achats-besoin-envoye")

    acknowledgement = sent_email(kind="experimentations/besoin_changement_etat")
    assert reference in acknowledgement.subject
    buyer.goto(base + link_path(acknowledgement, BUYER_PAGE))
    assert buyer.get_by_text("Soumis", exact=True).is_visible()
    browser.look(buyer, "achats-besoin-page-soumis")

    admin = context.new_page()
    browser_login(admin, base, staff.email, PASSWORD)
    admin.goto(base + "/gestion/experimentations/need/")
    admin.get_by_role("link", name=reference).click()
    admin.get_by_role("button", name="Valider").click()
    admin.get_by_text("C'est fait").wait_for()
    assert Need.objects.get(reference=reference).status == Need.Status.VALIDATED

    validated = sent_email(kind="experimentations/besoin_changement_etat")
    assert "validé" in validated.subject
    buyer.goto(base + link_path(validated, BUYER_PAGE))
    assert buyer.get_by_text("Validé", exact=True).is_visible()
    browser.look(buyer, "achats-besoin-page-valide")
    assert csp == []
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_inspiring_needs_page_is_accessible(chromium, live_server, width):
    need, _ = posted_need(status=Need.Status.SENT)
    needs.set_inspiring(need=need, is_inspiring=True, text="Une commune confie l'entretien de ses écoles à l'ESS.")
    page = chromium.new_page(viewport={"width": width, "height": 900})
    page.goto(live_server.url + "/financer-et-acheter/achats/besoins-inspirants/")
    assert page.get_by_text("Une commune confie l'entretien").is_visible()
    browser.look(page, "achats-besoins-inspirants")
    page.close()
