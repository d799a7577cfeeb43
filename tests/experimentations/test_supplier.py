"""The supplier's pages behind its private link: the funnel's timestamps, the answer (interested:
the contact goes to the buyer; not interested: a reason), forged, expired and foreign links,
bad input never a 500, and a constant number of queries."""

from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from experimentations import batches
from experimentations.models import SupplierMatch
from messagerie.links import issue_token
from messagerie.models import OutgoingEmail, PrivateLink
from tests.experimentations.factories import make_need, make_supplier, territory
from tests.helpers.mail import deliver

pytestmark = pytest.mark.django_db


def emailed_match(**need_fields) -> tuple[SupplierMatch, str]:
    """A supplier emailed for a need « envoyé », and its live token (as the email carries)."""
    need = make_need(status="envoye", **need_fields)
    organisation = make_supplier("Jardins Lontan", phone="0262 12 34 56", email="jardins@lontan.re")
    match = SupplierMatch.objects.create(
        need=need, organisation=organisation, rank=1, email=organisation.email, emailed_at=timezone.now()
    )
    return match, issue_token(
        purpose=batches.SUPPLIER_LINK, object_id=match.pk, expires_at=timezone.now() + timedelta(days=60)
    )


def landing(token):
    return reverse("experimentations:supplier", args=[token])


def need_page(token):
    return reverse("experimentations:supplier-need", args=[token])


def test_opening_the_link_sets_opened_at_and_showing_the_need_sets_viewed_at(client):
    match, token = emailed_match(title="Entretien des jardins")
    page = client.get(landing(token))
    assert page.status_code == 200 and "Entretien des jardins" in unescape(page.text)
    assert page["Referrer-Policy"] == "same-origin"
    match.refresh_from_db()
    assert match.opened_at is not None and match.viewed_at is None
    opened = match.opened_at
    page = client.get(need_page(token))
    assert page.status_code == 200
    assert "deux fois par mois" in unescape(page.text) and "Envoyez un devis par courriel." in unescape(page.text)
    match.refresh_from_db()
    assert match.viewed_at is not None and match.opened_at == opened  # the first time counts
    client.get(need_page(token))
    assert SupplierMatch.objects.get(pk=match.pk).viewed_at == match.viewed_at


def test_interested_shares_the_contact_with_the_buyer_by_email(client):
    match, token = emailed_match(contact_email="achats@mairie.re", contact_name="Marie Payet")
    response = client.post(need_page(token), {"interested": "oui", "message": "Nous avons une équipe libre."})
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.answer == SupplierMatch.Answer.INTERESTED
    assert match.answered_at and match.contact_shared_at and match.viewed_at and match.opened_at
    assert match.message == "Nous avons une équipe libre."
    page = client.get(response["Location"])
    text = unescape(page.text)
    assert "Merci : vos coordonnées sont transmises à l'acheteur" in text
    assert "Vous avez répondu le" in text and "<form" not in text.split("Votre réponse")[1]
    message = deliver(OutgoingEmail.objects.get(kind=batches.EMAIL_INTERESTED))
    assert message.to == ["achats@mairie.re"]
    assert message.subject.startswith("Jardins Lontan est intéressé par votre besoin")
    for shown in ("Bonjour Marie Payet", "jardins@lontan.re", "0262 12 34 56", "Nous avons une équipe libre."):
        assert shown in message.body
    path = f"/annuaire/structure/{match.organisation.slug}/"
    assert path in message.body
    assert client.get(path).status_code == 200


def test_not_interested_needs_a_reason_and_shares_nothing(client):
    match, token = emailed_match()
    response = client.post(need_page(token), {"interested": "non"})
    assert response.status_code == 400
    assert "Indiquez pourquoi ce besoin ne vous intéresse pas." in unescape(response.text)
    assert client.post(need_page(token), {"interested": "non", "reason": "lieu"}).status_code == 302
    match.refresh_from_db()
    assert (match.answer, match.not_interested_reason, match.contact_shared_at) == ("pas_interesse", "lieu", None)
    assert not OutgoingEmail.objects.filter(kind=batches.EMAIL_INTERESTED).exists()


