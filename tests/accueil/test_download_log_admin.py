"""The staff read, on a request's admin page, which structure took which of the holder's
documents and when (accueil.DocumentDownload; issue 18, point 6 seen from the admin)."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accueil.models import DocumentDownload
from accueil.orientation import download_document, orient
from accueil.services import add_attachment
from annuaire.models import PartnerMembership
from tests.accueil.test_orientation import qualifying_request, support
from tests.comptes.factories import StaffFactory, UserFactory
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db


def oriented_with_documents(count=1):
    intake, _ = qualifying_request()
    kaz, sud = support("Kaz Initiatives"), support("Incubateur Sud", code="97416")
    orient(intake=intake, organisations=[kaz, sud], by=None)
    documents = [
        add_attachment(
            intake=intake,
            upload=SimpleUploadedFile(f"devis-{index}.pdf", b"%PDF-1.4 devis"),
            kind="pdf",
            by_holder=True,
        )
        for index in range(count)
    ]
    return intake, {o.organisation.name: o for o in intake.orientations.all()}, documents


def log_section(page):
    found = re.findall(r"Téléchargements des documents par les structures.*?</fieldset>", page, re.S)
    return found[0] if found else None


def test_the_request_page_lists_each_download_with_its_structure_member_and_date(client):
    intake, orientations, (document,) = oriented_with_documents()
    member = UserFactory(first_name="Mickaël", last_name="Hoarau")
    PartnerMembership.objects.create(user=member, organisation=orientations["Kaz Initiatives"].organisation)
    download_document(orientation=orientations["Kaz Initiatives"], document_id=document.pk, user=member)
    download_document(orientation=orientations["Incubateur Sud"], document_id=document.pk)
    login_verified(client, StaffFactory(role="Accueil"))
    page = client.get(reverse("admin:accueil_intakerequest_change", args=[intake.pk])).content.decode()
    section = log_section(page)
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", section)
    assert [row[:3] for row in rows] == [
        ("devis-0.pdf", "Incubateur Sud", "Lien privé de la structure"),
        ("devis-0.pdf", "Kaz Initiatives", str(member)),
    ]
    assert all(re.match(r"\d{1,2} \w+ \d{4}", row[3]) for row in rows), rows
    # A document deleted later (retention, erasure) leaves its downloads in the log.
    document.delete()
    page = client.get(reverse("admin:accueil_intakerequest_change", args=[intake.pk])).content.decode()
    assert log_section(page).count("Document supprimé depuis") == 2


def test_without_downloads_the_page_says_so(client):
    intake, _orientations, _documents = oriented_with_documents()
    login_verified(client, StaffFactory(role="Direction"))
    page = client.get(reverse("admin:accueil_intakerequest_change", args=[intake.pk])).content.decode()
    assert "Aucun document téléchargé par une structure." in log_section(page)


def test_only_who_may_read_the_log_sees_it(client):
    """Seeing a request is not enough: the log needs its own right (cress/access.py)."""
    intake, orientations, (document,) = oriented_with_documents()
    download_document(orientation=orientations["Kaz Initiatives"], document_id=document.pk)
    reader = StaffFactory()
    reader.user_permissions.add(Permission.objects.get(codename="view_intakerequest"))
    login_verified(client, reader)
    response = client.get(reverse("admin:accueil_intakerequest_change", args=[intake.pk]))
    assert response.status_code == 200 and intake.reference in response.content.decode()
    assert log_section(response.content.decode()) is None


def test_the_log_costs_the_same_queries_whatever_the_downloads(client, django_assert_num_queries):
    intake, orientations, documents = oriented_with_documents(count=3)
    login_verified(client, StaffFactory(role="Accueil"))
    url = reverse("admin:accueil_intakerequest_change", args=[intake.pk])
    download_document(orientation=orientations["Kaz Initiatives"], document_id=documents[0].pk)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    for document in documents:
        for orientation in orientations.values():
            member = UserFactory()
            PartnerMembership.objects.create(user=member, organisation=orientation.organisation)
            download_document(orientation=orientation, document_id=document.pk, user=member)
    assert DocumentDownload.objects.count() == 7
    with django_assert_num_queries(len(captured)):
        assert log_section(client.get(url).content.decode()).count("<tr><td>") == 7
