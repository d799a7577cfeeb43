"""The public experiments pages in Chromium, on a phone and on a desk: axe-core clean, no
sideways scroll; a visitor goes from the list to an experiment, reads its stage, its
indicator (the chart and its table) and downloads its public report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from experimentations import experiments
from tests.annuaire.factories import OrganisationFactory
from tests.experimentations.factories import PDF, make_experiment
from tests.helpers import browser

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def published():
    experiment = make_experiment(
        "Monnaie locale complémentaire du Sud",
        partners=[OrganisationFactory(name="Kaz Solidarité")],
        description="<p>Une monnaie locale pour garder la richesse dans les quartiers.</p>",
    )
    experiments.move_experiment(experiment=experiment, target="etude")
    experiments.move_experiment(experiment=experiment, target="experimentation")
    experiments.add_document(
        experiment=experiment, title="Bilan d'étape", upload=SimpleUploadedFile("bilan.pdf", PDF), is_public=True
    )
    make_experiment("Cantine à prix libre", measures=0)
    return experiment


@pytest.mark.parametrize("width", [390, 1280])
def test_a_visitor_reads_an_experiment_at_each_width(chromium, live_server, published, width):
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/financer-et-acheter/experimentations/")
    assert page.get_by_role("heading", level=1).inner_text() == "Les expérimentations"
    browser.look(page, "expérimentations")
    page.get_by_role("link", name="Monnaie locale complémentaire du Sud").click()
    page.wait_for_url(f"**/experimentations/{published.slug}/")
    current = page.locator("[aria-current=step]")
    assert " ".join(current.inner_text().split()) == "Expérimentation : étape en cours"
    assert page.get_by_role("img", name="Commerces adhérents : valeurs mesurées et cible").is_visible()
    assert "30" in page.get_by_role("table").first.inner_text()
    assert page.get_by_role("link", name="Kaz Solidarité").is_visible()
    browser.look(page, "expérimentation")
    with page.expect_download() as download:
        page.get_by_role("link", name="Bilan d'étape").click()
    assert download.value.suggested_filename == "bilan.pdf"
    context.close()
