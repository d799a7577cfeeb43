"""Issue 13's purchasing journey in Chromium, at a phone's and a desk's width: a buyer posts a
need on the public form; a Partenariats staff member validates it in the admin, opens the
need's suppliers' page, runs the matching and « Envoyer aux fournisseurs » (the first batch
leaves at once in sending hours, else at the sweep of a weekday 9:00); the supplier follows
the link of its email and answers « intéressé » with a message; the buyer follows the link of
their email and finds the supplier and its message on their private page. Every public page
is axe-clean and fits the window."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from experimentations import batches
from experimentations.models import Need, SupplierMatch
from messagerie.models import OutgoingEmail
from tests.comptes.factories import PASSWORD, StaffFactory
from tests.experimentations.factories import make_supplier, next_monday
from tests.helpers import browser
from tests.helpers.auth import browser_login
from tests.helpers.mail import link_path, sent_email

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

BUYER_PAGE = r"/financer-et-acheter/achats/besoin/\S+/"
SUPPLIER_PAGE = r"/financer-et-acheter/achats/fournisseur/[\w-]+/"
MESSAGE = "Nous livrons déjà deux écoles du Port : repas bio, produits péi, dès la rentrée."


@pytest.mark.parametrize("width", [390, 1280])
def test_a_need_from_the_buyer_to_an_interested_supplier_and_back(chromium, live_server, width):
    StaffFactory(role="Partenariats", email="lea@cress.re", first_name="Léa")
    supplier = make_supplier("Cuisine Lontan du Port", sector="I", commune="97407", email="cuisine@lontan.re")
    make_supplier("Garage solidaire de Saint-Pierre", sector="G", commune="97416")  # not a caterer
    base = live_server.url
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    csp = []
    context.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)

    # The buyer posts the need on the public form.
    buyer = context.new_page()
    buyer.goto(base + "/financer-et-acheter/achats/nouveau/")
    browser.look(buyer, "parcours-achat-formulaire")
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
    browser.look(buyer, "parcours-achat-envoye")

    # Staff validate it, open its suppliers' page, run the matching and send.
    admin = context.new_page()
    browser_login(admin, base, "lea@cress.re", PASSWORD)
    admin.goto(base + "/gestion/experimentations/need/")
    admin.get_by_role("link", name=reference).click()
    admin.get_by_role("button", name="Valider").click()
    admin.get_by_text("C'est fait").wait_for()
    need = Need.objects.get(reference=reference)
    assert need.status == Need.Status.VALIDATED
    admin.get_by_role("link", name="Fournisseurs du besoin et envoi").click()
    admin.get_by_role("button", name="Lancer le rapprochement").click()
    admin.get_by_text("Rapprochement fait : 1 fournisseur(s)").wait_for()
    assert admin.get_by_role("link", name="Cuisine Lontan du Port").is_visible()
    assert admin.get_by_text("Garage solidaire de Saint-Pierre").count() == 0
    admin.get_by_role("button", name="Envoyer aux fournisseurs").click()
    admin.get_by_text("Besoin envoyé :").wait_for()
    need.refresh_from_db()
    assert need.status == Need.Status.SENT
    if not OutgoingEmail.objects.filter(kind=batches.EMAIL_NEED).exists():
        # Outside the sending hours the first batch waits for the sweep of a weekday morning.
        assert batches.send_due_batches(now=next_monday(9)) == 1

    # The supplier follows the link of its email and answers « intéressé ».
    to_supplier = sent_email(kind=batches.EMAIL_NEED)
    assert to_supplier.to == [supplier.email]
    page = context.new_page()
    page.goto(base + link_path(to_supplier, SUPPLIER_PAGE))
    assert page.get_by_role("heading", level=1).inner_text() == "Repas des centres de loisirs"
    browser.look(page, "parcours-achat-fournisseur-accueil")
    page.get_by_role("link", name="Lire le besoin et répondre").click()
    assert page.get_by_text("Repas bio pour 200 enfants").is_visible()
    browser.look(page, "parcours-achat-fournisseur-besoin")
    page.get_by_label("Oui, nous sommes intéressés").check()
    page.get_by_label("Un message pour l'acheteur (facultatif)").fill(MESSAGE)
    page.get_by_role("button", name="Envoyer ma réponse").click()
    page.get_by_text("Merci : vos coordonnées sont transmises à l'acheteur").wait_for()
    browser.look(page, "parcours-achat-fournisseur-repondu")
    match = SupplierMatch.objects.get(need=need)
    assert match.answer == SupplierMatch.Answer.INTERESTED and match.message == MESSAGE and match.contact_shared_at

    # The buyer follows the link of the notice and finds the supplier and its message.
    notice = sent_email(kind=batches.EMAIL_INTERESTED)
    assert notice.to == ["commande@leport.re"] and "Cuisine Lontan du Port" in notice.body
    buyer.goto(base + link_path(notice, BUYER_PAGE))
    assert buyer.get_by_text("Cuisine Lontan du Port").first.is_visible()
    assert buyer.get_by_text(MESSAGE).is_visible()
    assert buyer.get_by_text("cuisine@lontan.re").first.is_visible()
    browser.look(buyer, "parcours-achat-acheteur-fournisseur-interesse")
    assert csp == []
    context.close()
