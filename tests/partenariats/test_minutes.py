"""The minutes' PDF sent to the participants: built by a worker, one email per participant
with an address (never twice for the same version, again to everyone after a correction),
each with a private link to a page that serves the PDF; an expired or unknown link answers
a French page with the way to a new one, never a 500."""

import io
import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from messagerie.models import OutgoingEmail, PrivateLink
from partenariats.committees import MinutesRefused, deliver_minutes, record_decision, save_minutes, send_minutes
from partenariats.models import Committee, Decision
from partenariats.tasks_committees import deliver_minutes_task
from tests.helpers.mail import deliver, link_path
from tests.partenariats.factories import (
    make_commitment,
    make_committee,
    make_convention,
    make_member,
    make_participant,
    make_partner,
)

PAGE = r"/partenaires/comite/compte-rendu/[\w-]+/"


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


def held_committee(*, emails=True, reference="CONV-2026-042"):
    """A committee held two days ago, with its minutes, three participants (one absent, one
    without an address) and two decisions, one of which created a commitment."""
    cma = make_partner(name="Chambre de métiers et de l'artisanat")
    convention = make_convention(cma, status="en_vigueur", reference=reference, title="Artisanat solidaire")
    committee = make_committee(
        convention,
        held_at=timezone.now() - timedelta(days=2),
        place="Saint-Denis, CRESS",
        agenda="Bilan des orientations\nAteliers de l'an prochain",
    )
    save_minutes(committee=committee, html="<p>Le comité <strong>valide</strong> le bilan des orientations.</p>")
    make_participant(committee, "Paul Hoarau", email="paul@cma.re" if emails else "", partner=cma)
    make_participant(committee, "Léa Grondin", email="lea@cress.re" if emails else "")
    make_participant(committee, "Marc Técher", partner=cma, attended=False)
    record_decision(
        committee=committee,
        text="La CMA anime un atelier « créer en coopérative » par trimestre.",
        effect=Decision.Effect.CREATES,
        new_commitment={
            "title": "Un atelier par trimestre",
            "party": cma,
            "due_date": timezone.localdate() + timedelta(days=90),
        },
    )
    record_decision(
        committee=committee, text="Le comité reporte l'échéance du bilan.", effect=Decision.Effect.CHANGES,
        commitment=make_commitment(convention, title="Bilan annuel"),
        changes={"due_date": timezone.localdate() + timedelta(days=45)},
    )  # fmt: skip
    return committee


# --- Refusals ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_minutes_without_text_without_addresses_or_before_the_meeting_are_not_sent():
    committee = held_committee(emails=False)
    with pytest.raises(MinutesRefused, match="Aucun participant n'a d'adresse électronique"):
        send_minutes(committee=committee)
    save_minutes(committee=committee, html="<p> </p>")
    with pytest.raises(MinutesRefused, match="Rédigez et enregistrez d'abord le compte rendu"):
        send_minutes(committee=committee)
    upcoming = make_committee(committee.convention, held_at=timezone.now() + timedelta(days=10), minutes="<p>Prévu</p>")
    make_participant(upcoming, "Paul", email="paul@cma.re")
    with pytest.raises(MinutesRefused, match="n'a pas encore eu lieu"):
        send_minutes(committee=upcoming)
    assert not OutgoingEmail.objects.exists()


# --- The worker's part, in this process --------------------------------------------------------


@pytest.mark.django_db
def test_the_pdf_shows_the_meeting_and_each_participant_gets_one_email_once():
    committee = held_committee()
    assert deliver_minutes(committee_id=committee.pk) == 2
    committee.refresh_from_db()
    assert committee.minutes_sent_at is not None and committee.minutes_version
    pdf = committee.minutes_file.read()
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for expected in (
        "Compte rendu du comité de pilotage",
        "CONV-2026-042 — Artisanat solidaire",
        "Saint-Denis, CRESS",
        "Présents (2)",
        "Paul Hoarau (Chambre de métiers et de l'artisanat)",
        "Léa Grondin",
        "Absents ou excusés (1)",
        "Marc Técher",
        "Bilan des orientations",
        "Le comité valide le bilan des orientations.",
        "La CMA anime un atelier « créer en coopérative » par trimestre.",
        "Engagement créé : Un atelier par trimestre — porté par Chambre de métiers et de l'artisanat",
        "Engagement modifié : Bilan annuel",
    ):
        assert expected in text, f"{expected!r} not in the PDF:\n{text}"
    emails = OutgoingEmail.objects.filter(kind="partenariats/compte_rendu")
    assert sorted(emails.values_list("to", flat=True)) == ["lea@cress.re", "paul@cma.re"]
    assert all(email.links for email in emails) and "/partenaires/comite/" not in str(list(emails.values()))

    # The task run again (a retry, a second click): the same document, nothing sent twice.
    sent_at = committee.minutes_sent_at
    assert deliver_minutes(committee_id=committee.pk) == 0
    committee.refresh_from_db()
    assert emails.count() == 2 and committee.minutes_sent_at == sent_at


