"""A project holder files a request in Chromium, follows it, and sees staff act on it."""

import re

import pytest

from tests.accueil.factories import commune
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import PASSWORD, StaffFactory
from tests.helpers import browser
from tests.helpers.auth import browser_login
from tests.helpers.browser import serious_accessibility_violations
from tests.helpers.mail import link_path, sent_email

PARTNER = r"/accompagnement/partenaire/\S+/"
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_holder_files_a_request_and_follows_it(page, live_server, tmp_path):
    staff = StaffFactory(email="nadia@exemple.re", role="Accueil")
    OrganisationFactory(
        name="Kaz Initiatives Est", commune=commune("97411"), is_support_structure=True, email="kaz@exemple.re"
    )
    csp = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    base = live_server.url

    page.goto(base + "/")
    page.get_by_role("link", name="Déposer une demande d'accompagnement").click()
    assert serious_accessibility_violations(page) == []
    # The status guide first; its result is carried into the request.
    page.get_by_role("link", name="Quel statut pour mon projet ?").click()
    for label in [
        "Servir l'intérêt général ou une utilité sociale, sans but lucratif",
        "Ils restent entièrement dans le projet",
        "Ensemble : une personne, une voix",
        "Deux",
        "En partie, avec aussi des subventions, cotisations ou dons",
    ]:
        page.get_by_label(label).check()
    for name in ["founders_employed", "capital", "stakeholders", "endowment", "mutual_protection"]:
        page.locator(f"input[name={name}][value=non]").check()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Voir les statuts adaptés").click()
    assert page.get_by_role("heading", name="Association (loi 1901)").is_visible()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Déposer une demande avec ce résultat").click()

    page.get_by_label("Prénom").fill("Céline")
    page.locator("#id_last_name").fill("Dijoux")
    page.get_by_label("Adresse électronique").fill("celine@exemple.re")
    page.get_by_label("Commune de résidence").select_option(label="Saint-Denis")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Continuer").click()

    page.get_by_label("Nom ou titre du projet").fill("Épicerie solidaire du Chaudron")
    page.get_by_label("Décrivez votre projet").fill("Une épicerie à petits prix pour les familles.")
    page.get_by_label("Commune où le projet aura lieu").select_option(label="Saint-Denis")
    page.get_by_label("Création").check()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Continuer").click()

    assert page.get_by_label("Choix du statut").is_checked(), "carried from the status guide"
    page.get_by_label("Financement").check()
    page.get_by_role("button", name="Continuer").click()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Continuer").click()  # every FSE question refused

    document = tmp_path / "budget.pdf"
    document.write_bytes(b"%PDF-1.7\nbudget previsionnel")
    page.get_by_label("Documents (facultatif)").set_input_files(str(document))
    page.locator("#id_consent").check()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url("**/demande/envoyee/")
    reference = re.search(r"ESS-\d{4}-\d{5}", page.content()).group(0)

    link = link_path(sent_email(kind="accueil/confirmation"), r"/accompagnement/suivi/\S+/")
    page.goto(base + link)
    assert page.get_by_text("Nouvelle", exact=True).is_visible()
    assert page.get_by_text("budget.pdf").is_visible()
    assert serious_accessibility_violations(page) == []

    # A staff member takes the request into qualification in the admin.
    staff_page = page.context.browser.new_page()
    browser_login(staff_page, base, staff.email, PASSWORD)
    staff_page.goto(base + "/gestion/accueil/intakerequest/")
    staff_page.get_by_role("link", name=reference).click()
    staff_page.get_by_role("button", name="Prendre en charge (qualification)").click()
    staff_page.wait_for_load_state()
    assert "C'est fait" in staff_page.content() or "C&#x27;est fait" in staff_page.content()
    staff_page.get_by_role("link", name="Orienter vers des structures…").click()
    staff_page.get_by_label("Kaz Initiatives Est").check()
    staff_page.get_by_role("button", name="Voir le courriel de chaque structure avant l'envoi").click()
    staff_page.get_by_role("button", name="Envoyer 1 orientation").click()
    staff_page.wait_for_load_state()
    staff_page.close()

    page.reload()
    assert page.get_by_text("Orientée", exact=True).first.is_visible()

    # The structure answers through the private link it received.
    partner_link = link_path(sent_email(kind="accueil/orientation_partenaire"), r"/accompagnement/partenaire/\S+/")
    partner_page = page.context.browser.new_page()
    partner_page.goto(base + partner_link)
    assert serious_accessibility_violations(partner_page) == []
    partner_page.get_by_label("Message au porteur (facultatif)").fill("Rendez-vous jeudi à 9 h ?")
    partner_page.get_by_role("button", name="J'accepte d'accompagner ce projet").click()
    partner_page.get_by_text("Votre accord est transmis au porteur et à l'équipe de la CRESS").wait_for()
    partner_page.close()

    page.reload()
    assert page.get_by_text("Rendez-vous jeudi à 9 h ?").first.is_visible()
    assert page.get_by_text("Kaz Initiatives Est").first.is_visible()
    # The holder answers from the same private page (its forms pass CSRF checks).
    page.get_by_label("Votre message").fill("Jeudi me convient, merci !")
    page.get_by_role("button", name="Envoyer le message").click()
    page.get_by_text("l'équipe de la CRESS a bien reçu vos informations").wait_for()
    assert page.get_by_text("Jeudi me convient, merci !").first.is_visible()
    assert csp == []


