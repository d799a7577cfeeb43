"""Staff publish a resource in the admin: its file checked by its content (a renamed
program is refused in French), its themes, audiences and topics saved as tags."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appartenance.demo_resources import demo_pdf
from appartenance.models_resources import Resource, ResourceTag

pytestmark = pytest.mark.django_db

ADD = "/gestion/appartenance/resource/add/"


def form(**changes) -> dict:
    return {
        "title": "Modèle de statuts de SCOP",
        "slug": "modele-de-statuts-de-scop",
        "summary": "Les statuts types d'une SCOP.",
        "body": "<p>Texte</p><script>alert(1)</script>",
        "author": "URSCOP",
        "published_on": "2025-03-01",
        "licence": "cc_by",
        "format": "modele_statuts",
        "external_url": "",
        "is_published": "on",
        "themes": ["creation"],
        "audiences": ["porteur"],
        "topics": ["statut/scop"],
        **changes,
    }


def test_a_renamed_program_is_refused_in_french(admin_client):
    upload = SimpleUploadedFile("statuts.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    response = admin_client.post(ADD, form(file=upload))
    assert response.status_code == 200
    assert "« statuts.pdf » n'est pas un document accepté" in unescape(response.content.decode())
    assert not Resource.objects.exists()


def test_a_resource_is_saved_with_its_tags(admin_client):
    upload = SimpleUploadedFile("statuts.bin", demo_pdf("Statuts", ["SCOP"]))
    response = admin_client.post(ADD, form(file=upload))
    assert response.status_code == 302, response.content.decode()[:2000]
    resource = Resource.objects.get()
    assert resource.file_kind == "pdf" and resource.body == "<p>Texte</p>"
    assert set(resource.tags.values_list("kind", "value")) == {
        (ResourceTag.Kind.THEME, "creation"),
        (ResourceTag.Kind.AUDIENCE, "porteur"),
        (ResourceTag.Kind.TOPIC, "statut/scop"),
    }
    change = f"/gestion/appartenance/resource/{resource.pk}/change/"
    assert admin_client.get(change).status_code == 200
    response = admin_client.post(change, form(themes=["gouvernance"], topics=[]))
    assert response.status_code == 302
    assert set(resource.tags.values_list("value", flat=True)) == {"gouvernance", "porteur"}
