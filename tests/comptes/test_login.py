from datetime import datetime, timedelta
from urllib.parse import urlparse

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from messagerie.models import OutgoingEmail
from tests.annuaire.factories import OrganisationFactory, PartnerMembershipFactory
from tests.comptes.factories import PASSWORD, StaffFactory, UserFactory
from tests.helpers.auth import pass_second_factor
from tests.helpers.mail import deliver, link_path

pytestmark = pytest.mark.django_db
LOGIN = reverse("comptes:connexion")


def login(client, email, password=PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password})


def test_login_is_by_email_whatever_the_case(client):
    user = UserFactory(email="nadia.payet@exemple.re")
    response = login(client, "Nadia.Payet@EXEMPLE.re")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_gets_a_french_message_and_no_session(client):
    UserFactory(email="a@exemple.re")
    response = login(client, "a@exemple.re", "mauvais")
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_each_kind_of_user_lands_on_their_workplace(client, settings):
    staff = StaffFactory(role="Accueil")
    partner = PartnerMembershipFactory(organisation=OrganisationFactory()).user
    public = UserFactory()
    expected = {staff: f"/{settings.ADMIN_URL}", partner: reverse("accueil:partenaire-liste"), public: reverse("home")}
    for user, target in expected.items():
        client.logout()
        login(client, user.email)
        if user.is_staff:
            pass_second_factor(client, user)
        assert client.get(reverse("comptes:apres-connexion")).headers["Location"] == target


def test_the_composition_root_chooses_where_a_partner_and_a_visitor_land(client, settings):
    settings.PARTNER_LOGIN_REDIRECT_URL = "annuaire:index"
    settings.VISITOR_LOGIN_REDIRECT_URL = "actualites:index"
    partner = PartnerMembershipFactory(organisation=OrganisationFactory()).user
    client.force_login(partner)
    assert client.get(reverse("comptes:apres-connexion")).headers["Location"] == reverse("annuaire:index")
    client.force_login(UserFactory())
    assert client.get(reverse("comptes:apres-connexion")).headers["Location"] == reverse("actualites:index")


def test_lockout_after_repeated_failures(client, settings):
    user = UserFactory(email="cible@exemple.re")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, user.email, "essai-faux").status_code == 200
    locked = login(client, user.email, "essai-faux")
    assert locked.status_code == 429
    assert "Connexion temporairement bloquée" in locked.content.decode()
    # Even the right password is refused while the lockout lasts.
    right = login(client, user.email)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get(username=user.email)
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT


def test_lockout_is_per_account_and_address(client, settings):
    locked_user = UserFactory(email="bloque@exemple.re")
    other = UserFactory(email="autre@exemple.re")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, locked_user.email, "essai-faux")
    assert login(client, other.email).status_code == 302


def test_admin_login_is_protected_too(client, settings):
    staff = StaffFactory(role="Direction")
    url = f"/{settings.ADMIN_URL}login/"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": staff.email, "password": "essai-faux"})
    assert client.post(url, {"username": staff.email, "password": PASSWORD}).status_code == 429


def test_password_reset_goes_through_the_outbox_and_works(client):
    user = UserFactory(email="oubli@exemple.re")
    response = client.post(reverse("comptes:mot-de-passe-oublie"), {"email": "oubli@exemple.re"})
    assert response.status_code == 302
    email = OutgoingEmail.objects.get(to="oubli@exemple.re")
    assert email.subject == "Réinitialisation de votre mot de passe — Portail ESS Réunion"
    assert "/compte/mot-de-passe/" not in email.body_text, "the reset link is minted when the email leaves"
    link = link_path(deliver(email), r"/compte/mot-de-passe/[^\s]+/")
    form_page = client.get(urlparse(link).path, follow=True)
    assert form_page.status_code == 200
    new_password = "un-nouveau-mot-de-passe-2026"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post(reverse("comptes:mot-de-passe-oublie"), {"email": "inconnu@exemple.re"})
    assert response.status_code == 302
    assert not OutgoingEmail.objects.exists()


def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout(client, settings):
    user = UserFactory(email="cible2@exemple.re")
    for index in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": user.email, "password": "faux"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{index}")
    response = client.post(LOGIN, {"username": user.email, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert response.status_code == 429


def test_an_account_without_password_can_get_one_by_reset(client):
    from comptes.models import User

    User.objects.create_user(email="sans-mdp@exemple.re")
    client.post(reverse("comptes:mot-de-passe-oublie"), {"email": "sans-mdp@exemple.re"})
    assert OutgoingEmail.objects.filter(to="sans-mdp@exemple.re").exists()


def test_password_reset_requests_are_rate_limited(client, settings):
    settings.PASSWORD_RESETS_PER_HOUR = 1
    UserFactory(email="x@exemple.re")
    assert client.post(reverse("comptes:mot-de-passe-oublie"), {"email": "x@exemple.re"}).status_code == 302
    response = client.post(reverse("comptes:mot-de-passe-oublie"), {"email": "x@exemple.re"})
    assert response.status_code == 429
    assert OutgoingEmail.objects.count() == 1


def test_activation_links_outlive_the_one_hour_reset_timeout(client, settings, monkeypatch):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from comptes.tokens import activation_token_generator

    user = UserFactory()
    token = activation_token_generator.make_token(user)
    settings.PASSWORD_RESET_TIMEOUT = 1
    three_days_later = (datetime.now() + timedelta(days=3)).timestamp()
    monkeypatch.setattr(activation_token_generator, "clock", lambda: three_days_later)
    assert activation_token_generator.check_token(user, token)
    url = reverse("comptes:activation", args=[urlsafe_base64_encode(force_bytes(user.pk)), token])
    assert client.get(url, follow=True).context["validlink"] is True
