"""Uploads on an S3-compatible object storage (issue 14, point 7): with S3_BUCKET set, every
machine reads and writes the same private bucket through django-storages. A holder's document
goes into the bucket (never onto the local disk), a partner downloads it through the portal's
view (the bucket itself is never public), and an erasure removes it from the bucket."""

import os
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accueil.models import Attachment
from accueil.orientation import orient
from accueil.services import erase_request
from annuaire.models import PartnerMembership
from tests.accueil.factories import make_request
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import UserFactory
from tests.helpers.process import ROOT
from tests.helpers.s3_server import S3Server

pytestmark = [pytest.mark.django_db, pytest.mark.services]

BUCKET = "cress-televersements"
PDF = b"%PDF-1.4 devis du projet " + os.urandom(64)


@pytest.fixture
def s3(tmp_path, settings):
    server = S3Server(log_path=tmp_path / "moto.log")
    server.start()
    try:
        server.client().create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        settings.STORAGES = {**settings.STORAGES, "default": server.storage_settings(settings.S3_STORAGE, BUCKET)}
        yield server
    finally:
        server.stop()


def objects(server) -> dict[str, bytes]:
    client = server.client()
    listing = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {item["Key"]: client.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read() for item in listing}


def test_a_document_goes_to_the_bucket_and_leaves_only_through_the_portal(
    client, s3, settings, django_capture_on_commit_callbacks
):
    intake, token = make_request()
    upload = SimpleUploadedFile("devis.pdf", PDF, "application/pdf")
    assert (
        client.post(reverse("accueil:suivi", args=[token]), {"body": "Le devis.", "documents": [upload]}).status_code
        == 302
    )
    document = Attachment.objects.get(request=intake)

    stored = objects(s3)
    assert list(stored.values()) == [PDF]
    (key,) = stored
    assert key.startswith("media/") and key == f"media/{document.file.name}"
    assert not any(files for _root, _dirs, files in os.walk(settings.MEDIA_ROOT))  # nothing on this machine's disk
    acl = s3.client().get_object_acl(Bucket=BUCKET, Key=key)
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]  # private: the owner only

    partner = OrganisationFactory(name="Couveuse Sud", is_support_structure=True, email="couveuse@exemple.re")
    (orientation,) = orient(intake=intake, organisations=[partner], by=None)
    member = UserFactory()
    PartnerMembership.objects.create(user=member, organisation=partner)
    client.force_login(member)
    response = client.get(reverse("accueil:partenaire-orientation-document", args=[orientation.pk, document.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment") and response["X-Content-Type-Options"] == "nosniff"

    with django_capture_on_commit_callbacks(execute=True):
        erase_request(intake=intake, by=UserFactory(is_staff=True, is_superuser=True), reason="Demande de la personne")
    assert objects(s3) == {}


def test_production_settings_put_uploads_in_a_private_bucket_when_one_is_named():
    script = "from django.conf import settings; import json; print(json.dumps(settings.STORAGES['default']))"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cress.settings",
        "S3_BUCKET": "cress-prod",
        "S3_ENDPOINT_URL": "https://s3.fr-par.scw.cloud",
        "S3_REGION": "fr-par",
    }
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    import json

    storage = json.loads(out)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "cress-prod" and options["endpoint_url"] == "https://s3.fr-par.scw.cloud"
    assert options["default_acl"] == "private" and options["file_overwrite"] is False
    env.pop("S3_BUCKET")
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert json.loads(out)["BACKEND"] == "django.core.files.storage.FileSystemStorage"