@pytest.mark.django_db
def test_a_corrected_version_goes_again_to_everyone():
    committee = held_committee()
    deliver_minutes(committee_id=committee.pk)
    first_version = Committee.objects.get(pk=committee.pk).minutes_version
    save_minutes(committee=committee, html="<p>Le comité valide le bilan des orientations et des ateliers.</p>")
    assert deliver_minutes(committee_id=committee.pk) == 2
    committee.refresh_from_db()
    assert committee.minutes_version != first_version
    corrected = OutgoingEmail.objects.filter(
        kind="partenariats/compte_rendu", subject__startswith="Compte rendu corrigé"
    )
    assert corrected.count() == 2
    assert "des ateliers" in pdf_text(committee.minutes_file.read())
    assert deliver_minutes(committee_id=committee.pk) == 0


@pytest.mark.django_db
def test_sending_the_same_version_again_is_refused_but_a_corrected_address_gets_it(django_capture_on_commit_callbacks):
    committee = held_committee()
    deliver_minutes(committee_id=committee.pk)
    with pytest.raises(MinutesRefused, match="Chaque participant a déjà reçu ce compte rendu dans cette version"):
        send_minutes(committee=committee)
    committee.participants.filter(email="paul@cma.re").update(email="p.hoarau@cma.re")
    with django_capture_on_commit_callbacks() as callbacks:
        assert send_minutes(committee=committee) == 1
    assert len(callbacks) == 1
    assert deliver_minutes(committee_id=committee.pk) == 1
    assert OutgoingEmail.objects.filter(to="p.hoarau@cma.re").count() == 1


# --- The private link ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_link_opens_a_page_that_serves_the_pdf_and_an_expired_one_offers_a_new_one(client):
    committee = held_committee()
    deliver_minutes(committee_id=committee.pk)
    message = deliver(OutgoingEmail.objects.get(to="paul@cma.re"))
    assert message.subject.startswith("Compte rendu : Comité de pilotage du")
    assert "Bonjour Paul Hoarau" in message.body and "La CMA anime un atelier" in message.body
    assert "valable 90 jours" in message.body
    page_path = link_path(message, PAGE)

    response = client.get(page_path)
    page = response.content.decode()
    assert response.status_code == 200 and response["Referrer-Policy"] == "same-origin"
    assert "<h1>Compte rendu du comité de pilotage" in page and "CONV-2026-042" in page
    file_path = re.search(r'href="(/partenaires/comite/compte-rendu/[^"]+\.pdf)"', page)[1]
    download = client.get(file_path)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "Paul Hoarau" in pdf_text(b"".join(download.streaming_content))

    # Expired: a French page (never a 500) that leads to a new link.
    PrivateLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    for path in (page_path, file_path):
        response = client.get(path)
        page = response.content.decode()
        assert response.status_code == 404
        assert "Ce lien a expiré ou n'est pas valable" in page
        assert reverse("partenariats:compte-rendu-nouveau-lien") in page

    response = client.post(reverse("partenariats:compte-rendu-nouveau-lien"), {"email": "PAUL@cma.re"})
    assert response.status_code == 200 and "Vérifiez votre messagerie" in response.content.decode()
    renewed = deliver(OutgoingEmail.objects.filter(to="paul@cma.re").latest("pk"))
    assert "Vous avez demandé un nouveau lien" in renewed.body
    assert client.get(link_path(renewed, PAGE)).status_code == 200


@pytest.mark.django_db
def test_the_minutes_page_costs_the_same_queries_whatever_the_decisions(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for extra in (0, 8):
        committee = held_committee(reference=f"CONV-2026-1{extra:02d}")
        for index in range(extra):
            record_decision(
                committee=committee,
                text=f"Décision n° {index}.",
                effect=Decision.Effect.CREATES,
                new_commitment={"title": f"Engagement {index}", "due_date": timezone.localdate() + timedelta(days=9)},
            )
        deliver_minutes(committee_id=committee.pk)
        message = deliver(OutgoingEmail.objects.filter(to="paul@cma.re").latest("pk"))
        path = link_path(message, PAGE)
        client.get(path)  # the token's first use is recorded once
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/partenaires/comite/compte-rendu/jeton-invente-0123456789abcdef/",
        "/partenaires/comite/compte-rendu/jeton-invente-0123456789abcdef/compte-rendu.pdf",
        "/partenaires/comite/compte-rendu/" + "x" * 300 + "/",
    ],
)
def test_an_unknown_link_answers_a_french_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Ce lien a expiré ou n'est pas valable" in response.content.decode()


