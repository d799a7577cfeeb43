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
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=intake.title))
    assert f"avant le {day(answer_by, 'j M Y')}" in row.inner_text()
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
