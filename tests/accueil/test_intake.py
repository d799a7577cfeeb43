import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accueil.models import Attachment, IntakeRequest, ParticipantProfile
from messagerie.models import OutgoingEmail
from tests.accueil.factories import commune
from tests.helpers.mail import deliver, link_path

pytestmark = pytest.mark.django_db

PERSON = {"first_name": "Céline", "last_name": "Dijoux", "email": "celine@exemple.re", "phone": "0692 12 34 56"}
PROJECT = {
    "legal_form_kind": "inconnue",
    "title": "Épicerie solidaire du Chaudron",
    "description": "Une épicerie à petits prix pour les familles du quartier.",
    "stage": "creation",
    "siret": "",
}


def step(name):
    return reverse("accueil:etape", args=[name])


def fill_until_send(client, *, person=None, project=None, participant=None):
    assert client.post(step("personne"), {**PERSON, "commune": commune().pk, **(person or {})}).status_code == 302
    data = {**PROJECT, "activity_commune": commune("97411").pk, **(project or {})}
    assert client.post(step("projet"), data).status_code == 302
    assert client.post(step("besoin"), {"needs": ["financement", "statut"]}).status_code == 302
    assert client.post(step("participant"), participant or {}).status_code == 302


def pdf(name="business-plan.pdf", size=2000):
    return SimpleUploadedFile(name, b"%PDF-1.7\n" + b"0" * size, content_type="application/pdf")


def test_a_holder_files_a_request_in_steps(client):
    fill_until_send(client, participant={"sex": "femme", "age_band": "25_54", "education": "cite_5_8"})
    response = client.post(step("envoi"), {"consent": "on", "documents": [pdf()]})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).content.decode()
    intake = IntakeRequest.objects.get()
    assert intake.reference in page
    assert intake.needs == ["financement", "statut"] and intake.stage == "creation"
    assert intake.consent_text.startswith("J'accepte") and intake.consent_at
    assert Attachment.objects.get().content_type == "application/pdf"
    assert ParticipantProfile.objects.get().education == "cite_5_8"
    email = OutgoingEmail.objects.get(kind="accueil/confirmation")
    assert email.to == "celine@exemple.re" and intake.reference in email.subject
    assert "/accompagnement/suivi/" not in email.body_text, "the link is minted when the email leaves"
    sent = deliver(email)
    tracking = link_path(sent, r"/accompagnement/suivi/[\w-]{40,}/")
    assert intake.reference in client.get(tracking).content.decode()
    assert "accueil_demande" not in client.session


def test_answers_are_kept_between_steps(client):
    client.post(step("personne"), {**PERSON, "commune": commune().pk})
    assert 'value="Céline"' in client.get(step("personne")).content.decode()


def test_steps_cannot_be_skipped(client):
    response = client.get(step("envoi"))
    assert response.status_code == 302 and response.headers["Location"] == step("personne")


def test_fse_questions_can_all_be_refused(client):
    fill_until_send(client)
    client.post(step("envoi"), {"consent": "on"})
    assert IntakeRequest.objects.count() == 1
    assert not ParticipantProfile.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("personne", {**PERSON, "first_name": ""}, "Ce champ est obligatoire."),
        ("personne", {**PERSON, "email": "celine-at-exemple"}, "Saisissez une adresse e-mail valide."),
    ],
)
def test_missing_or_invalid_person_fields(client, name, data, message):
    response = client.post(step(name), {**data, "commune": commune().pk})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_invalid_siret_is_refused(client):
    client.post(step("personne"), {**PERSON, "commune": commune().pk})
    response = client.post(step("projet"), {**PROJECT, "activity_commune": commune().pk, "siret": "73282932000075"})
    assert response.status_code == 400
    assert "Ce SIRET n&#x27;est pas valide" in response.content.decode()


def executable_renamed_pdf():
    return SimpleUploadedFile("facture.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 500, "application/pdf")


def oversized_pdf():
    return pdf("gros.pdf", size=5 * 1024 * 1024 + 1)


def png_header_then_junk():
    return SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"junk" * 200, "image/png")


def docx_file():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile("statuts.docx", buffer.getvalue(), "application/octet-stream")


