"""A published millésime built the way staff build one: a file imported, then published."""

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from observatoire import panoramas, services
from observatoire.models import ImportKind, Millesime, MillesimeState, Panorama, PanoramaRequest, PanoramaStatus
from referentiels.models import Territory, TerritoryKind
from tests.comptes.factories import StaffFactory
from tests.observatoire.factories import Row, establishment_file, make_siret


def import_and_publish(rows, *, year=2024, publish=True, synthetic=False) -> Millesime:
    staff = StaffFactory(role="Observatoire")
    upload = SimpleUploadedFile("base.csv", establishment_file(rows))
    data_import = services.upload_import(kind=ImportKind.ESTABLISHMENTS, year=year, upload=upload, by=staff)
    done = services.run_import(import_id=data_import.pk)
    assert done.status == "termine", done.error
    millesime = Millesime.objects.get(year=year)
    if synthetic:
        Millesime.objects.filter(pk=millesime.pk).update(is_synthetic=True)
    if publish:
        # As after the commit of a real request: the data version is bumped.
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.transition_millesime(millesime=millesime, target=MillesimeState.CHECKING, by=staff)
            services.transition_millesime(millesime=millesime, target=MillesimeState.PUBLISHED, by=staff)
    millesime.refresh_from_db()
    return millesime


SAINT_DENIS, SAINT_PIERRE, SAINTE_MARIE = "97411", "97416", "97418"
NON_ESS = {"legal_category": "5499", "ess": "N"}
SOCIAL, SHOP = "88.99B", "47.11F"


def rows(count, *, commune=SAINT_DENIS, start=1, **values):
    return [Row(make_siret(start + n), commune=commune, **values) for n in range(count)]


def island(start=1, extra=0):
    """Saint-Denis: half the private jobs of social work are in the ESS, none of retail;
    Saint-Pierre: the ESS holds a small part of social work and some retail."""
    return (
        rows(5, start=start, naf=SOCIAL, employees=str(10 + extra))
        + rows(5, start=start + 100, naf=SOCIAL, employees="10", **NON_ESS)
        + rows(5, start=start + 200, naf=SHOP, employees="20", **NON_ESS)
        + rows(5, commune=SAINT_PIERRE, start=start + 300, naf=SOCIAL, employees="4")
        + rows(5, commune=SAINT_PIERRE, start=start + 400, naf=SOCIAL, employees="30", **NON_ESS)
        + rows(5, commune=SAINT_PIERRE, start=start + 500, naf=SHOP, employees="10", legal_category="5458")
    )


NATIONAL = """source;champ;territoire;famille;niveau_secteur;secteur;etablissements;salaries;etp;masse_salariale
flores;ess;FR;toutes;tout;tout;155000;2600000;2200000;70000000000
flores;ensemble;FR;toutes;tout;tout;1900000;19000000;17000000;600000000000
flores;ess;FR;toutes;groupe;action-sociale;40000;1000000;900000;20000000000
flores;ensemble;FR;toutes;groupe;action-sociale;60000;1500000;1300000;30000000000
flores;ess;FR;toutes;groupe;commerce;3000;50000;45000;1000000000
flores;ensemble;FR;toutes;groupe;commerce;300000;3000000;2700000;90000000000
"""


def publish_with_national_reference(establishments, *, year=2024):
    millesime = import_and_publish(establishments, year=year, publish=False)
    staff = StaffFactory(role="Observatoire")
    table = services.upload_import(
        kind=ImportKind.TABLE, year=year, upload=SimpleUploadedFile("flores.csv", NATIONAL.encode()), by=staff
    )
    assert services.run_import(import_id=table.pk).status == "termine"
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.transition_millesime(millesime=millesime, target=MillesimeState.CHECKING, by=staff)
        services.transition_millesime(millesime=millesime, target=MillesimeState.PUBLISHED, by=staff)
    return millesime


def publish_sample_observatory() -> None:
    """Two published millésimes, the latest with the national reference and a secret commune:
    every section of the observatory's pages has something to show."""
    import_and_publish(island(), year=2023)
    publish_with_national_reference(
        island(start=1000, extra=2) + rows(2, commune=SAINTE_MARIE, start=900, employees="3"), year=2024
    )


def built_panorama(*, territory: Territory, millesime: Millesime) -> Panorama:
    """A panorama as the worker leaves it, built now (the PDF itself is a stand-in)."""
    now = timezone.now()
    panorama = Panorama(
        territory=territory,
        millesime=millesime,
        data_version=services.data_version(),
        status=PanoramaStatus.READY,
        started_at=now,
        finished_at=now,
    )
    panorama.file.save("panorama.pdf", ContentFile(b"%PDF-1.4 panorama"))
    return panorama


def serve_built_panorama(*, email: str) -> PanoramaRequest:
    """A request for a panorama already built: served at once, its email queued (without
    building a PDF: the file is a stand-in)."""
    millesime, _ = Millesime.objects.get_or_create(year=2024, defaults={"state": MillesimeState.PUBLISHED})
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    built_panorama(territory=region, millesime=millesime)
    return panoramas.request_panorama(territory=region, millesime=millesime, email=email, consent_text="ok")
