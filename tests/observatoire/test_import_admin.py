"""Staff import a file in the admin: upload, preview, launch, a real worker imports it,
the progress and then the report show; other roles cannot."""

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from observatoire.models import DataImport, Establishment, ImportStatus, Millesime
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified
from tests.observatoire.factories import Row, establishment_file, make_siret


def upload(client, content: bytes, *, year=2024):
    return client.post(
        reverse("admin:observatoire_dataimport_add"),
        {"kind": "etablissements", "year": year, "file": SimpleUploadedFile("base.csv", content)},
    )


@pytest.mark.django_db(transaction=True)
def test_upload_preview_launch_and_report_through_a_real_worker(client, celery_worker_process):
    login_verified(client, StaffFactory(role="Observatoire"))
    rows = [Row(make_siret(n), name=f"Association n°{n}") for n in range(1, 30)] + [Row("999")]
    response = upload(client, establishment_file(rows))
    assert response.status_code == 302
    data_import = DataImport.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Aperçu" in page and "Association n°1" in page
    assert "Lancer l'import du millésime 2024" in page
    assert not Establishment.objects.exists(), "nothing is imported before launching"

    response = client.post(reverse("admin:observatoire_dataimport_launch", args=[data_import.pk]), follow=True)
    assert "Import lancé" in response.content.decode()
    deadline = time.monotonic() + 60
    while DataImport.objects.get().status not in {ImportStatus.DONE, ImportStatus.FAILED}:
        assert time.monotonic() < deadline, celery_worker_process.log_path.read_text()[-3000:]
        time.sleep(0.2)
    progress_url = reverse("admin:observatoire_dataimport_progress", args=[data_import.pk])
    assert client.get(progress_url).status_code == 302, "opened as a page, it leads to the import's page"
    progress = client.get(progress_url, headers={"X-Progression": "1"}).content.decode()
    assert "29 lignes retenues, 1 refusée" in progress
    page = client.get(reverse("admin:observatoire_dataimport_change", args=[data_import.pk])).content.decode()
    assert "SIRET invalide : 14 chiffres attendus." in page
    assert Establishment.objects.count() == 29
    assert Millesime.objects.get().state == "importe"
    csv = client.get(reverse("admin:observatoire_dataimport_refusals", args=[data_import.pk]))
    assert b"".join(csv.streaming_content).decode().splitlines()[1] == "31;999;SIRET invalide : 14 chiffres attendus."
    # Launching again changes nothing.
    response = client.post(reverse("admin:observatoire_dataimport_launch", args=[data_import.pk]), follow=True)
    assert "Cet import est déjà lancé." in response.content.decode()


@pytest.mark.django_db
def test_a_bad_file_gets_a_clear_message_and_nothing_is_kept(client):
    login_verified(client, StaffFactory(role="Observatoire"))
    response = upload(client, b"nom;adresse\nX;Y\n")
    assert response.status_code == 200
    assert re.search(r"Colonnes obligatoires absentes : siret", response.content.decode())
    assert not DataImport.objects.exists()


@pytest.mark.django_db
def test_only_the_observatory_imports(client):
    login_verified(client, StaffFactory(role="Communication"))
    assert upload(client, establishment_file([Row(make_siret(1))])).status_code == 403
    assert not DataImport.objects.exists()
