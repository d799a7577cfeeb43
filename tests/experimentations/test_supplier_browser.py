"""A supplier in Chromium, at a phone's and a desk's width: opens the link of its email, reads
the need, forgets to say why it is not interested (told in French), then answers « intéressé »
and finds its answer kept; the buyer is emailed its contact. Each page fits and is axe-clean."""

import pytest

from experimentations import batches
from experimentations.models import SupplierMatch
from messagerie.models import OutgoingEmail
from tests.experimentations.factories import next_monday, sent_need
from tests.helpers import browser
from tests.helpers.mail import link_path, sent_email

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [390, 1280])
def test_a_supplier_opens_its_link_and_answers_interested(chromium, live_server, width):
    need = sent_need(suppliers=1, title="Entretien des espaces verts des écoles", budget_max=30_000)
    batches.send_due_batches(now=next_monday(9))
    context = chromium.new_context(viewport={"width": width, "height": 800}, locale="fr-FR")
    page = context.new_page()

    def look(name):
        browser.look(page, f"experimentations-{name}")

    url = link_path(sent_email(kind=batches.EMAIL_NEED), r"/financer-et-acheter/achats/fournisseur/[\w-]+/")
    page.goto(live_server.url + url)
    assert page.get_by_role("heading", level=1).inner_text() == "Entretien des espaces verts des écoles"
    look("fournisseur-accueil")
    page.get_by_role("link", name="Lire le besoin et répondre").click()
    assert page.get_by_text("Tonte et taille").is_visible()
    look("fournisseur-besoin")

    page.get_by_label("Non, pas cette fois").check()
    page.get_by_role("button", name="Envoyer ma réponse").click()
    page.get_by_text("Indiquez pourquoi ce besoin ne vous intéresse pas.").first.wait_for()
    look("fournisseur-erreur")

    page.get_by_label("Oui, nous sommes intéressés").check()
    page.get_by_label("Un message pour l'acheteur (facultatif)").fill("Nous pouvons commencer en janvier.")
    page.get_by_role("button", name="Envoyer ma réponse").click()
    page.get_by_text("Merci : vos coordonnées sont transmises à l'acheteur").wait_for()
    assert page.get_by_text("Vous avez répondu le").is_visible()
    look("fournisseur-repondu")

    match = SupplierMatch.objects.get(need=need)
    assert match.answer == "interesse" and match.opened_at and match.viewed_at and match.contact_shared_at
    assert OutgoingEmail.objects.get(kind=batches.EMAIL_INTERESTED).to == need.contact_email
    context.close()
