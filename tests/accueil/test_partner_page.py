"""The partner's pages: by when an answer is expected (the schedule the daily job follows),
and what a structure sees of the holder before and after accepting."""

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import formats, timezone

from accueil.forms import CONSENT_TEXT
from accueil.models import DocumentDownload, IntakeRequest, Orientation
from accueil.orientation import answer_orientation, answer_schedule, orient, remind_and_expire
from accueil.schedule import next_daily_run
from accueil.services import add_attachment
from annuaire.models import PartnerMembership
from messagerie.models import OutgoingEmail
from tests.accueil.test_orientation import partner_link, qualifying_request, support
from tests.comptes.factories import UserFactory
from tests.helpers.mail import deliver, link_path, sent_email

pytestmark = pytest.mark.django_db


def day(moment, pattern="j F Y"):
    return formats.date_format(timezone.localtime(moment), pattern)


def sent_orientation(**values):
    structure = support("Kaz Initiatives", **values)
    intake, token = qualifying_request(phone="0692 11 22 33")
    (orientation,) = orient(intake=intake, organisations=[structure], by=None)
    return orientation, token


def test_the_daily_run_is_the_next_eight_oclock_local_time():
    tz = timezone.get_current_timezone()
    before = datetime(2026, 3, 2, 7, 59, tzinfo=tz)
    after = datetime(2026, 3, 2, 8, 1, tzinfo=tz)
    assert next_daily_run(before) == datetime(2026, 3, 2, 8, 0, tzinfo=tz)
    assert next_daily_run(after) == datetime(2026, 3, 3, 8, 0, tzinfo=tz)


def test_the_page_tells_the_dates_the_job_acts_on(client, settings):
    settings.ORIENTATION_REMINDER_DAYS, settings.ORIENTATION_EXPIRY_DAYS = 3, 10
    orientation, _ = sent_orientation()
    link = partner_link()
    sent = orientation.sent_at
    assert f"(avant le {timezone.localtime(sent + timedelta(days=10)):%d/%m/%Y})" in mail.outbox[-1].body
    page = client.get(link).content.decode()
    assert f"Réponse attendue avant le {day(sent + timedelta(days=10))}" in page
    reminder = next_daily_run(sent + timedelta(days=3))
    expiry = next_daily_run(sent + timedelta(days=10))
    assert f"nous vous relançons par courriel le {day(reminder)}" in page
    assert f"l'orientation expire le {day(expiry)}" in page
    # The job acts from those moments, not before.
    assert remind_and_expire() == {"relances": 0, "expirees": 0}
    Orientation.objects.filter(pk=orientation.pk).update(sent_at=sent - timedelta(days=3, minutes=1))
    assert remind_and_expire() == {"relances": 1, "expirees": 0}
    orientation.refresh_from_db()
    page = client.get(link).content.decode()
    assert f"Une relance vous a été envoyée le {day(orientation.reminded_at)}" in page
    reminder_email = sent_email(kind="accueil/orientation_relance")
    answer_by = answer_schedule(orientation).answer_by
    assert f"avant le {timezone.localtime(answer_by):%d/%m/%Y}" in reminder_email.body
    Orientation.objects.filter(pk=orientation.pk).update(sent_at=sent - timedelta(days=10, minutes=1))
    assert remind_and_expire() == {"relances": 0, "expirees": 1}
    page = client.get(link).content.decode()
    assert "Réponse attendue" not in page and "Expirée" in page


def test_the_partner_list_shows_each_answer_deadline(client):
    orientation, _ = sent_orientation()
    user = UserFactory()
    PartnerMembership.objects.create(user=user, organisation=orientation.organisation)
    client.force_login(user)
    listing = client.get(reverse("accueil:partenaire-liste")).content.decode()
    schedule = answer_schedule(orientation)
    assert f"avant le {day(schedule.answer_by, 'j M Y')}" in listing
    assert f"relance le {day(schedule.reminder_on, 'j M')}" in listing
    answer_orientation(orientation=orientation, accept=True)
    listing = client.get(reverse("accueil:partenaire-liste"), {"etat": "acceptees"}).content.decode()
    assert "avant le" not in listing, "an answered orientation waits for nothing"


def test_the_holders_contact_details_show_only_after_acceptance(client):
    orientation, _ = sent_orientation()
    intake = orientation.request
    link = partner_link()
    before = client.get(link).content.decode()
    assert intake.email not in before and "0692 11 22 33" not in before and intake.last_name not in before
    client.post(link, {"action": "accepter"})
    after = client.get(link).content.decode()
    assert intake.email in after and "0692 11 22 33" in after and intake.last_name in after