@pytest.mark.parametrize("width", [360, 1280])
def test_a_structure_asks_the_holder_answers_from_the_email_and_the_structure_reads_it(chromium, live_server, width):
    """The conversation in a browser, at a phone's and a desk's width: the structure asks a
    question, the holder follows the email's link and answers that structure, the structure
    is emailed and reads the answer on its page; each page readable without sideways scroll."""
    from accueil.orientation import orient
    from accueil.services import transition_request
    from tests.accueil.factories import make_request

    intake, _ = make_request(email="celine@exemple.re")
    transition_request(intake=intake, target="qualification")
    kaz = OrganisationFactory(name="Kaz Initiatives", commune=commune(), is_support_structure=True, email="kaz@ex.re")
    other = OrganisationFactory(name="Incubateur Sud", commune=commune(), is_support_structure=True, email="sud@ex.re")
    orient(intake=intake, organisations=[kaz, other], by=None)
    base = live_server.url
    context = chromium.new_context(viewport={"width": width, "height": 800}, locale="fr-FR")
    csp = []
    context.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)

    def readable(page, name):
        browser.look(page, f"conversation-{name}")

    partner = context.new_page()
    partner.goto(base + link_path(sent_email(kind="accueil/orientation_partenaire", to="kaz@ex.re"), PARTNER))
    partner.get_by_label("Poser une question au porteur").fill("Avez-vous déjà un local ?")
    partner.get_by_role("button", name="Envoyer la question").click()
    partner.get_by_text("Votre question est envoyée au porteur").wait_for()
    echanges = partner.get_by_role("region", name="Vos échanges sur ce projet")
    assert echanges.get_by_text("Avez-vous déjà un local ?").is_visible()
    assert echanges.get_by_text("Lu par : le porteur, vous et la CRESS").is_visible()
    readable(partner, "structure-question")

    email = sent_email(kind="accueil/message_porteur")
    assert email.subject.startswith("Kaz Initiatives vous pose une question")
    holder = context.new_page()
    holder.goto(base + link_path(email, r"/accompagnement/suivi/\S+/"))
    conversation = holder.get_by_role("region", name="Vos échanges")
    assert conversation.get_by_text("Avez-vous déjà un local ?").is_visible()
    readable(holder, "porteur-lit")
    conversation.get_by_role("link", name="Répondre à Kaz Initiatives").click()
    assert holder.get_by_label("Destinataire").input_value() == str(intake.orientations.get(organisation=kaz).pk)
    holder.get_by_label("Votre message").fill("Oui, un local rue du Général de Gaulle.")
    holder.get_by_role("button", name="Envoyer le message").click()
    holder.get_by_text("votre message est envoyé à Kaz Initiatives et à l'équipe de la CRESS").wait_for()
    assert holder.get_by_role("region", name="Vos échanges").get_by_text("rue du Général de Gaulle").is_visible()
    readable(holder, "porteur-repond")

    answer = sent_email(kind="accueil/message_structure", to="kaz@ex.re")
    assert answer.subject.startswith("Le porteur du projet vous a répondu")
    partner.goto(base + link_path(answer, PARTNER))
    assert partner.get_by_text("Oui, un local rue du Général de Gaulle.").is_visible()
    readable(partner, "structure-lit")
    # The other structure reads none of it.
    elsewhere = context.new_page()
    elsewhere.goto(base + link_path(sent_email(kind="accueil/orientation_partenaire", to="sud@ex.re"), PARTNER))
    assert elsewhere.get_by_text("Aucun message pour l'instant.").is_visible()
    assert elsewhere.get_by_text("local").count() == 0
    assert csp == []
    context.close()
