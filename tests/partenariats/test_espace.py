"""The partner space at work (issue 12, point 5): a partner's member uploads a deliverable
(checked by its content), declares a commitment kept (the workflow, one log row, the staff
emailed), writes to the CRESS and reads its answer; every form refuses bad input in French
without a 500; CSRF is enforced; the pages' queries do not grow with the rows."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annuaire.models import PartnerMembership
from messagerie.models import OutgoingEmail
from partenariats import conversation, services
from partenariats.models import Amendment, Commitment, CommitmentTransition, Committee, ConventionMessage, Deliverable
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified
from tests.helpers.mail import link_path, sent_email
from tests.partenariats.factories import (
    make_commitment,
    make_committee,
    make_convention,
    make_deliverable,
    make_member,
    make_partner,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ADMIN_COMMITMENT = r"/gestion/partenariats/commitment/\d+/change/"
ADMIN_CONVENTION = r"/gestion/partenariats/convention/\d+/change/"
SPACE_CONVENTION = r"/partenaires/espace/conventions/\d+/"


@pytest.fixture
def setting(db):
    """A convention in force between the CRESS and the CMA, followed by Sophie; Marie acts for the CMA."""
    follower = StaffFactory(role="Partenariats", email="sophie@cress.re", first_name="Sophie", last_name="Hoarau")
    cma = make_partner(name="Chambre de métiers et de l'artisanat")
    marie = make_member(cma, email="marie@cma.re", first_name="Marie", last_name="Payet")
    convention = make_convention(cma, status="en_vigueur", owner=follower, title="Accompagner les artisans de l'ESS")
    commitment = make_commitment(convention, party=cma, title="Orienter 50 porteurs vers la CMA")
    return {"follower": follower, "cma": cma, "marie": marie, "convention": convention, "commitment": commitment}


@pytest.fixture
def marie(setting):
    client = Client()
    client.force_login(setting["marie"])
    return client


def page_of(commitment) -> str:
    return reverse("partenariats:espace-engagement", args=[commitment.pk])


def stored_deliverable_files(settings) -> list:
    folder = settings.MEDIA_ROOT / "partenariats" / "livrables"
    return sorted(folder.iterdir()) if folder.exists() else []


# --- Deliverables -------------------------------------------------------------------------


def test_a_deliverable_is_uploaded_stored_privately_and_announced_to_the_follower(setting, marie, settings):
    commitment = setting["commitment"]
    upload = SimpleUploadedFile("Bilan 2026.PDF", PDF, content_type="application/octet-stream")
    response = marie.post(page_of(commitment), {"action": "deposer", "title": "Bilan de l'année", "file": upload})
    assert response.status_code == 302
    page = marie.get(response.headers["Location"]).content.decode()
    assert "Votre livrable est déposé" in page and "Bilan de l&#x27;année" in page

    deliverable = Deliverable.objects.get()
    assert deliverable.by_partner and deliverable.uploaded_by == setting["marie"]
    assert deliverable.original_name == "Bilan 2026.pdf" and deliverable.size == len(PDF)
    assert deliverable.file.name.endswith(".pdf") and "Bilan" not in deliverable.file.name
    download = marie.get(reverse("partenariats:espace-livrable", args=[deliverable.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment") and download["Content-Type"] == "application/pdf"

    email = OutgoingEmail.objects.get(kind="partenariats/livrable_depose")
    assert email.to == "sophie@cress.re" and "Marie Payet" in email.body_text
    sophie = Client()
    login_verified(sophie, setting["follower"])
    admin_page = sophie.get(link_path(sent_email(kind="partenariats/livrable_depose"), ADMIN_COMMITMENT))
    assert admin_page.status_code == 200 and "Bilan de l&#x27;année" in admin_page.content.decode()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("rapport.pdf", b"<html>pas un PDF</html>"), "n'est pas un document accepté"),
        (SimpleUploadedFile("vide.pdf", b""), "Le fichier envoyé est vide."),
        (SimpleUploadedFile("gros.pdf", PDF + b"0" * (1024 * 1024)), "dépasse 1 Mo"),
        (None, "Choisissez le fichier à déposer."),
    ],
    ids=["faux-pdf", "vide", "trop-gros", "sans-fichier"],
)
def test_a_refused_upload_says_why_in_french_and_writes_nothing(setting, marie, settings, upload, message):
    settings.PARTENARIATS_DELIVERABLE_MAX_MB = 1
    data = {"action": "deposer", "title": "Bilan"}
    if upload is not None:
        data["file"] = upload
    response = marie.post(page_of(setting["commitment"]), data)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Deliverable.objects.exists()
    assert stored_deliverable_files(settings) == []
    assert not OutgoingEmail.objects.filter(kind="partenariats/livrable_depose").exists()


@pytest.mark.parametrize(
    ("commitment_status", "convention_status"),
    [("abandonne", "en_vigueur"), ("tenu", "en_vigueur"), ("a_faire", "resiliee")],
    ids=["abandonné", "tenu", "convention-résiliée"],
)
def test_a_closed_commitment_takes_no_deliverable_from_the_partner(
    setting, marie, commitment_status, convention_status
):
    commitment = setting["commitment"]
    Commitment.objects.filter(pk=commitment.pk).update(status=commitment_status)
    type(setting["convention"]).objects.filter(pk=setting["convention"].pk).update(status=convention_status)
    response = marie.post(page_of(commitment), {"action": "deposer", "title": "Bilan", "file": pdf_upload()})
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "il n'attend plus de livrable" in response.content.decode().replace("&#x27;", "'")
    assert not Deliverable.objects.exists()


# --- Declaring a commitment kept -------------------------------------------------------------


def test_declaring_kept_moves_the_commitment_once_and_emails_its_follower(setting, marie):
    commitment = setting["commitment"]
    response = marie.post(page_of(commitment), {"action": "declarer", "comment": "Bilan déposé ce jour."})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.REPORTED
    (log,) = CommitmentTransition.objects.filter(subject=commitment)
    assert (log.from_state, log.to_state, log.by, log.comment) == (
        "a_faire",
        "declare_tenu",
        setting["marie"],
        "Bilan déposé ce jour.",
    )
    page = marie.get(page_of(commitment)).content.decode()
    assert "Engagement déclaré tenu" in page and "Déclaré tenu, à confirmer" in page

    message = sent_email(kind="partenariats/engagement_declare_tenu")
    assert message.to == ["sophie@cress.re"] and "Bilan déposé ce jour." in message.body
    sophie = Client()
    login_verified(sophie, setting["follower"])
    admin_page = sophie.get(link_path(message, ADMIN_COMMITMENT)).content.decode()
    # Where staff confirm (the commitment's workflow buttons, « Confirmer : tenu »).
    assert "Orienter 50 porteurs vers la CMA" in admin_page and "Déclaré tenu, à confirmer" in admin_page

    # Declared twice: refused in French, nothing more logged or sent.
    again = marie.post(page_of(commitment), {"action": "declarer", "comment": ""})
    assert again.status_code == 400
    assert "ne peut pas être déclaré tenu : il est « Déclaré tenu, à confirmer »" in again.content.decode()
    assert "Vous l'avez déclaré tenu" in again.content.decode()
    assert CommitmentTransition.objects.filter(subject=commitment).count() == 1
    assert OutgoingEmail.objects.filter(kind="partenariats/engagement_declare_tenu").count() == 1


def test_a_declaration_on_a_commitment_already_kept_is_refused_in_french(setting, marie):
    done = make_commitment(setting["convention"], party=setting["cma"], status="tenu")
    response = marie.post(page_of(done), {"action": "declarer"})
    assert response.status_code == 400
    assert "ne peut pas être déclaré tenu : il est « Tenu »" in response.content.decode()
    assert CommitmentTransition.objects.filter(subject=done).count() == 1  # the factory's


def test_the_follower_falls_back_to_the_conventions_owner(setting, marie):
    other = StaffFactory(role="Partenariats", email="paul@cress.re")
    commitment = make_commitment(setting["convention"], party=setting["cma"], owner=other)
    marie.post(page_of(commitment), {"action": "declarer"})
    assert OutgoingEmail.objects.get(kind="partenariats/engagement_declare_tenu").to == "paul@cress.re"
    unowned = make_commitment(setting["convention"], party=setting["cma"])
    marie.post(page_of(unowned), {"action": "declarer"})
    assert OutgoingEmail.objects.filter(to="sophie@cress.re").count() == 1  # the convention's owner


def test_a_commitment_of_another_party_cannot_be_declared_or_given_a_deliverable(setting, marie):
    urscop = make_partner(name="URSCOP")
    setting["convention"].parties.add(urscop)
    theirs = make_commitment(setting["convention"], party=urscop, title="Engagement de l'URSCOP")
    cress = make_commitment(setting["convention"], title="Engagement de la CRESS")
    for commitment in (theirs, cress):
        assert marie.post(page_of(commitment), {"action": "declarer"}).status_code == 404
        upload = SimpleUploadedFile("bilan.pdf", PDF)
        assert marie.post(page_of(commitment), {"action": "deposer", "file": upload}).status_code == 404
        assert marie.get(page_of(commitment)).status_code == 404
        commitment.refresh_from_db()
        assert commitment.status == Commitment.Status.TODO
        assert not commitment.transitions.exists()
    assert not Deliverable.objects.exists()
    page = marie.get(reverse("partenariats:espace-convention", args=[setting["convention"].pk])).content.decode()
    assert "Engagement de la CRESS" in page and "Engagement de l&#x27;URSCOP" not in page


# --- The conversation -------------------------------------------------------------------------


def test_the_conversation_goes_both_ways_with_working_links(setting, marie):
    convention = setting["convention"]
    convention_page = reverse("partenariats:espace-convention", args=[convention.pk])
    colleague = make_member(setting["cma"], email="jean@cma.re")
    urscop = make_partner(name="URSCOP")
    convention.parties.add(urscop)
    make_member(urscop, email="paul@urscop.re")
    make_member(make_partner(name="France Travail"), email="autre@francetravail.fr")  # not a party

    response = marie.post(convention_page, {"body": "Le bilan sera prêt le 15 mars."})
    assert response.status_code == 302 and response.headers["Location"].endswith("#conversation")
    written = ConventionMessage.objects.get()
    assert (written.author, written.partner, written.from_staff) == (setting["marie"], setting["cma"], False)
    to_staff = sent_email(kind="partenariats/message_equipe")
    assert to_staff.to == ["sophie@cress.re"] and "Le bilan sera prêt le 15 mars." in to_staff.body
    # The others who read the same conversation are told too: her colleague, the other party.
    to_partners = OutgoingEmail.objects.filter(kind="partenariats/message_partenaires")
    assert sorted(to_partners.values_list("to", flat=True)) == ["jean@cma.re", "paul@urscop.re"]
    told = sent_email(kind="partenariats/message_partenaires", to="paul@urscop.re")
    assert told.subject.startswith("Nouveau message de Marie Payet (Chambre de métiers et de l'artisanat)")
    assert "Le bilan sera prêt le 15 mars." in told.body and re.search(SPACE_CONVENTION, told.body)
    to_partners.delete()
    sophie = Client()
    login_verified(sophie, setting["follower"])
    admin_page = sophie.get(link_path(to_staff, ADMIN_CONVENTION)).content.decode()
    assert "Le bilan sera prêt le 15 mars." in admin_page and "Message aux partenaires" in admin_page

    # Sophie answers from the convention's admin page; each member of the CMA is emailed.
    send = reverse("admin:partenariats_conventionmessage_send", args=[convention.pk])
    response = sophie.post(send, {"body": "Merci, nous le relirons en comité."})
    assert response.status_code == 302
    assert "3 membre(s) des partenaires prévenu(s)" in sophie.get(response.headers["Location"]).content.decode()
    answer = ConventionMessage.objects.get(from_staff=True)
    assert answer.author == setting["follower"] and answer.partner is None
    to_partners = OutgoingEmail.objects.filter(kind="partenariats/message_partenaires")
    assert sorted(to_partners.values_list("to", flat=True)) == ["jean@cma.re", "marie@cma.re", "paul@urscop.re"]
    for member in (setting["marie"], colleague):
        message = sent_email(kind="partenariats/message_partenaires", to=member.email)
        reader = Client()
        reader.force_login(member)
        page = reader.get(link_path(message, SPACE_CONVENTION)).content.decode()
        assert "Merci, nous le relirons en comité." in page and "Équipe de la CRESS" in page
        assert "Le bilan sera prêt le 15 mars." in page


def test_a_staff_message_without_any_member_says_nobody_was_told(setting):
    lonely = make_convention(make_partner(name="CGSS"), status="en_vigueur")
    sophie = Client()
    login_verified(sophie, setting["follower"])
    response = sophie.post(
        reverse("admin:partenariats_conventionmessage_send", args=[lonely.pk]), {"body": "Bonjour"}, follow=True
    )
    assert "personne n&#x27;a été prévenu" in response.content.decode()
    assert ConventionMessage.objects.filter(convention=lonely).count() == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Écrivez votre message avant de l'envoyer."), ("x" * 5001, "Votre message compte 5000 caractères au plus.")],
    ids=["vide", "trop-long"],
)
def test_a_refused_message_says_why_in_french(setting, marie, body, message):
    response = marie.post(reverse("partenariats:espace-convention", args=[setting["convention"].pk]), {"body": body})
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not ConventionMessage.objects.exists() and not OutgoingEmail.objects.exists()


def test_a_blank_message_is_refused_by_the_service_too(setting):
    with pytest.raises(conversation.ConversationError, match="Le message est vide"):
        conversation.post_partner_message(
            convention=setting["convention"], author=setting["marie"], partner=setting["cma"], body="   \n "
        )


@pytest.mark.parametrize("body", ["", "x" * 5001], ids=["vide", "trop-long"])
def test_a_refused_staff_message_sends_nothing(setting, body):
    sophie = Client()
    login_verified(sophie, setting["follower"])
    send = reverse("admin:partenariats_conventionmessage_send", args=[setting["convention"].pk])
    response = sophie.post(send, {"body": body}, follow=True)
    assert response.status_code == 200 and "Message non envoyé" in response.content.decode()
    assert not ConventionMessage.objects.exists() and not OutgoingEmail.objects.exists()


def test_a_too_long_declaration_or_an_unknown_action_is_refused_in_french(setting, marie):
    commitment = setting["commitment"]
    response = marie.post(page_of(commitment), {"action": "declarer", "comment": "x" * 2001})
    assert response.status_code == 400 and "2000 caractères au plus" in response.content.decode()
    response = marie.post(page_of(commitment), {"action": "supprimer"}, follow=True)
    assert response.status_code == 200 and "Action inconnue" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.TODO


def test_every_form_of_the_space_needs_its_csrf_token(setting):
    client = Client(enforce_csrf_checks=True)
    client.force_login(setting["marie"])
    convention_page = reverse("partenariats:espace-convention", args=[setting["convention"].pk])
    posts = [
        (convention_page, {"body": "Bonjour"}),
        (page_of(setting["commitment"]), {"action": "declarer"}),
        (page_of(setting["commitment"]), {"action": "deposer", "file": SimpleUploadedFile("b.pdf", PDF)}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403
    assert not ConventionMessage.objects.exists() and not Deliverable.objects.exists()
    setting["commitment"].refresh_from_db()
    assert setting["commitment"].status == Commitment.Status.TODO
    # With the token of the page, the same post goes through.
    page = client.get(convention_page)
    token = page.cookies["csrftoken"].value
    assert client.post(convention_page, {"body": "Bonjour", "csrfmiddlewaretoken": token}).status_code == 302


# --- What the pages show -----------------------------------------------------------------------


def test_the_convention_page_shows_the_terms_minutes_and_amount_only_when_published(setting, marie):
    convention = setting["convention"]
    convention.amount, convention.funder = 45000, "FSE+"
    convention.save()
    Amendment.objects.create(convention=convention, number=1, signed_on=timezone.localdate(), summary="Un an de plus.")
    committee = make_committee(convention, minutes="<p>Le comité valide le <strong>bilan</strong>.</p>")
    convention_page = reverse("partenariats:espace-convention", args=[convention.pk])
    assert "valide le <strong>bilan</strong>" not in marie.get(convention_page).content.decode(), "not sent yet"
    Committee.objects.filter(pk=committee.pk).update(minutes_sent_at=timezone.now())
    page = marie.get(convention_page).content.decode()
    assert "Le comité valide le <strong>bilan</strong>." in page
    assert "Avenant n° 1" in page and "FSE+" in page
    assert ">Montant</dt>" not in page and "000,00" not in page, "the amount stays internal"
    assert "compte rendu (PDF)" not in page  # not built yet
    convention.amount_is_public = True
    convention.save()
    shown = marie.get(convention_page).content.decode()
    assert ">Montant</dt>" in shown and "000,00 €" in shown
    assert reverse("partenariats:espace-compte-rendu", args=[committee.pk]) not in page


def test_minutes_written_without_the_service_are_still_sanitised_in_the_partner_space(setting, marie):
    # The admin and the PDF clean the minutes again for rows written another way (shell, import).
    committee = make_committee(
        setting["convention"], minutes='<p>Bilan validé.</p><img src="x" onerror="alert(1)"><script>alert(2)</script>'
    )
    Committee.objects.filter(pk=committee.pk).update(minutes_sent_at=timezone.now())
    page = marie.get(reverse("partenariats:espace-convention", args=[setting["convention"].pk])).content.decode()
    assert "<p>Bilan validé.</p>" in page
    assert "onerror" not in page and "alert(2)" not in page


def test_the_list_groups_conventions_by_state_for_each_partner_of_the_user(setting, marie):
    cgss = make_partner(name="CGSS")
    PartnerMembership.objects.create(user=setting["marie"], organisation=cgss.organisation)
    make_convention(cgss, status="projet", title="Prévention des risques dans l'ESS")
    make_convention(setting["cma"], status="echue", title="Ancienne convention artisanat")
    make_convention(make_partner(name="URSCOP"), status="en_vigueur", title="Convention des Scop")
    page = marie.get(reverse("partenariats:espace")).content.decode()
    sections = {
        title: page.split(f">{title}</h2>")[1].split("</section>")[0]
        for title in ("En vigueur", "En préparation", "Terminées")
    }
    assert "Accompagner les artisans de l&#x27;ESS" in sections["En vigueur"]
    assert "Prévention des risques dans l&#x27;ESS" in sections["En préparation"]
    assert "Ancienne convention artisanat" in sections["Terminées"]
    assert "Convention des Scop" not in page
    assert "Vous agissez pour : " in page and "CGSS" in page


# --- Queries ----------------------------------------------------------------------------------


def _fill(setting, n: int) -> None:
    """n more conventions of the CMA, each with commitments, deliverables, committees, messages."""
    cma, marie = setting["cma"], setting["marie"]
    for index in range(n):
        convention = make_convention(cma, make_partner(), status="en_vigueur")
        for _ in range(2):
            commitment = make_commitment(convention, party=cma, due=timezone.localdate() + timedelta(days=index + 1))
            make_deliverable(commitment, by=marie, by_partner=True)
            make_deliverable(make_commitment(convention), title="De la CRESS")
        make_committee(convention, minutes="<p>Compte rendu.</p>")
        Amendment.objects.create(convention=convention, number=1, signed_on=convention.start_date, summary="Avenant.")
        conversation.post_partner_message(convention=convention, author=marie, partner=cma, body="Bonjour")
        conversation.post_staff_message(convention=convention, author=setting["follower"], body="Bonjour à vous")
    # The first convention's page grows as well.
    convention = setting["convention"]
    for _ in range(n):
        make_deliverable(make_commitment(convention, party=cma), by=marie, by_partner=True)
        make_committee(convention, minutes="<p>Compte rendu.</p>")
        conversation.post_partner_message(convention=convention, author=marie, partner=cma, body="Encore")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_pages_make_as_many_queries_with_few_or_many_rows(setting, marie):
    urls = [
        reverse("partenariats:espace"),
        reverse("partenariats:espace-convention", args=[setting["convention"].pk]),
        page_of(setting["commitment"]),
    ]
    _fill(setting, 1)
    few = [_queries(marie, url) for url in urls]
    _fill(setting, 5)
    make_deliverable(setting["commitment"], by=setting["marie"], by_partner=True)
    make_deliverable(setting["commitment"], by=setting["marie"], by_partner=True)
    many = [_queries(marie, url) for url in urls]
    assert few == many, (few, many)


def test_the_service_checks_the_file_by_its_content_too(setting):
    with pytest.raises(ValidationError, match="n'est pas un document accepté"):
        services.add_deliverable(
            commitment=setting["commitment"],
            title="Faux",
            upload=SimpleUploadedFile("faux.pdf", b"MZ\x90\x00 un programme"),
            by=setting["marie"],
            by_partner=True,
        )
    assert not Deliverable.objects.exists() and not OutgoingEmail.objects.exists()