def test_a_refusing_structure_never_sees_the_holders_contact_details(client):
    orientation, _ = sent_orientation()
    link = partner_link()
    client.post(link, {"action": "refuser", "reason": "capacite"})
    page = client.get(link).content.decode()
    assert "Refusée" in page and orientation.request.email not in page and "0692 11 22 33" not in page
    assert not OutgoingEmail.objects.filter(to=orientation.organisation.email, body_text__contains="0692").exists()


# --- The holder's documents, for the structures the request is oriented to ------------------


def share_document(intake, name="devis.pdf", content=b"%PDF-1.4 devis du local"):
    upload = SimpleUploadedFile(name, content, "application/pdf")
    return add_attachment(intake=intake, upload=upload, kind="pdf", by_holder=True)


def document_links(page):
    return re.findall(r'href="(/accompagnement/partenaire/[^"]+/documents/\d+/)"', page)


def test_the_consent_says_documents_go_to_the_structures():
    assert "la transmettre, avec les documents que j'y joins, aux structures" in CONSENT_TEXT


def test_a_structure_downloads_the_holders_documents_and_each_download_is_logged(client):
    orientation, _ = sent_orientation()
    document = share_document(orientation.request)
    link = partner_link()
    page = client.get(link).content.decode()
    (href,) = document_links(page)
    assert "devis.pdf" in page and "/media/" not in page, "never a public media address"
    response = client.get(href)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 devis du local"
    assert response["Content-Disposition"].startswith("attachment;") and "devis.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    client.get(href)
    downloads = DocumentDownload.objects.filter(orientation=orientation, attachment=document)
    assert downloads.count() == 2 and not any(d.user for d in downloads), "through the link: no member"
    assert "téléchargé le" in client.get(link).content.decode()


def test_a_member_downloads_signed_in_and_is_named_in_the_log(client):
    orientation, _ = sent_orientation()
    share_document(orientation.request)
    user = UserFactory()
    PartnerMembership.objects.create(user=user, organisation=orientation.organisation)
    client.force_login(user)
    page = client.get(reverse("accueil:partenaire-orientation", args=[orientation.pk])).content.decode()
    (href,) = document_links(page)
    assert client.get(href).status_code == 200
    assert DocumentDownload.objects.get().user == user


def test_documents_are_not_given_to_another_structure_nor_after_refusal(client):
    mine, other = support("Kaz Initiatives"), support("Incubateur Sud", code="97416")
    intake, _ = qualifying_request()
    orient(intake=intake, organisations=[mine, other], by=None)
    document = share_document(intake)
    staff_document = add_attachment(
        intake=intake, upload=SimpleUploadedFile("note.pdf", b"%PDF-1.4 interne"), kind="pdf", by_holder=False
    )
    links = {
        e.to: link_path(deliver(e), r"/accompagnement/partenaire/[\w-]+/")
        for e in OutgoingEmail.objects.filter(kind="accueil/orientation_partenaire")
    }
    mine_link, other_link = links[mine.email], links[other.email]
    # Another structure's link with this document's number, a staff document, a made-up number.
    assert client.get(f"{other_link}documents/{document.pk}/").status_code == 200, "shared with both"
    assert client.get(f"{mine_link}documents/{staff_document.pk}/").status_code == 404
    assert client.get(f"{mine_link}documents/999999/").status_code == 404
    assert client.get(f"/accompagnement/partenaire/jeton-invente/documents/{document.pk}/").status_code == 404
    # Another structure's member cannot use its own sign-in on this orientation.
    user = UserFactory()
    PartnerMembership.objects.create(user=user, organisation=other)
    client.force_login(user)
    mine_orientation = Orientation.objects.get(organisation=mine)
    url = reverse("accueil:partenaire-orientation-document", args=[mine_orientation.pk, document.pk])
    assert client.get(url).status_code == 404
    client.logout()
    # Once refused, the structure's link still opens the page for the grace period, not the documents.
    client.post(mine_link, {"action": "refuser", "reason": "capacite"})
    page = client.get(mine_link).content.decode()
    assert "cette orientation est close" in page and not document_links(page)
    assert client.get(f"{mine_link}documents/{document.pk}/").status_code == 404
    assert DocumentDownload.objects.filter(orientation=mine_orientation).count() == 0


def test_a_request_filed_under_the_former_consent_shares_no_document(client):
    former = CONSENT_TEXT.replace(", avec les documents que j'y joins,", "")
    orientation, _ = sent_orientation()
    IntakeRequest.objects.filter(pk=orientation.request_id).update(consent_text=former)
    document = share_document(orientation.request)
    link = partner_link()
    page = client.get(link).content.decode()
    assert not document_links(page) and "avant que le partage des documents" in page
    assert client.get(f"{link}documents/{document.pk}/").status_code == 404
    assert IntakeRequest.objects.get().consent_text == former, "the consent accepted stays as it was"
