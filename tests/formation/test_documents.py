"""The attendance sheet and the certificates: their PDFs read back as text, the certificate
built by a real worker and emailed with a private link that downloads it again."""

import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from formation import documents, registrations
from formation.attendance import record_attendance
from formation.models import AssessmentResult, Registration
from messagerie.links import issue_token
from messagerie.models import OutgoingEmail
from tests.comptes.factories import StaffFactory
from tests.formation.documents_helpers import make_registration, make_session, pdf_text
from tests.helpers.auth import login_verified
from tests.helpers.mail import link_path

Status = Registration.Status
LINK_PATH = r"/formations/attestation/[\w-]+/"


def wait_until(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("délai dépassé")
        time.sleep(0.1)


def present_and_absent(session):
    marie = make_registration(session, first_name="Marie", last_name="Hoarau")
    paul = make_registration(session, first_name="Paul", last_name="Grondin", organisation_name="SCIC Lontan")
    half_days = list(session.half_days.all())
    record_attendance(
        session=session,
        present={(marie.pk, half_day.pk) for half_day in half_days[:3]},
        results={marie.pk: AssessmentResult.MET},
    )
    marie.refresh_from_db()
    paul.refresh_from_db()
    return marie, paul


@pytest.mark.django_db
def test_the_attendance_sheet_has_a_line_per_person_and_half_day_and_the_trainers_box():
    session = make_session(length_days=2)
    make_registration(session, first_name="Marie", last_name="Hoarau")
    make_registration(session, first_name="Paul", last_name="Grondin", organisation_name="SCIC Lontan")
    make_registration(session, first_name="Léa", last_name="Técher", status=Status.WAITING)  # not expected
    make_registration(session, first_name="Jean", last_name="Annulé", status=Status.CANCELLED)

    text = pdf_text(documents.attendance_sheet_pdf(session))

    assert text.count("Feuille d'émargement — Devenir employeur associatif") == 2  # one page per day
    assert text.count("HOARAU Marie Association Ti Kaz") == 2 and text.count("GRONDIN Paul SCIC Lontan") == 2
    assert "TÉCHER" not in text and "ANNULÉ" not in text
    assert text.count("Matin — signature Après-midi — signature") == 2
    assert text.count("Signature du formateur ou de la formatrice (Josie Payet) Matin Après-midi") == 2
    assert "Horaires : 9 h 00 – 17 h 00" in text and "Durée : 14 h" in text
    assert "Lieu : 13 rue de la Compagnie, Saint-Denis" in text
    assert re.search(r"Session du \d+ \w+ \d{4} au \d+ \w+ \d{4}", text)


@pytest.mark.django_db
def test_no_certificate_for_a_person_not_marked_present():
    session = make_session()
    _marie, paul = present_and_absent(session)
    assert paul.status == Status.ABSENT
    with pytest.raises(documents.CertificateRefused, match="Pas d'attestation pour Paul Grondin : elle n'est pas"):
        documents.certificate_pdf(paul)
    waiting = make_registration(session, first_name="Léa", last_name="Técher", status=Status.CONFIRMED)
    with pytest.raises(documents.CertificateRefused, match="marquée présente"):
        documents.certificate_pdf(waiting)
    assert documents.issue_certificate(registration_id=paul.pk) is None
    paul.refresh_from_db()
    assert paul.certificate_number is None and not paul.certificate_file
    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_no_certificate_without_the_result_of_the_assessment():
    session = make_session()
    marie = make_registration(session)
    record_attendance(session=session, present={(marie.pk, session.half_days.first().pk)})
    marie.refresh_from_db()
    assert marie.status == Status.PRESENT
    with pytest.raises(documents.CertificateRefused, match="résultat de l'évaluation des acquis n'est pas renseigné"):
        documents.certificate_pdf(marie)


@pytest.mark.django_db
def test_the_bulk_action_refuses_absent_people_in_french_and_queues_the_others(
    client, django_capture_on_commit_callbacks
):
    session = make_session()
    marie, paul = present_and_absent(session)
    login_verified(client, StaffFactory(role="Formation"))
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("admin:formation_registration_changelist"),
            {"action": "send_certificates", "_selected_action": [marie.pk, paul.pk]},
        )
    assert response.status_code == 302
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("Pas d'attestation pour Paul Grondin : elle n'est pas marquée présente" in m for m in shown), shown
    assert any("1 attestation(s) en cours d'établissement" in m for m in shown), shown
    assert len(callbacks) == 1  # one enqueueing, for Marie only


