"""The publications list: staff publish a built panorama or upload another study (a PDF,
checked by content); the public list, newest first, filtered by territory, each downloadable."""

import datetime
import html

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from observatoire import panoramas
from observatoire.models import Millesime, Panorama, PanoramaStatus, Publication
from referentiels.models import Territory, TerritoryKind
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified
from tests.observatoire.factories import Row, make_siret
from tests.observatoire.helpers import import_and_publish

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% une etude\n"


def region():
    return Territory.objects.get(kind=TerritoryKind.REGION)


def epci():
    return Territory.objects.filter(kind=TerritoryKind.EPCI).order_by("name").first()


def publication(title, day, territory, body=PDF):
    item = Publication(title=title, published_on=datetime.date(2026, 1, day), summary=f"Résumé de {title}.",
                       territory=territory)  # fmt: skip
    item.file.save("etude.pdf", ContentFile(body))
    return item


def test_the_list_is_newest_first_filtered_by_territory_and_each_file_downloads(client):
    publication("Étude ancienne", 3, region())
    publication("Étude récente", 20, region())
    local = publication("Étude locale", 10, epci(), body=PDF + b"locale")
    page = html.unescape(client.get(reverse("observatoire:publications")).content.decode())
    assert page.index("Étude récente") < page.index("Étude locale") < page.index("Étude ancienne")

    filtered = html.unescape(
        client.get(reverse("observatoire:publications"), {"territoire": epci().code}).content.decode()
    )
    assert "Étude locale" in filtered and "Étude récente" not in filtered

    unknown = client.get(reverse("observatoire:publications"), {"territoire": "99999"})
    assert unknown.status_code == 200
    assert "Ce territoire n'existe pas" in html.unescape(unknown.content.decode())

    download = client.get(reverse("observatoire:publication-fichier", args=[local.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF + b"locale"
    assert client.get(reverse("observatoire:publication-fichier", args=[999999])).status_code == 404


def test_the_list_makes_the_same_number_of_queries_whatever_its_length(client, django_assert_num_queries):
    publication("Une", 1, region())
    client.get(reverse("observatoire:publications"))  # the reference cache filled
    with django_assert_num_queries(2) as first:  # the page count and its rows
        client.get(reverse("observatoire:publications"))
    for day in range(2, 15):
        publication(f"Étude {day}", day, epci())
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("observatoire:publications"))


def test_staff_upload_a_study_checked_as_a_pdf_by_its_content(client):
    login_verified(client, StaffFactory(role="Observatoire"))
    url = reverse("admin:observatoire_publication_add")
    fields = {"title": "Les coopératives en 2025", "published_on": "2026-02-01", "summary": "Une étude.",
              "territory": region().pk}  # fmt: skip
    fake = SimpleUploadedFile("etude.pdf", b"PK\x03\x04 pas un pdf", content_type="application/pdf")
    response = client.post(url, fields | {"file": fake})
    assert response.status_code == 200 and not Publication.objects.exists()
    assert "pas un document accepté" in html.unescape(response.content.decode())
    image = SimpleUploadedFile("etude.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="application/pdf")
    response = client.post(url, fields | {"file": image})
    assert not Publication.objects.exists()

    response = client.post(url, fields | {"file": SimpleUploadedFile("etude.pdf", PDF)})
    assert response.status_code == 302
    (study,) = Publication.objects.all()
    assert study.title == "Les coopératives en 2025" and study.file.read() == PDF
    assert "Les coopératives en 2025" in html.unescape(
        client.get(reverse("observatoire:publications")).content.decode()
    )


def test_staff_publish_a_built_panorama(client):
    millesime = import_and_publish([Row(make_siret(n + 1)) for n in range(4)], synthetic=True)
    now = timezone.now()  # built by the worker after the publication
    built = Panorama(
        territory=region(), millesime=millesime, data_version=1, status=PanoramaStatus.READY, started_at=now
    )
    built.file.save("panorama.pdf", ContentFile(PDF + b"panorama"))
    waiting = Panorama.objects.create(territory=epci(), millesime=Millesime.objects.get(), data_version=1)

    login_verified(client, StaffFactory(role="Observatoire"))
    changelist = reverse("admin:observatoire_panorama_changelist")
    response = client.post(changelist, {"action": "publish", "_selected_action": [built.pk, waiting.pk]}, follow=True)
    page = html.unescape(response.content.decode())
    assert "1 panorama(s) publié(s)" in page and "n'est pas prêt" in page
    (published,) = Publication.objects.all()
    assert published.title == f"Panorama de l'ESS — La Réunion — {millesime.year}"
    assert "Données synthétiques" in published.summary and published.territory == region()
    assert published.file.read() == PDF + b"panorama" and published.file.name != built.file.name
    with pytest.raises(Exception, match="pas prêt"):
        panoramas.publish_panorama(panorama=waiting)
