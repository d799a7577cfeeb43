"""A structure in Chromium, at a phone's and a desk's width: it reads by when to answer,
downloads the holder's document, accepts and then sees the holder's contact details; the
holder's tracking page tells what comes next. Each page fits the width and is axe-clean."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import formats, timezone

from accueil.models import DocumentDownload
from annuaire.models import PartnerMembership
from tests.accueil.factories import commune
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import UserFactory
from tests.helpers import browser
from tests.helpers.mail import link_path, sent_email

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


DESK = 768  # Bootstrap's md breakpoint: from there the list is a table


def scrolling_boxes(page) -> list[str]:
    """The elements of the main content that scroll sideways inside themselves."""
    return page.evaluate(
        """() => [...document.querySelectorAll("main *")]
            .filter((el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible")
            .map((el) => el.tagName + "." + el.className)"""
    )


@pytest.mark.parametrize("width", [320, 360, 1280])
def test_the_partner_list_reads_without_any_scrolling(chromium, live_server, width):
    from accueil.orientation import orient
    from accueil.services import transition_request
    from tests.accueil.factories import make_request

    kaz = OrganisationFactory(
        name="Association intercommunale pour l'accompagnement des initiatives solidaires du Sud sauvage",
        commune=commune(),
        is_support_structure=True,
        email="kaz@ex.re",
    )
    titles = ["Recyclerie-ressourcerie-atelier-vélo-solidaire-de-Saint-Philippe", "Épicerie solidaire"]
    for title in titles:
        intake, _ = make_request(title=title)
        transition_request(intake=intake, target="qualification")
        orient(intake=intake, organisations=[kaz], by=None)
    member = UserFactory()
    PartnerMembership.objects.create(user=member, organisation=kaz)
    client = Client()
    client.force_login(member)
    context = chromium.new_context(viewport={"width": width, "height": 800}, locale="fr-FR")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/accompagnement/partenaire/")
    if width < DESK:
        assert page.get_by_role("table").count() == 0
        cards = page.get_by_role("list", name="Orientations reçues").get_by_role("listitem")
        assert cards.count() == 2
        for card in cards.all():
            assert "avant le" in card.inner_text() and card.get_by_role("link").count() == 1
    else:
        table = page.get_by_role("table", name="Orientations reçues, les plus récentes d'abord")
        assert table.get_by_role("columnheader").count() == 7 and table.get_by_role("row").count() == 3
    assert scrolling_boxes(page) == []
    browser.look(page, "partenaire-liste-longue")
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_a_structure_reads_its_deadline_downloads_a_document_and_accepts(chromium, live_server, width):
    from accueil.orientation import answer_schedule, orient
    from accueil.services import add_attachment, transition_request
    from tests.accueil.factories import make_request

    intake, token = make_request(email="celine@exemple.re", phone="0692 11 22 33")
    transition_request(intake=intake, target="qualification")
    add_attachment(
        intake=intake,
        upload=SimpleUploadedFile("plan-de-financement.pdf", b"%PDF-1.4 plan"),
        kind="pdf",
        by_holder=True,
    )
    kaz = OrganisationFactory(name="Kaz Initiatives", commune=commune(), is_support_structure=True, email="kaz@ex.re")
    (orientation,) = orient(intake=intake, organisations=[kaz], by=None)
    context = chromium.new_context(viewport={"width": width, "height": 800}, locale="fr-FR", accept_downloads=True)
    page = context.new_page()

    answer_by = answer_schedule(orientation).answer_by

    def day(moment, pattern="j F Y"):
        return formats.date_format(timezone.localtime(moment), pattern)

    def look(name):
        browser.look(page, f"partenaire-{name}")

    # A signed-in member's list of orientations: by when each one awaits an answer.
    member = UserFactory()
    PartnerMembership.objects.create(user=member, organisation=kaz)
    client = Client()
    client.force_login(member)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page.goto(f"{live_server.url}/accompagnement/partenaire/")
    if width < DESK:  # a card per orientation
        assert page.get_by_role("table").count() == 0
        entry = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=intake.title))
    else:
        entry = page.get_by_role("row").filter(has=page.get_by_role("link", name=intake.title))
    assert f"avant le {day(answer_by, 'j M Y')}" in entry.inner_text()
    assert scrolling_boxes(page) == []
    look("liste")
    context.clear_cookies()  # the structure's private link works without signing in

    page.goto(
        live_server.url
        + link_path(sent_email(kind="accueil/orientation_partenaire"), r"/accompagnement/partenaire/\S+/")
    )
    assert f"Réponse attendue avant le {day(answer_by)}" in page.locator("#echeance").inner_text()
    assert page.get_by_text("celine@exemple.re").count() == 0
    look("avant-reponse")
    with page.expect_download() as download:
        page.get_by_role("link", name="plan-de-financement.pdf").click()
    assert download.value.suggested_filename == "plan-de-financement.pdf"
    assert Path(download.value.path()).read_bytes() == b"%PDF-1.4 plan"
    assert DocumentDownload.objects.filter(orientation=orientation).count() == 1
    page.get_by_role("button", name="J'accepte d'accompagner ce projet").click()
    page.get_by_text("Votre accord est transmis").wait_for()
    contact = page.get_by_role("region", name="Contacter le porteur")
    assert contact.get_by_text("celine@exemple.re").is_visible() and contact.get_by_text("0692 11 22 33").is_visible()
    look("acceptee")

    page.goto(f"{live_server.url}/accompagnement/suivi/{token}/")
    assert page.get_by_text("Et ensuite ?").is_visible()
    assert (
        page.get_by_role("region", name="Les documents que vous avez envoyés")
        .get_by_text("plan-de-financement.pdf")
        .is_visible()
    )
    look("suivi-porteur")
    context.close()