@pytest.mark.django_db
def test_a_participant_removed_from_the_committee_loses_the_link(client):
    committee = held_committee()
    deliver_minutes(committee_id=committee.pk)
    message = deliver(OutgoingEmail.objects.get(to="lea@cress.re"))
    committee.participants.filter(email="lea@cress.re").delete()
    assert client.get(link_path(message, PAGE)).status_code == 404


@pytest.mark.django_db
def test_minutes_whose_pdf_is_gone_from_storage_answer_the_french_page(client):
    committee = held_committee()
    deliver_minutes(committee_id=committee.pk)
    page_path = link_path(deliver(OutgoingEmail.objects.get(to="paul@cma.re")), PAGE)
    file_path = re.search(
        r'href="(/partenaires/comite/compte-rendu/[^"]+\.pdf)"', client.get(page_path).content.decode()
    )[1]
    committee.refresh_from_db()
    committee.minutes_file.storage.delete(committee.minutes_file.name)
    for path in (page_path, file_path):
        response = client.get(path)
        assert response.status_code == 404 and "Ce lien a expiré ou n'est pas valable" in response.content.decode()


@pytest.mark.django_db
def test_asking_a_new_link_says_the_same_whatever_the_address(client):
    committee = held_committee()
    url = reverse("partenariats:compte-rendu-nouveau-lien")
    assert client.get(url).status_code == 200
    response = client.post(url, {"email": "paul@cma.re"})  # minutes not sent yet: nothing to renew
    assert "Vérifiez votre messagerie" in response.content.decode()
    assert not OutgoingEmail.objects.exists()
    response = client.post(url, {"email": "pas-une-adresse"})
    assert (
        response.status_code in (200, 400) and "Indiquez une adresse électronique valide" in response.content.decode()
    )
    deliver_minutes(committee_id=committee.pk)
    client.post(url, {"email": "inconnu@exemple.re"})
    assert OutgoingEmail.objects.count() == 2


@pytest.mark.django_db
def test_the_partner_space_shows_the_minutes_once_sent():
    committee = held_committee()
    reader = Client()
    reader.force_login(make_member(committee.convention.parties.get(), email="lecteur@cma.re"))
    url = reverse("partenariats:espace-convention", args=[committee.convention.pk])
    page = reader.get(url).content.decode()
    assert "Compte rendu à venir." in page and "valide</strong> le bilan" not in page, "a draft stays internal"
    deliver_minutes(committee_id=committee.pk)
    page = reader.get(url).content.decode()
    assert "valide</strong> le bilan" in page and "Télécharger le compte rendu (PDF)" in page


# --- Through a real worker, broker and SMTP server -------------------------------------------------


def wait_until(condition, timeout=60.0, message="délai dépassé"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.services
def test_a_worker_builds_the_pdf_sends_one_email_per_participant_and_never_twice(
    private_redis, celery_worker_process, smtp_sink
):
    committee = held_committee()
    assert send_minutes(committee=committee) == 2  # outside a transaction: enqueued at once

    wait_until(lambda: len(smtp_sink.messages) >= 2, message="les comptes rendus ne sont pas partis")
    celery_worker_process.wait_until_idle(tasks=3)  # the minutes' task, then one send per email
    assert sorted(entry["to"][0] for entry in smtp_sink.messages) == ["lea@cress.re", "paul@cma.re"]
    committee.refresh_from_db()
    assert committee.minutes_sent_at is not None
    text = pdf_text(committee.minutes_file.read())
    assert "Paul Hoarau" in text and "Léa Grondin" in text and "Marc Técher" in text

    client = Client()
    for entry in smtp_sink.messages:
        body = entry["message"].get_body(preferencelist=("plain",)).get_content()
        page_path = re.search(r"https?://[^/\s]+(" + PAGE + ")", body)[1]
        page = client.get(page_path)
        assert page.status_code == 200, f"{entry['to']}: {page_path}"
        file_path = re.search(r'href="(/partenaires/comite/compte-rendu/[^"]+\.pdf)"', page.content.decode())[1]
        assert b"".join(client.get(file_path).streaming_content).startswith(b"%PDF")

    # The task run again, twice (a retry, a second click): nothing more leaves.
    for result in [deliver_minutes_task.delay(committee.pk) for _ in range(2)]:
        celery_worker_process.wait_for_task(result.id)
    celery_worker_process.wait_until_idle(tasks=5)
    assert OutgoingEmail.objects.filter(kind="partenariats/compte_rendu").count() == 2
    assert len(smtp_sink.messages) == 2
