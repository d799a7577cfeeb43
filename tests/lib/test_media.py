"""Uploaded files go with their rows: after the commit that deletes the row, never on a
rollback, and not while another row still names the file."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from accueil.models import Attachment, IntakeRequest
from accueil.services import add_attachment
from annuaire.contributions import accept_contribution, submit_contribution
from annuaire.models import Contribution, Organisation
from lib.media import CONNECTED, models_with_files
from tests.accueil.factories import make_request
from tests.annuaire.factories import commune
from tests.comptes.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_every_model_with_a_file_field_takes_its_files_with_it():
    assert {model._meta.label for model in models_with_files()} >= {"accueil.Attachment", "annuaire.Organisation"}
    assert set(models_with_files()) == CONNECTED, "connect the new model with lib.media.delete_files_with_rows"


def request_with_documents(count=2):
    intake, _ = make_request()
    for index in range(count):
        upload = SimpleUploadedFile(f"piece-{index}.pdf", b"%PDF-1.4 x")
        add_attachment(intake=intake, upload=upload, kind="pdf", by_holder=True)
    return intake, [attachment.file.path for attachment in intake.attachments.all()]


def exists(paths):
    return [os.path.exists(path) for path in paths]


DELETIONS = {
    "instance": lambda intake: intake.attachments.first().delete(),
    "queryset": lambda intake: Attachment.objects.filter(request=intake).delete(),
    "cascade": lambda intake: IntakeRequest.objects.filter(pk=intake.pk).delete(),
}


@pytest.mark.parametrize("how", DELETIONS)
def test_deleting_attachment_rows_removes_their_files_after_commit(how, django_capture_on_commit_callbacks):
    intake, paths = request_with_documents()
    gone = 1 if how == "instance" else 2
    with django_capture_on_commit_callbacks(execute=True):
        DELETIONS[how](intake)
        assert exists(paths) == [True, True], "nothing leaves the disk before the commit"
    assert exists(paths).count(False) == gone


@pytest.mark.parametrize("how", DELETIONS)
def test_a_rolled_back_deletion_keeps_the_files(how, django_capture_on_commit_callbacks):
    intake, paths = request_with_documents()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        DELETIONS[how](intake)
        raise RuntimeError("annulé")
    assert callbacks == [] and exists(paths) == [True, True]
    assert Attachment.objects.filter(request=intake).count() == 2


def png_upload():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "teal").save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def test_a_file_two_rows_name_stays_until_the_last_one_goes(django_capture_on_commit_callbacks):
    contribution = submit_contribution(
        kind=Contribution.Kind.NEW, values={"name": "Lakour", "commune": commune()}, logo=png_upload(),
        contributor_name="Nadia", contributor_email="nadia@exemple.re", consent_text="ok",
    )  # fmt: skip
    organisation = accept_contribution(contribution=contribution, by=StaffFactory(role="Communication"))
    assert organisation.logo.name == contribution.logo.name
    path = organisation.logo.path
    with django_capture_on_commit_callbacks(execute=True):
        Contribution.objects.filter(pk=contribution.pk).delete()
    assert exists([path]) == [True], "the organisation still shows it"
    with django_capture_on_commit_callbacks(execute=True):
        Organisation.objects.filter(pk=organisation.pk).delete()
    assert exists([path]) == [False]
