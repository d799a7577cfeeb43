"""A published millésime built the way staff build one: a file imported, then published."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from observatoire import services
from observatoire.models import ImportKind, Millesime, MillesimeState
from tests.comptes.factories import StaffFactory
from tests.observatoire.factories import establishment_file


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
