"""Defects found by a review of the observatory (2026-12-02), each shown fixed:
a withdrawn millésime's panoramas close, an edited millésime refreshes the pages, odd digits
in a year never give a 500, a NaN or a huge number refuses its row instead of stalling the
import, a failed or forgotten upload loses its file, the back button gets a whole page, and
the files say why a share is « s »."""

import csv
import html
import io
import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from messagerie.links import LinkUnavailable
from observatoire import panoramas, services
from observatoire.models import (
    DataImport,
    Establishment,
    Figure,
    ImportKind,
    ImportStatus,
    MillesimeState,
    Panorama,
    PanoramaStatus,
    Publication,
    Scope,
)
from referentiels.models import Territory, TerritoryKind
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified
from tests.observatoire import helpers
from tests.observatoire.factories import Row, establishment_file, make_siret
from tests.observatoire.helpers import import_and_publish

pytestmark = pytest.mark.django_db

SAINT_DENIS = "97411"


def rows(count, *, start=1, **values):
    return [Row(make_siret(start + n), commune=SAINT_DENIS, **values) for n in range(count)]


def region():
    return Territory.objects.get(kind=TerritoryKind.REGION)


def built_panorama(millesime) -> Panorama:
    return helpers.built_panorama(territory=region(), millesime=millesime)


def withdraw(millesime):
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.transition_millesime(millesime=millesime, target=MillesimeState.WITHDRAWN)


def test_a_withdrawn_millesime_closes_its_panoramas_links_and_publications(client):
    millesime = import_and_publish(rows(5))
    panorama = built_panorama(millesime)
    token = panoramas.build_panorama_link(panorama=panorama.pk).rsplit("/", 2)[-2]
    published = panoramas.publish_panorama(panorama=panorama)
    study = Publication(
        title="Étude libre", published_on=timezone.localdate(), summary="Une étude.", territory=region()
    )
    study.file.save("etude.pdf", ContentFile(b"%PDF-1.4 etude"))
    download = reverse("observatoire:panorama-fichier", args=[token])
    assert client.get(download).status_code == 200
    assert "Panorama" in html.unescape(client.get(reverse("observatoire:publications")).content.decode())

    withdraw(millesime)
    assert client.get(reverse("observatoire:panorama-telechargement", args=[token])).status_code == 404
    assert client.get(download).status_code == 404
    with pytest.raises(LinkUnavailable):  # an email still in the outbox gets no working link
        panoramas.build_panorama_link(panorama=panorama.pk)
    page = html.unescape(client.get(reverse("observatoire:publications")).content.decode())
    assert published.title not in page and "Étude libre" in page  # the other study stays
    assert client.get(reverse("observatoire:publication-fichier", args=[published.pk])).status_code == 404
    assert client.get(reverse("observatoire:publication-fichier", args=[study.pk])).status_code == 200
    with pytest.raises(Exception, match="ne montre pas les chiffres publiés"):
        panoramas.publish_panorama(panorama=panorama)


def test_a_rebuilt_panorama_is_current_from_its_own_build_not_the_rows_age():
    millesime = import_and_publish(rows(5))
    panorama = built_panorama(millesime)
    Panorama.objects.filter(pk=panorama.pk).update(started_at=timezone.now() - timedelta(days=30))
    withdraw(millesime)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.transition_millesime(millesime=millesime, target=MillesimeState.CHECKING)
        services.transition_millesime(millesime=millesime, target=MillesimeState.PUBLISHED)
    panorama.refresh_from_db()
    assert not panoramas._is_current(panorama)  # built before the re-publication
    # The worker built it again; the data version it was asked under is the current one
    # (after the cache was emptied, the version starts again from 1 and meets old rows).
    Panorama.objects.filter(pk=panorama.pk).update(started_at=timezone.now(), data_version=services.data_version())
    panorama.refresh_from_db()
    assert panoramas._is_current(panorama)  # although the row is older than the re-publication
    asked = panoramas.request_panorama(territory=region(), millesime=millesime, email="a@exemple.re", consent_text="ok")
    assert Panorama.objects.get(pk=asked.panorama_id).status == PanoramaStatus.READY  # served, not rebuilt


def test_editing_a_published_millesime_refreshes_its_pages(client):
    millesime = import_and_publish(rows(5))
    staff = StaffFactory(role="Observatoire")
    login_verified(client, staff)
    assert "synthétiques" not in html.unescape(client.get(reverse("observatoire:explorer")).content.decode())
    before = services.data_version()
    url = reverse("admin:observatoire_millesime_change", args=[millesime.pk])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            url,
            {
                "is_synthetic": "on",
                "source_note": "Fichier corrigé.",
                "transitions-TOTAL_FORMS": "0",
                "transitions-INITIAL_FORMS": "0",
            },
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert services.data_version() == before + 1
    assert "synthétiques" in html.unescape(client.get(reverse("observatoire:explorer")).content.decode())