@pytest.mark.django_db(transaction=True)
def test_a_worker_builds_the_certificate_emails_a_link_and_the_link_downloads_it_again(
    client, celery_worker_process, smtp_sink
):
    session = make_session(length_days=2)
    marie, paul = present_and_absent(session)
    admin = login_verified(client, StaffFactory(role="Formation"))
    assert admin

    response = client.post(reverse("admin:formation_registration_session_certificates", args=[session.pk]))
    assert response.status_code == 302
    wait_until(lambda: Registration.objects.get(pk=marie.pk).certificate_number is not None)
    marie.refresh_from_db()
    number = marie.certificate_number
    assert re.fullmatch(r"AF-\d{4}-\d{6}", number) and number.endswith(f"{marie.pk:06d}")

    text = pdf_text(marie.certificate_file.read())
    assert "Attestation de fin de formation" in text and f"N° {number}" in text
    assert "Marie Hoarau (Coordinatrice, Association Ti Kaz)" in text
    assert "Intitulé Devenir employeur associatif" in text
    assert "Nature de l'action Action de formation (article L6313-1, 1° du Code du travail)" in text
    assert "Durée de la formation 14 h" in text
    assert "3 demi-journées sur 4, soit 10,5 h suivies" in text
    assert "Connaître les obligations d'un employeur associatif" in text
    assert "Établir un contrat de travail conforme" in text
    assert "Modalités d'évaluation Quiz de fin de formation et cas pratique." in text
    assert "Résultat Objectifs atteints" in text
    assert "article L6353-1 du Code du travail" in text

    # The email, sent by the worker through the outbox, carries a link that opens the download.
    (sent,) = smtp_sink.wait_for(1)
    assert sent["to"] == [marie.email]
    body = sent["message"].get_body(preferencelist=("plain",)).get_content()
    assert number in body and "Devenir employeur associatif" in body
    page = client.get(link_path(SimpleNamespace(body=body), LINK_PATH))
    assert page.status_code == 200 and "Télécharger l'attestation" in page.content.decode()
    file_url = re.search(r'href="(/formations/attestation/[^"]+\.pdf)"', page.content.decode())[1]
    download = client.get(file_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    pdf = b"".join(download.streaming_content)
    assert f"N° {number}" in pdf_text(pdf)

    # Paul, absent, has nothing; asked again, Marie's certificate keeps its number and no second email leaves.
    paul.refresh_from_db()
    assert paul.certificate_number is None and not paul.certificate_file
    again = documents.issue_certificate(registration_id=marie.pk)
    assert again.certificate_number == number
    assert OutgoingEmail.objects.filter(to=marie.email).count() == 1


@pytest.mark.django_db
def test_a_forged_or_unknown_link_opens_nothing(client):
    response = client.get(reverse("formation:attestation", args=["faux-lien-0123456789"]))
    assert response.status_code == 404 and "Ce lien n'est plus valable" in response.content.decode()
    assert client.get(reverse("formation:attestation-fichier", args=["faux-lien-0123456789"])).status_code == 404


@pytest.mark.django_db
def test_once_issued_a_person_cannot_be_marked_absent_at_every_half_day():
    session = make_session()
    marie, _paul = present_and_absent(session)
    documents.issue_certificate(registration_id=marie.pk)
    outcome = record_attendance(session=session, present=set())
    assert len(outcome.refused) == 1 and "Marie Hoarau : l'attestation n°" in outcome.refused[0]
    marie.refresh_from_db()
    assert marie.status == Status.PRESENT


@pytest.mark.django_db
def test_the_certificate_is_downloaded_again_from_the_registration_page(client):
    session = make_session()
    marie, paul = present_and_absent(session)
    documents.issue_certificate(registration_id=marie.pk)
    marie_token = issue_token(
        purpose=registrations.REGISTRATION_LINK, object_id=marie.pk, expires_at=timezone.now() + timedelta(days=1)
    )
    page = client.get(reverse("formation:mon-inscription", args=[marie_token])).content.decode()
    file_url = reverse("formation:mon-inscription-attestation", args=[marie_token])
    assert f'href="{file_url}"' in page and "Télécharger mon attestation de fin de formation" in page
    download = client.get(file_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    marie.refresh_from_db()
    assert f"N° {marie.certificate_number}" in pdf_text(b"".join(download.streaming_content))

    # Paul, absent, has no certificate: no link, and the address answers 404.
    paul_token = issue_token(
        purpose=registrations.REGISTRATION_LINK, object_id=paul.pk, expires_at=timezone.now() + timedelta(days=1)
    )
    page = client.get(reverse("formation:mon-inscription", args=[paul_token])).content.decode()
    assert "Télécharger mon attestation" not in page
    assert client.get(reverse("formation:mon-inscription-attestation", args=[paul_token])).status_code == 404
