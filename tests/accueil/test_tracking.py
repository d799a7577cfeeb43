from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accueil.models import Attachment, Message, RequestTransition
from accueil.services import send_staff_message, transition_request
from messagerie.models import OutgoingEmail, PrivateLink
from tests.accueil.factories import make_request
from tests.comptes.factories import StaffFactory
from tests.helpers.mail import link_path, sent_email

pytestmark = pytest.mark.django_db


def url(token):
    return reverse("accueil:suivi", args=[token])


def test_the_right_token_shows_status_history_and_messages(client):
    intake, token = make_request()
    staff = StaffFactory(role="Accueil")
    transition_request(intake=intake, target="qualification", by=staff, comment="note interne à ne pas montrer")
    send_staff_message(intake=intake, by=staff, body="Pouvez-vous préciser votre budget ?")
    response = client.get(url(token))
    html = response.content.decode()
    assert response.status_code == 200
    assert intake.reference in html and "En qualification" in html
    assert "Pouvez-vous préciser votre budget ?" in html
    assert "note interne à ne pas montrer" not in html
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.parametrize("token", ["faux", "x" * 43, ""])
def test_a_wrong_token_shows_nothing(client, token):
    make_request()
    if not token:
        return
    response = client.get(url(token))
    assert response.status_code == 404
    assert "Céline" not in response.content.decode()


def test_an_expired_token_shows_nothing_and_a_new_link_can_be_requested(client):
    intake, token = make_request()
    PrivateLink.objects.filter(purpose="accueil.suivi", object_id=intake.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(url(token))
    assert response.status_code == 404 and "n'est plus valable" in response.content.decode().replace("&#x27;", "'")
    response = client.post(reverse("accueil:nouveau-lien"), {"email": "PORTEUR@exemple.re"})
    assert response.status_code == 200
    new_link = link_path(sent_email(kind="accueil/nouveau_lien"), r"/accompagnement/suivi/[\w-]+/")
    assert client.get(new_link).status_code == 200
    assert client.get(url(token)).status_code == 404


def test_renewal_page_says_the_same_for_unknown_addresses(client):
    response = client.post(reverse("accueil:nouveau-lien"), {"email": "inconnu@exemple.re"})
    assert response.status_code == 200 and "Si une demande en cours correspond" in response.content.decode()
    assert not OutgoingEmail.objects.filter(kind="accueil/nouveau_lien").exists()


def test_the_holder_adds_a_message_and_a_document(client):
    intake, token = make_request()
    document = SimpleUploadedFile("devis.pdf", b"%PDF-1.4 devis", "application/pdf")
    response = client.post(url(token), {"body": "Voici le devis.", "documents": [document]})
    assert response.status_code == 302
    assert Message.objects.get(request=intake).body == "Voici le devis."
    assert Attachment.objects.get(request=intake).original_name == "devis.pdf"


def test_an_empty_addition_is_refused_in_french(client):
    _intake, token = make_request()
    response = client.post(url(token), {"body": "  "})
    assert response.status_code == 400
    assert "Écrivez un message ou joignez un document." in response.content.decode()


def withdrawal(token):
    return reverse("accueil:retrait", args=[token])


def test_one_click_no_longer_withdraws_a_request(client):
    intake, token = make_request()
    page = client.get(url(token)).content.decode()
    assert f'href="{withdrawal(token)}"' in page, "the tracking page links to the confirmation"
    assert 'name="action" value="retirer"' not in page
    # A post from a tracking page of before (a tab left open) only leads to the confirmation.
    response = client.post(url(token), {"action": "retirer", "reason": "Projet abandonné"})
    assert response.headers["Location"] == withdrawal(token)
    intake.refresh_from_db()
    assert intake.status == "nouvelle"
    confirmation = client.get(withdrawal(token))
    html = confirmation.content.decode()
    assert confirmation.status_code == 200 and "Retirer votre demande ?" in html
    assert "Oui, retirer ma demande" in html and f'href="{url(token)}"' in html
    assert confirmation.headers["Referrer-Policy"] == "same-origin"
    assert "no-cache" in confirmation.headers["Cache-Control"]
    intake.refresh_from_db()
    assert intake.status == "nouvelle", "opening the confirmation changes nothing"


def test_the_holder_confirms_the_withdrawal_with_a_reason(client):
    intake, token = make_request()
    response = client.post(withdrawal(token), {"reason": "Projet abandonné"})
    assert response.headers["Location"] == url(token)
    intake.refresh_from_db()
    assert intake.status == "retiree" and intake.closed_at
    step = RequestTransition.objects.get(subject=intake, to_state="retiree")
    assert step.comment == "Projet abandonné", "the reason is kept in the request's history"
    html = client.get(url(token)).content.decode()
    assert "Votre demande est retirée." in html
    assert "Vous avez retiré cette demande." in html and "Retirer ma demande" not in html
    # A second confirmation (another tab left open) says it is already closed, and changes nothing.
    again = client.post(withdrawal(token), {"reason": "Encore"}, follow=True).content.decode()
    assert "Cette demande est déjà close." in again
    assert RequestTransition.objects.filter(subject=intake, to_state="retiree").count() == 1


def test_the_reason_is_optional_and_bounded(client):
    intake, token = make_request()
    page = client.post(withdrawal(token), {"reason": "x" * 501})
    assert page.status_code == 400 and "au plus 500 caractères" in page.content.decode()
    intake.refresh_from_db()
    assert intake.status == "nouvelle"
    assert client.post(withdrawal(token), {}).status_code == 302
    step = RequestTransition.objects.get(subject=intake, to_state="retiree")
    assert step.comment == "Retrait par le porteur."


@pytest.mark.parametrize("token", ["faux", "x" * 43])
def test_a_withdrawal_needs_a_valid_link(client, token):
    assert client.get(withdrawal(token)).status_code == 404
    assert client.post(withdrawal(token), {"reason": "x"}).status_code == 404


GUIDE_FIELDS = [
    "purpose", "profit_sharing", "governance", "founders", "activity", "founders_employed", "capital",
    "stakeholders", "endowment", "mutual_protection",
]  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(max_size=300),
    action=st.one_of(
        st.sampled_from(["retirer", "accepter", "refuser", "question", "rapport", ""]), st.text(max_size=20)
    ),
    choice=st.text(max_size=30),
)
def test_random_text_on_the_tracking_partner_and_guide_pages_never_gives_a_500(client, text, action, choice):
    from accueil.orientation import orient
    from tests.annuaire.factories import OrganisationFactory

    intake, token = make_request(email="aleatoire@exemple.re")
    transition_request(intake=intake, target="qualification")
    structure = OrganisationFactory(is_support_structure=True, email="kaz@exemple.re")
    (orientation,) = orient(intake=intake, organisations=[structure], by=None)
    tracking = reverse("accueil:suivi", args=[token])
    partner = link_path(sent_email(kind="accueil/orientation_partenaire"), r"/accompagnement/partenaire/[\w-]+/")
    responses = [
        client.post(tracking, {"action": action, "reason": text, "body": text, "website_url": choice}),
        client.post(withdrawal(token), {"reason": text}),
        client.post(withdrawal(token), {"reason": text}),  # twice: the second finds it closed
        client.get(f"/accompagnement/suivi/{quote(text or 'x', safe='')}/"),
        client.post(reverse("accueil:nouveau-lien"), {"email": text, "website_url": choice}),
        client.post(partner, {"action": action, "reason": choice, "message": text}),
        client.post(partner, {"action": action, "reason": choice, "message": text}),
        client.get(f"/accompagnement/partenaire/{quote(text or 'x', safe='')}/"),
        client.post(
            reverse("accueil:guide"),
            {field: (text, choice)[i % 2] for i, field in enumerate(GUIDE_FIELDS)},
        ),
    ]
    assert [r.status_code for r in responses if r.status_code >= 500] == []
    assert orientation.pk


