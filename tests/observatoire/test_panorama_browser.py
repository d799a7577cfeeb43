"""A visitor asks for a panorama on a phone, watches it being built, opens the emailed link
and downloads the PDF; the same pages at 1 280 px. axe-clean, no sideways scroll."""

import re

import pytest
from playwright.sync_api import expect

from observatoire import panoramas
from observatoire.models import Panorama
from tests.helpers.browser import look
from tests.helpers.worker import WorkerProcess, purge_broker
from tests.observatoire.helpers import import_and_publish
from tests.observatoire.test_panorama import ess_rows

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def ask(page, url, *, territory, email):
    page.goto(url + "/observatoire/")
    page.get_by_role("link", name="Demander un panorama").click()
    page.wait_for_url("**/observatoire/panorama/")
    look(page, "observatoire-panorama-demande")
    page.get_by_label("Territoire").select_option(label=territory)
    page.get_by_label("Millésime").select_option("2024")
    page.get_by_label("Votre adresse électronique").fill(email)
    page.get_by_label("J'accepte que la CRESS", exact=False).check()
    page.get_by_role("button", name="Demander le panorama").click()
    page.wait_for_url(re.compile(r".*/observatoire/panorama/demande/[0-9a-f-]+/$"))


def download_from_email(page, url, message, tmp_path, name):
    body = message["message"].get_body(preferencelist=("plain",)).get_content()
    path = re.search(r"https?://[^/\s]+(/observatoire/panorama/telechargement/[\w-]+/)", body)[1]
    page.goto(url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Télécharger votre panorama")
    look(page, "observatoire-panorama-telechargement")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Télécharger le panorama")).click()
    saved = tmp_path / f"{name}.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    return download_info.value.suggested_filename


def test_request_progress_email_link_and_download_on_a_phone_and_a_desktop(page, live_server, smtp_sink, tmp_path):
    import_and_publish(ess_rows(), synthetic=True)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    purge_broker()

    # On a phone, with no worker running yet: the request waits, the page says so.
    page.set_viewport_size({"width": 360, "height": 800})
    ask(page, live_server.url, territory="Saint-Denis", email="lectrice@exemple.re")
    status = page.get_by_role("status")
    expect(status).to_contain_text("Votre demande attend son tour")
    look(page, "observatoire-panorama-suivi-attente")

    # A worker starts: the page, polling its state, says the panorama is ready.
    worker = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker.log")
    worker.start()
    try:
        expect(status).to_contain_text("Votre panorama est prêt", timeout=60_000)
        look(page, "observatoire-panorama-suivi-pret")
        (message,) = smtp_sink.wait_for(1)
        assert message["to"] == ["lectrice@exemple.re"]
        name = download_from_email(page, live_server.url, message, tmp_path, "360")
        assert name == "panorama-ess-saint-denis-2024.pdf"

        # On a desktop, the same panorama asked again: ready at once, the email comes.
        page.set_viewport_size({"width": 1280, "height": 900})
        ask(page, live_server.url, territory="Saint-Denis", email="autre@exemple.re")
        expect(page.get_by_role("status")).to_contain_text("Votre panorama est prêt")
        look(page, "observatoire-panorama-suivi-pret")
        second = smtp_sink.wait_for(2)[1]
        assert second["to"] == ["autre@exemple.re"]
        download_from_email(page, live_server.url, second, tmp_path, "1280")
    finally:
        worker.stop()
    # Staff publish it: the public list offers it for download.
    panoramas.publish_panorama(panorama=Panorama.objects.get())
    page.goto(live_server.url + "/observatoire/publications/")
    look(page, "observatoire-publications")
    page.set_viewport_size({"width": 360, "height": 800})
    look(page, "observatoire-publications")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Télécharger « Panorama de l'ESS — Saint-Denis — 2024 »")).click()
    assert download_info.value.suggested_filename == "panorama-de-less-saint-denis-2024.pdf"
    assert problems == []