@pytest.mark.parametrize(
    ("make_upload", "message"),
    [
        (executable_renamed_pdf, "n&#x27;est pas un document accepté"),
        (oversized_pdf, "dépasse 5 Mo"),
        (png_header_then_junk, "« photo.png » : ce fichier n&#x27;est pas une image valide"),
    ],
)
def test_disguised_or_oversized_uploads_are_refused_and_nothing_is_saved(client, make_upload, message):
    fill_until_send(client)
    response = client.post(step("envoi"), {"consent": "on", "documents": [make_upload()]})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IntakeRequest.objects.exists() and not Attachment.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_a_docx_is_recognised_by_its_content(client):
    fill_until_send(client)
    client.post(step("envoi"), {"consent": "on", "documents": [docx_file()]})
    attachment = Attachment.objects.get()
    assert attachment.extension == ".docx" and attachment.original_name == "statuts.docx"
    assert not attachment.file.name.endswith("statuts.docx"), "stored under a random name"


def test_consent_is_required(client):
    fill_until_send(client)
    response = client.post(step("envoi"), {})
    assert response.status_code == 400
    assert "Votre accord est nécessaire" in response.content.decode()
    assert not IntakeRequest.objects.exists()


def test_honeypot_refuses_robots(client):
    fill_until_send(client)
    response = client.post(step("envoi"), {"consent": "on", "website_url": "http://spam.example"})
    assert response.status_code == 400
    assert "rempli automatiquement" in response.content.decode()
    assert not IntakeRequest.objects.exists()


def test_too_many_submissions_from_one_address(client, settings):
    settings.INTAKE_SUBMISSIONS_PER_HOUR = 1
    fill_until_send(client)
    assert client.post(step("envoi"), {"consent": "on"}).status_code == 302
    fill_until_send(client)
    response = client.post(step("envoi"), {"consent": "on"})
    assert response.status_code == 429
    assert "Trop d&#x27;envois" in response.content.decode()
    assert IntakeRequest.objects.count() == 1


def test_script_in_text_is_rendered_escaped(client, admin_client):
    fill_until_send(client, project={"title": "<script>alert(1)</script>"})
    client.post(step("envoi"), {"consent": "on"})
    intake = IntakeRequest.objects.get()
    html = admin_client.get(reverse("admin:accueil_intakerequest_change", args=[intake.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_likely_duplicates_are_shown_to_staff_both_ways(client, admin_client):
    from accueil.services import likely_duplicates
    from tests.accueil.factories import make_request

    for _ in range(2):
        fill_until_send(client)
        client.post(step("envoi"), {"consent": "on"})
    first, second = IntakeRequest.objects.order_by("pk")
    # Same email: each shows the other, the later one on the first one's page too.
    assert likely_duplicates(first) == [second] and likely_duplicates(second) == [first]
    # Same commune, similar title, another email: flagged; another commune or title: not.
    similar, _ = make_request(email="autre@exemple.re", title="Épicerie solidaire du Chaudron !")
    make_request(email="loin@exemple.re", title="Épicerie solidaire du Chaudron", commune=commune("97416"))
    make_request(email="garage@exemple.re", title="Garage associatif")
    assert set(likely_duplicates(similar)) == {first, second}
    html = admin_client.get(reverse("admin:accueil_intakerequest_change", args=[first.pk])).content.decode()
    assert second.reference in html and similar.reference in html
    lonely, _ = make_request(email="seul@exemple.re", title="Ressourcerie du Port", commune=commune("97407"))
    assert likely_duplicates(lonely) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300), email=st.text(max_size=60), siret=st.text(max_size=20))
def test_random_text_in_every_field_never_gives_a_500(client, text, email, siret):
    responses = [
        client.post(
            step("personne"), {"first_name": text, "last_name": text, "email": email, "phone": text, "commune": text}
        ),
        client.post(step("projet"), {"title": text, "description": text, "siret": siret, "stage": text}),
        client.post(step("besoin"), {"needs": [text]}),
        client.post(step("participant"), {"sex": text, "age_band": text, "disadvantaged": text}),
        client.post(step("envoi"), {"consent": text, "website_url": text}),
    ]
    assert all(response.status_code < 500 for response in responses)