# --- Renewal and rate limits (issue 17, finding 7) ------------------------------------------


def test_a_renewal_asked_by_anyone_does_not_cut_the_holder_off_until_the_new_link_is_opened(client):
    _intake, token = make_request(email="porteur@exemple.re")
    client.post(reverse("accueil:nouveau-lien"), {"email": "porteur@exemple.re"})  # by a stranger
    assert client.get(url(token)).status_code == 200, "the holder's link still works"
    new_link = link_path(sent_email(kind="accueil/nouveau_lien"), r"/accompagnement/suivi/[\w-]+/")
    assert client.get(new_link).status_code == 200
    assert client.get(url(token)).status_code == 404, "opening the new link ends the older ones"
    assert client.get(new_link).status_code == 200


def test_posts_on_the_tracking_page_are_rate_limited(client, settings):
    settings.PRIVATE_PAGE_POSTS_PER_HOUR = 2
    intake, token = make_request()
    for number in range(2):
        assert client.post(url(token), {"body": f"Message {number}"}).status_code == 302
    response = client.post(url(token), {"body": "Un de trop"})
    assert response.status_code == 429 and "Trop d'envois" in response.content.decode().replace("&#x27;", "'")
    assert Message.objects.filter(request=intake).count() == 2


def test_requests_for_a_new_link_are_rate_limited_by_a_setting(client, settings):
    settings.TRACKING_LINK_RENEWALS_PER_HOUR = 2
    for _ in range(2):
        assert client.post(reverse("accueil:nouveau-lien"), {"email": "inconnu@exemple.re"}).status_code == 200
    response = client.post(reverse("accueil:nouveau-lien"), {"email": "inconnu@exemple.re"})
    assert response.status_code == 429 and "Trop d'envois" in response.content.decode().replace("&#x27;", "'")
