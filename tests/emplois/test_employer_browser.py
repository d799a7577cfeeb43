"""An employer in Chromium, at a phone's and a desk's width: asked to log in when opening the
space, they write an offer (an error first, explained in French), save it as a draft and
submit it to the CRESS. Each page is axe-clean, fits the width, breaks no CSP rule."""

from datetime import timedelta

import pytest
from django.utils import timezone

from annuaire.models import PartnerMembership
from emplois.models import Offer
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import PASSWORD, UserFactory
from tests.emplois.factories import make_application, make_offer
from tests.helpers import browser

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [390, 1280])
def test_an_employer_writes_an_offer_and_submits_it(chromium, live_server, width):
    organisation = OrganisationFactory(name="Ti Kaz Solidaire")
    member = UserFactory(email="rh@tikaz.re")
    PartnerMembership.objects.create(user=member, organisation=organisation)
    earlier = make_offer("Auxiliaire de vie sociale", organisation=organisation)
    make_application(earlier)

    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    csp = []
    context.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    page = context.new_page()

    def look(name):
        browser.look(page, f"emplois-espace-{name}")

    page.goto(live_server.url + "/emplois/espace/")
    page.wait_for_url("**/compte/connexion/**")
    page.get_by_label("Adresse électronique").fill("rh@tikaz.re")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/emplois/espace/")
    assert page.get_by_role("heading", name="Mes offres d'emploi et de bénévolat").is_visible()
    assert page.get_by_text("1 : 1 reçue").is_visible()
    look("offres")

    page.get_by_role("link", name="Nouvelle offre").click()
    page.wait_for_url(lambda url: "/emplois/espace/offres/nouvelle/" in url)
    look("nouvelle-offre")
    page.get_by_label("Intitulé du poste ou de la mission").fill("Animateur ou animatrice périscolaire")
    page.get_by_label("Contrat").select_option(label="CDD")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    summary = page.get_by_role("alert")
    assert summary.get_by_text("réponses sont à corriger").is_visible()
    assert summary.get_by_text("Indiquez la rémunération").is_visible()
    look("nouvelle-offre-erreurs")

    page.get_by_label("Métier (répertoire ROME de France Travail)").select_option(
        label="Animation de loisirs auprès d'enfants ou d'adolescents (G1203)"
    )
    page.get_by_label("Description du poste ou de la mission").fill("Animer les temps du midi et du soir.")
    page.get_by_label("Temps de travail").select_option(label="Temps partiel")
    page.get_by_label("Rémunération minimale").fill("1200")
    page.get_by_label("Rémunération maximale").fill("1400")
    page.get_by_label("Période de la rémunération").select_option(label="brut par mois")
    page.get_by_label("Commune", exact=True).select_option(label="Saint-Paul")
    closes_on = timezone.localdate() + timedelta(days=20)
    page.get_by_label("Date limite de candidature").fill(closes_on.isoformat())
    page.get_by_label("Adresse qui reçoit les candidatures").fill("rh@tikaz.re")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    offer = Offer.objects.get(title="Animateur ou animatrice périscolaire")
    page.wait_for_url(f"**/emplois/espace/offres/{offer.pk}/")
    assert page.get_by_text("enregistrée en brouillon").is_visible()
    look("offre-brouillon")

    page.get_by_role("button", name="Soumettre à la CRESS").click()
    page.get_by_text("soumise à la CRESS").wait_for()
    assert page.get_by_role("heading", name="État : En revue").is_visible()
    look("offre-en-revue")
    offer.refresh_from_db()
    assert offer.status == Offer.Status.REVIEW and offer.organisation == organisation
    assert csp == []
    context.close()