def test_one_answer_only(client):
    match, token = emailed_match()
    client.post(need_page(token), {"interested": "non", "reason": "taille"})
    # A second post (another tab): refused in French, the first answer kept.
    response = client.post(need_page(token), {"interested": "oui"})
    assert response.status_code == 400
    assert "Vous avez déjà répondu à ce besoin" in unescape(response.text)
    assert SupplierMatch.objects.get(pk=match.pk).answer == "pas_interesse"


def test_after_the_deadline_the_need_shows_but_no_answer_is_taken(client):
    match, token = emailed_match()
    type(match.need).objects.filter(pk=match.need_id).update(answer_deadline=timezone.now() - timedelta(minutes=1))
    page = client.get(need_page(token))
    assert page.status_code == 200 and "La date limite est passée" in unescape(page.text)
    assert 'name="interested"' not in page.text
    response = client.post(need_page(token), {"interested": "oui"})
    assert response.status_code == 400 and "La date limite de réponse est passée" in unescape(response.text)
    assert SupplierMatch.objects.get(pk=match.pk).answer == ""


@pytest.mark.parametrize("token", ["inconnu", "x" * 300, "a-b_c"])
def test_a_forged_link_is_refused_with_a_french_page(client, token):
    for url in (landing(token), need_page(token)):
        response = client.get(url)
        assert response.status_code == 404 and "Ce lien n'est plus valable" in unescape(response.text)
    assert client.post(need_page(token), {"interested": "oui"}).status_code == 404


def test_an_expired_link_is_refused(client):
    match, token = emailed_match()
    PrivateLink.objects.filter(object_id=match.pk, purpose=batches.SUPPLIER_LINK).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(landing(token)).status_code == 404
    assert SupplierMatch.objects.get(pk=match.pk).opened_at is None


def test_a_supplier_sees_only_its_own_link_s_need(client):
    mine, my_token = emailed_match(title="Mon besoin")
    other, _ = emailed_match(title="Le besoin d'un autre")
    page = client.get(need_page(my_token))
    assert "Mon besoin" in unescape(page.text) and "Le besoin d'un autre" not in unescape(page.text)
    client.post(need_page(my_token), {"interested": "oui"})
    assert SupplierMatch.objects.get(pk=other.pk).answer == ""
    # A token minted for another purpose opens nothing here.
    foreign = issue_token(purpose="accueil.suivi", object_id=mine.pk, expires_at=timezone.now() + timedelta(days=1))
    assert client.get(landing(foreign)).status_code == 404


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "interested": st.one_of(st.text(max_size=20), st.sampled_from(["oui", "non"])),
            "message": st.text(max_size=3100),
            "reason": st.one_of(st.text(max_size=20), st.sampled_from(SupplierMatch.NotInterestedReason.values)),
        },
    )
)
def test_any_input_gives_a_french_answer_never_an_error(client, settings, data):
    settings.PRIVATE_PAGE_POSTS_PER_HOUR = 10_000
    _match, token = emailed_match()
    response = client.post(need_page(token), data)
    assert response.status_code in {302, 400}, response.status_code
    if response.status_code == 400:
        assert 'class="invalid-feedback' in unescape(response.text) or "alert-danger" in unescape(response.text)


def test_the_supplier_pages_read_a_constant_number_of_queries(client):
    def queries(sectors, territories):
        _match, token = emailed_match(sectors=sectors, territories=[territory(code) for code in territories])
        client.get(landing(token))
        client.get(need_page(token))  # the first views write their timestamps
        with CaptureQueriesContext(connection) as first:
            client.get(landing(token))
        with CaptureQueriesContext(connection) as second:
            client.get(need_page(token))
        return len(first.captured_queries), len(second.captured_queries)

    assert queries(["N"], []) == queries(["N", "C", "F", "I"], ["97411", "97418", "97420", "97415"])