@pytest.mark.parametrize("year", ["²", "٢٠٢٤", "2024\u00b2", "２０２４", "99999999999999999999"])
def test_a_year_in_odd_digits_gets_a_french_message_never_a_500(client, year):
    import_and_publish(rows(5))
    for name in (
        "observatoire:explorer",
        "observatoire:explorer-csv",
        "observatoire:explorer-json",
        "observatoire:niches",
    ):
        assert client.get(reverse(name), {"annee": year}).status_code == 200, name
    page = client.get(reverse("observatoire:explorer"), {"annee": year}).content.decode()
    assert "aucun millésime publié pour" in html.unescape(page)
    portrait = reverse("observatoire:portrait", args=[region().code])
    assert client.get(portrait, {"annee": year}).status_code == 200
    assert client.get(reverse("observatoire:panorama"), {"annee": year}).status_code == 200


def upload(content: bytes, *, year=2024):
    staff = StaffFactory(role="Observatoire")
    upload = SimpleUploadedFile("base.csv", content)
    return services.upload_import(kind=ImportKind.ESTABLISHMENTS, year=year, upload=upload, by=staff)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (Row(make_siret(2), employees="NaN"), "Effectif salarié illisible : « NaN »."),
        (Row(make_siret(2), employees="Infinity"), "Effectif salarié illisible : « Infinity »."),
        (Row(make_siret(2), fte="nan"), "Équivalents temps plein illisible : « nan »."),
        (Row(make_siret(2), employees="3000000000"), "Effectif salarié invraisemblable : 3000000000."),
        (Row(make_siret(2), payroll="1e13"), "Masse salariale invraisemblable : 1e13."),
    ],
)
def test_a_nan_or_a_number_too_big_for_its_column_refuses_the_row_and_the_import_finishes(row, reason):
    done = services.run_import(import_id=upload(establishment_file([Row(make_siret(1)), row])).pk)
    assert done.status == ImportStatus.DONE, done.error
    assert (done.accepted_rows, done.refused_rows) == (1, 1)
    assert done.refusals.get().reason == reason


def test_an_unexpected_error_fails_the_import_writes_nothing_and_deletes_the_file(monkeypatch):
    pending = upload(establishment_file(rows(3)))
    name = pending.file.name
    assert len(name.rsplit("-", 1)[-1]) > 20  # a random part: the year alone does not find it
    storage = pending.file.storage

    # A fault in the middle of the run (injected where the figures are computed, after the
    # rows are written): the run must fail whole, say so, and not stay « en cours ».
    def broken(**kwargs):
        raise RuntimeError("panne au milieu de l'import")

    monkeypatch.setattr(services, "compute_base_figures", broken)
    done = services.run_import(import_id=pending.pk)
    assert done.status == ImportStatus.FAILED and "rien n'a été enregistré" in done.error
    assert not done.file and not storage.exists(name)
    assert not Figure.objects.exists() and not Establishment.objects.exists()


def test_an_upload_never_launched_is_deleted_after_the_retention(settings):
    settings.IMPORT_FILE_RETENTION_DAYS = 7
    old, recent = upload(establishment_file(rows(2))), upload(establishment_file(rows(2, start=10)))
    DataImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    old_name, storage = old.file.name, old.file.storage
    assert services.purge_waiting_imports() == 1
    old.refresh_from_db(), recent.refresh_from_db()
    assert old.status == ImportStatus.FAILED and not old.file and not storage.exists(old_name)
    assert recent.status == ImportStatus.WAITING and storage.exists(recent.file.name)


def test_the_back_button_gets_the_whole_explorer_not_its_fragment(client):
    import_and_publish(rows(5))
    url = reverse("observatoire:explorer")
    fragment = client.get(url, headers={"HX-Request": "true"})
    restored = client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" not in fragment.content.decode() and "<html" in restored.content.decode()
    assert "HX-Request" in fragment["Vary"] and "HX-Request" in restored["Vary"]


def test_the_files_say_why_a_share_is_secret(client):
    """The ESS cell is published, the whole economy's is not: the share is « s », and the
    CSV and JSON give the reason (the one of the cell it is divided by)."""
    import_and_publish(rows(5, employees="10") + rows(5, start=40, legal_category="5499", ess="N", employees="10"))
    Figure.objects.filter(territory=region(), scope=Scope.ECONOMY, family="toutes", sector="tout").update(
        secrecy="primary", secrecy_reason="un établissement dominant"
    )
    services._bump_data_version()  # as a publication does
    data = json.loads(client.get(reverse("observatoire:explorer-json"), {"mesure": "part"}).content)
    total = data["lignes"][0]
    assert (total["valeur"], total["motif_secret"]) == ("s", "un établissement dominant")
    text = client.get(reverse("observatoire:explorer-csv"), {"mesure": "part"}).content.decode()
    lines = list(csv.reader(io.StringIO(text.split("\n", 1)[1]), delimiter=";"))
    assert lines[1][2:] == ["oui", "un établissement dominant"]
