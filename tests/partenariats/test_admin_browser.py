"""The partnerships officer's working day in Chromium, on a desktop and on a phone: a
convention's page (its buttons, a commitment added with a linked figure), an amendment
recorded, a deliverable uploaded and a commitment kept, the partner's published figure
computed; every page axe-clean and without sideways scrolling."""

from datetime import timedelta

import pytest
from django.utils import timezone

from partenariats.models import Commitment, Convention, Deliverable, PartnerFigure
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import PASSWORD, StaffFactory
from tests.helpers import browser
from tests.helpers.auth import browser_login
from tests.partenariats.factories import PDF_BYTES, make_commitment, make_contact, make_convention, make_partner

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [360, 1280])
def test_staff_follow_a_convention_its_commitments_amendments_and_deliverables(page, live_server, tmp_path, width):
    def look(name):
        browser.look(page, f"partenariats-{name}-{width}")

    staff = StaffFactory(email="partenariats@exemple.re", role="Partenariats", first_name="Inès", last_name="Hoarau")
    cma = make_partner(organisation=OrganisationFactory(name="Chambre de métiers", email="cma@exemple.re"))
    make_contact(cma, name="Marie Payet", job_title="Chargée de mission")
    convention = make_convention(cma, status="en_vigueur", title="Accompagner les artisans de l'ESS")
    make_commitment(convention, party=cma, title="Recevoir les porteurs orientés")
    page.set_viewport_size({"width": width, "height": 900})
    base = live_server.url
    browser_login(page, base, staff.email, PASSWORD)

    # The convention: its state, its buttons, a commitment added with the figure it follows.
    page.goto(f"{base}/gestion/partenariats/convention/{convention.pk}/change/")
    assert page.get_by_role("button", name="Marquer à renouveler").is_visible()
    look("convention")
    page.get_by_role("button", name="Ajouter un objet Engagement supplémentaire").click()
    page.get_by_role("textbox", name="Engagement, nouvelle ligne").fill("Orienter 20 porteurs vers la chambre")
    page.get_by_role("combobox", name="Partie engagée, nouvelle ligne").select_option(label="Chambre de métiers")
    page.get_by_role("textbox", name="Échéance, nouvelle ligne").fill(
        (timezone.localdate() + timedelta(days=90)).isoformat()
    )
    page.get_by_role("combobox", name="Chiffre suivi, nouvelle ligne").select_option(
        label="Orientations envoyées vers la structure"
    )
    page.get_by_role("spinbutton", name="Cible, nouvelle ligne").fill("20")
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    page.wait_for_load_state()
    assert page.get_by_text("Orientations envoyées vers la structure : 0 orientations sur une cible de 20").is_visible()

    # Terminating asks for a reason: the refusal is said, nothing changes.
    page.get_by_role("button", name="Résilier").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("Indiquez le motif de la résiliation.").is_visible()
    look("convention-motif")

    # An amendment that extends the convention.
    new_end = convention.end_date + timedelta(days=365)
    page.get_by_role("link", name="Ajouter un avenant").click()
    look("avenant")
    page.get_by_label("Signé le").fill(timezone.localdate().isoformat())
    page.get_by_label("Objet de l'avenant").fill("Prolongation d'un an et engagement de communication.")
    page.get_by_label("Nouvelle date de fin").fill(new_end.isoformat())
    signed = tmp_path / "avenant-1.pdf"
    signed.write_bytes(PDF_BYTES)
    page.get_by_label("Avenant signé (PDF)").set_input_files(str(signed))
    page.get_by_role("button", name="Enregistrer l'avenant").click()
    page.wait_for_load_state()
    assert page.get_by_text("L'avenant n° 1 est enregistré").is_visible(), page.locator(".errorlist").all_inner_texts()
    assert Convention.objects.get(pk=convention.pk).end_date == new_end

    # A deliverable uploaded on the commitment, then the commitment kept.
    commitment = Commitment.objects.get(title="Orienter 20 porteurs vers la chambre")
    page.goto(f"{base}/gestion/partenariats/commitment/{commitment.pk}/change/")
    look("engagement")
    report = tmp_path / "bilan d'étape.pdf"
    report.write_bytes(PDF_BYTES)
    page.get_by_label("Intitulé, ligne 1").fill("Bilan d'étape")
    page.get_by_label("Fichier, ligne 1").set_input_files(str(report))
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="bilan d'étape.pdf").is_visible()
    assert Deliverable.objects.get().uploaded_by == staff
    page.get_by_role("button", name="Marquer tenu").click()
    page.wait_for_load_state()
    assert page.get_by_text("C'est fait : l'engagement est « Tenu ».").is_visible()
    look("engagement-tenu")

    # The partner's page: a published figure computed from the intake's data.
    page.goto(f"{base}/gestion/partenariats/partner/{cma.pk}/change/")
    page.get_by_role("button", name="Ajouter un objet Chiffre publié d'un partenariat supplémentaire").click()
    page.get_by_role("spinbutton", name="Année, nouvelle ligne").fill(str(timezone.localdate().year))
    page.get_by_role("textbox", name="Ce que le chiffre compte, nouvelle ligne").fill("Porteurs orientés vers la CMA")
    page.get_by_role("combobox", name="Chiffre suivi, nouvelle ligne").select_option(
        label="Orientations envoyées vers la structure"
    )
    page.get_by_role("button", name="Enregistrer et calculer les chiffres suivis").click()
    page.wait_for_load_state()
    assert page.get_by_text("1 chiffre(s) calculé(s) depuis les données du portail").is_visible()
    assert PartnerFigure.objects.get().value == 0
    look("partenaire")
