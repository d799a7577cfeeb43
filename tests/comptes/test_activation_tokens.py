"""Activation links (comptes/tokens.py), made and checked with public Django APIs only:
valid for ACCOUNT_ACTIVATION_DAYS whatever PASSWORD_RESET_TIMEOUT, once, for one account."""

import time

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from comptes.tokens import activation_token_generator as generator
from tests.comptes.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "un-premier-mot-de-passe-2026"
DAY = 86400


def activation_url(user, token):
    return reverse("comptes:activation", args=[urlsafe_base64_encode(force_bytes(user.pk)), token])


@pytest.fixture
def clock(monkeypatch):
    """The generator's clock, moved by hand: `clock.now` seconds since the epoch."""

    class Clock:
        now = time.time()

    monkeypatch.setattr(generator, "clock", lambda: Clock.now)
    return Clock


def test_an_activation_link_sets_the_first_password_once(client):
    user = UserFactory()
    url = activation_url(user, generator.make_token(user))
    response = client.get(url, follow=True)
    assert response.context["validlink"] is True
    response = client.post(
        response.request["PATH_INFO"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(url, follow=True).context["validlink"] is False, "a link works once"


def test_an_activation_link_lasts_the_activation_days_not_the_reset_timeout(client, settings, clock):
    settings.PASSWORD_RESET_TIMEOUT = 1
    settings.ACCOUNT_ACTIVATION_DAYS = 14
    user = UserFactory()
    token = generator.make_token(user)
    clock.now += 14 * DAY - 60
    assert generator.check_token(user, token)
    assert client.get(activation_url(user, token), follow=True).context["validlink"] is True
    clock.now += 120
    assert not generator.check_token(user, token)
    assert client.get(activation_url(user, token), follow=True).context["validlink"] is False


def test_an_activation_token_is_refused_for_another_account_altered_or_after_a_login(settings):
    user, other = UserFactory(), UserFactory()
    token = generator.make_token(user)
    assert generator.check_token(user, token)
    assert not generator.check_token(other, token)
    issued, _, signature = token.partition("-")
    flipped = signature[:-1] + ("1" if signature.endswith("0") else "0")
    for altered in ["", "x", issued, f"{issued}-", f"{issued}-{flipped}", f"zzzzzzzzzzzzzz-{signature}"]:
        assert not generator.check_token(user, altered)
    assert not generator.check_token(None, token)
    user.last_login = timezone.now()
    assert not generator.check_token(user, token), "a login voids the link"
    user.last_login = None
    user.email = "nouvelle@exemple.re"
    assert not generator.check_token(user, token), "an email change voids the link"


def test_an_activation_token_survives_a_secret_key_rotation(settings):
    user = UserFactory()
    token = generator.make_token(user)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "une-nouvelle-clé-secrète-assez-longue-pour-les-tests-2026"
    assert generator.check_token(user, token)
    settings.SECRET_KEY_FALLBACKS = []
    assert not generator.check_token(user, token)
