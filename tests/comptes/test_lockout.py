"""The login lockout counts an account once, whatever the spelling of its email, and an
address trying many accounts is locked out too (issue 17, point 3)."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from comptes.models import login_identity
from tests.comptes.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = reverse("comptes:connexion")
OTHER_ADDRESS = "203.0.113.7"


def site_login(client, email, password=PASSWORD, address="127.0.0.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


def admin_login(client, email, password=PASSWORD, address="127.0.0.1"):
    return client.post(reverse("admin:login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def casings(email):
    """19 spellings of one address: letter case, spaces around, full-width letters."""
    local, domain = email.split("@")
    full_width = "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in local.upper())
    variants = [
        email.upper(),
        email.title(),
        local.capitalize() + "@" + domain.upper(),
        f"  {email}  ",
        f"\u00a0{email.upper()}\u3000",
        f"{full_width}@{domain}",
    ]
    for index in range(len(email)):
        if len(variants) == 19:
            break
        if email[index].isalpha():
            variants.append(email[:index] + email[index].upper() + email[index + 1 :])
    return variants


def test_the_lockout_counts_an_email_by_its_login_identity():
    assert login_identity("  PARTENARIATS@Demo.ESS-Reunion.re ") == "partenariats@demo.ess-reunion.re"
    assert login_identity("ＡＤＭＩＮ@demo.ess-reunion.re") == "admin@demo.ess-reunion.re"
    assert login_identity("\u00a0ſtaff@exemple.re\u3000") == "staff@exemple.re"  # long s, NBSP, ideographic space
    # Confusables that NFKC keeps apart stay apart: another address, which opens nothing.
    assert login_identity("аdmin@demo.ess-reunion.re") != "admin@demo.ess-reunion.re"  # Cyrillic а


@pytest.mark.parametrize("login", [site_login, admin_login], ids=["site", "admin"])
def test_nineteen_wrong_passwords_with_different_casings_lock_the_account(client, settings, login):
    user = StaffFactory(email="partenariats@demo.ess-reunion.re", role="Partenariats")
    answers = [login(client, variant, "essai-faux").status_code for variant in casings(user.email)]
    assert len(answers) == 19
    limit = settings.AXES_FAILURE_LIMIT
    assert 429 not in answers[: limit - 1]
    assert set(answers[limit - 1 :]) == {429}
    # One counter for every spelling.
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [user.email]
    # The right password under any spelling is refused while the lockout lasts.
    assert login(client, "PARTENARIATS@DEMO.ESS-REUNION.RE").status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_upper_case_spelling_cannot_log_in_while_the_account_is_locked(client, settings):
    user = UserFactory(email="partenariats@exemple.re")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        site_login(client, "partenariats@exemple.re", "essai-faux")
    response = site_login(client, "PARTENARIATS@exemple.re")
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Nor the admin's own login form.
    assert admin_login(client, " Partenariats@EXEMPLE.re ").status_code == 429
    assert user.email == "partenariats@exemple.re"


def test_spaces_and_full_width_spellings_count_and_lock_too(client, settings):
    UserFactory(email="admin@exemple.re")
    spellings = [
        "  admin@exemple.re",
        "ＡＤＭＩＮ@exemple.re",
        "ａｄｍｉｎ@ｅｘｅｍｐｌｅ.ｒｅ",
        "admin@exemple.re\u3000",
    ]
    for spelling in spellings:
        assert site_login(client, spelling, "essai-faux").status_code == 200
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "admin@exemple.re" and attempt.failures_since_start == len(spellings)
    settings.AXES_FAILURE_LIMIT = len(spellings) + 1
    assert site_login(client, "ＡＤＭＩＮ@exemple.re", "essai-faux").status_code == 429
    assert site_login(client, "admin@exemple.re").status_code == 429


def test_a_full_width_spelling_with_the_right_password_is_the_same_account(client):
    user = UserFactory(email="admin@exemple.re")
    assert site_login(client, "ＡＤＭＩＮ@exemple.re").status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_look_alike_that_postgresql_would_fold_opens_nothing(client):
    """PostgreSQL's upper('ı') is 'I': before, « admın@ » (dotless ı) opened « admin@ »'s
    account with a lockout counter of its own."""
    UserFactory(email="admin@exemple.re")
    response = site_login(client, "adm\u0131n@exemple.re")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert admin_login(client, "adm\u0131n@exemple.re").status_code == 200
    assert "_auth_user_id" not in client.session


def test_one_address_trying_many_accounts_is_locked_out(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    accounts = [UserFactory(email=f"compte{n}@exemple.re") for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT + 1)]
    answers = [site_login(client, user.email, "Printemps2026!").status_code for user in accounts[:-1]]
    # One password tried once per account: never the per-account limit, yet the address is stopped.
    assert answers[:-1] == [200] * (settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1) and answers[-1] == 429
    untouched = accounts[-1]
    assert site_login(client, untouched.email).status_code == 429
    assert admin_login(client, untouched.email).status_code == 429
    assert "_auth_user_id" not in client.session


def test_another_address_is_not_locked_out_by_the_spraying_one(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    accounts = [UserFactory(email=f"compte{n}@exemple.re") for n in range(6)]
    for user in accounts:
        site_login(client, user.email, "Printemps2026!")
    assert site_login(client, accounts[0].email).status_code == 429
    legitimate = site_login(client, accounts[0].email, address=OTHER_ADDRESS)
    assert legitimate.status_code == 302
    assert client.session["_auth_user_id"] == str(accounts[0].pk)


def test_logging_into_ones_own_account_does_not_reset_the_address_counter(client, settings):
    """A sprayer who also holds one real account must not wipe the failures on the others."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    own = UserFactory(email="moi@exemple.re")
    targets = [UserFactory(email=f"cible{n}@exemple.re") for n in range(6)]
    for user in targets[:5]:
        site_login(client, user.email, "Printemps2026!")
    assert site_login(client, own.email).status_code == 302
    client.logout()
    assert site_login(client, targets[5].email, "Printemps2026!").status_code == 429
