"""The issue's journey in Chromium, at a desk's width: a Partenariats staff member creates a
convention with one commitment in the admin, moves it « en vigueur » with the workflow's
buttons, holds a committee whose decision creates a second commitment; the partner's member
opens the partner space, finds both commitments and uploads a deliverable on the new one;
the public partners page and the territory page of the partner's intercommunality show
the result. The partner space, the partners page and the territory page are axe-clean."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partenariats.models import Commitment, Committee, Convention, Deliverable
from tests.annuaire.factories import OrganisationFactory, commune
from tests.comptes.factories import PASSWORD, StaffFactory
from tests.helpers import browser
from tests.helpers.auth import browser_login
from tests.partenariats.factories import PDF_BYTES, make_member, make_partner

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PARTNER = "Chambre de métiers et de l'artisanat"
TITLE = "Accompagner les artisans de l'ESS du Nord"


def test_a_convention_from_the_admin_to_the_partner_space_and_the_public_pages(chromium, live_server, tmp_path):
    StaffFactory(role="Partenariats", email="lea@cress.re", first_name="Léa", last_name="Grondin")
    cinor = commune("97411").parent
    cma = make_partner(organisation=OrganisationFactory(name=PARTNER, is_published=True))
    cma.territories.set([cinor])
    make_member(cma, email="marie@cma.re", first_name="Marie", last_name="Payet")
    today = timezone.localdate()
    base = live_server.url
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    browser_login(page, base, "lea@cress.re", PASSWORD)

    # The convention, with its party and one commitment, created in the admin.
    page.goto(f"{base}/gestion/partenariats/convention/add/")
    page.get_by_label("Référence").fill("CONV-2026-077")
    page.get_by_label("Intitulé").fill(TITLE)
    page.get_by_label("Objet").fill("Orienter les artisans vers les structures de l'ESS.")
    page.locator("#id_parties_from").select_option(label=PARTNER)
    page.locator("#id_parties_add").click()
    page.locator("#id_start_date").fill((today - timedelta(days=10)).isoformat())
    page.locator("#id_end_date").fill((today + timedelta(days=355)).isoformat())
    page.get_by_role("button", name="Ajouter un objet Engagement supplémentaire").click()
    page.get_by_role("textbox", name="Engagement, nouvelle ligne").fill("Orienter 50 porteurs vers la CMA")
    page.get_by_role("combobox", name="Partie engagée, nouvelle ligne").select_option(label=PARTNER)
    page.get_by_role("textbox", name="Échéance, nouvelle ligne").fill((today + timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    page.wait_for_load_state()
    assert Convention.objects.filter(reference="CONV-2026-077").exists(), page.locator(".errorlist").all_inner_texts()
    convention = Convention.objects.get(reference="CONV-2026-077")
    assert list(convention.commitments.values_list("title", flat=True)) == ["Orienter 50 porteurs vers la CMA"]

    # « en vigueur » through the workflow's buttons.
    page.get_by_role("button", name="Envoyer en signature").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Enregistrer la signature").click()
    page.wait_for_load_state()
    convention.refresh_from_db()
    assert convention.status == Convention.Status.ACTIVE
    assert convention.transitions.count() == 2

    # A committee for it, prepared from the convention's page, and a decision that creates a commitment.
    expect(page.locator(".workbar")).to_contain_text("Aucun comité pour cette convention.")
    page.get_by_role("link", name="Préparer un comité").click()
    page.wait_for_url(f"**/committee/add/?convention={convention.pk}")
    expect(page.locator(".field-convention")).to_contain_text("CONV-2026-077")
    page.locator("#id_held_at_0").fill((today - timedelta(days=1)).strftime("%d/%m/%Y"))
    page.locator("#id_held_at_1").fill("14:00:00")
    page.get_by_role("textbox", name="Lieu").fill("Saint-Denis")
    page.get_by_role("textbox", name="Ordre du jour").fill("Bilan du semestre\nEngagements à venir")
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    page.wait_for_load_state()
    assert Committee.objects.filter(convention=convention).exists(), page.locator(".errorlist").all_inner_texts()
    committee = Committee.objects.get(convention=convention)
    page.get_by_role("link", name="Enregistrer une décision").click()
    page.get_by_label("Décision", exact=True).fill("La CMA anime un atelier par trimestre.")
    page.get_by_label("Crée un engagement").check()
    page.get_by_label("Intitulé du nouvel engagement").fill("Un atelier par trimestre")
    page.get_by_label("Partie qui s'engage").select_option(label=PARTNER)
    page.get_by_label("Échéance", exact=True).fill((today + timedelta(days=120)).isoformat())
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_url(f"**/committee/{committee.pk}/change/")
    assert page.get_by_text("l'engagement « Un atelier par trimestre » est créé").is_visible()
    created = Commitment.objects.get(title="Un atelier par trimestre")
    assert created.convention == convention
    page.goto(f"{base}/gestion/partenariats/convention/{convention.pk}/change/")
    page.get_by_role("link", name=re.compile(r"^Comité de pilotage du ")).click()
    page.wait_for_url(f"**/committee/{committee.pk}/change/")
    context.close()

    # The partner's member: both commitments in the space, a deliverable on the new one.
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{base}/partenaires/espace/")
    page.wait_for_url("**/compte/connexion/**")
    page.get_by_label("Adresse électronique").fill("marie@cma.re")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/partenaires/espace/")
    browser.look(page, "parcours-espace-conventions")
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"**/partenaires/espace/conventions/{convention.pk}/")
    expect(page.get_by_role("link", name="Orienter 50 porteurs vers la CMA")).to_be_visible()
    expect(page.get_by_role("link", name="Un atelier par trimestre")).to_be_visible()
    browser.look(page, "parcours-espace-convention")
    page.get_by_role("link", name="Un atelier par trimestre").click()
    page.wait_for_url(f"**/partenaires/espace/engagements/{created.pk}/")
    report = tmp_path / "atelier-t1.pdf"
    report.write_bytes(PDF_BYTES)
    page.get_by_label("Intitulé du livrable").fill("Compte rendu de l'atelier du 1er trimestre")
    page.get_by_label("Fichier").set_input_files(str(report))
    page.get_by_role("button", name="Déposer le livrable").click()
    expect(page.get_by_text("Votre livrable est déposé")).to_be_visible()
    expect(page.get_by_role("link", name="Compte rendu de l'atelier du 1er trimestre")).to_be_visible()
    assert Deliverable.objects.get().commitment == created
    browser.look(page, "parcours-espace-engagement")
    context.close()

    # The public pages: the partners page and the intercommunality's page.
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{base}/partenaires/")
    card = page.locator(".partner-card", has_text=PARTNER)
    expect(card).to_be_visible()
    expect(card.get_by_text(TITLE)).to_be_visible()
    browser.look(page, "parcours-partenaires")
    page.goto(f"{base}/territoires/epci/cinor/")
    block = page.locator("section", has=page.locator("h2", has_text="Les partenaires de la CRESS"))
    expect(block.get_by_role("link", name=PARTNER)).to_be_visible()
    expect(block.get_by_text("1 convention en vigueur")).to_be_visible()
    browser.look(page, "parcours-territoire")
    context.close()
