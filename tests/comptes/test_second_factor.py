"""Second factor for staff (TOTP with django-otp), opt-in for partners (issue 17, point 6)."""

import html
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptes import services
from comptes.models import RecoveryCode, recovery_code_digest
from tests.annuaire.factories import OrganisationFactory, PartnerMembershipFactory
from tests.comptes.factories import PASSWORD, StaffFactory
from tests.helpers.auth import confirmed_device, login_verified, totp_code
from tests.helpers.html import inline_script_problems

pytestmark = pytest.mark.django_db
LOGIN = reverse("comptes:connexion")
VERIFY = reverse("comptes:verification")
ENROL = reverse("comptes:activation-double-authentification")
SETTINGS_PAGE = reverse("comptes:double-authentification")


def site_login(client, email, password=PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password})


def text(response) -> str:
    return html.unescape(response.content.decode())


def wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def enrol(client, user):
    """Enrolment through the pages, as the person would: returns the recovery codes shown."""
    page = client.get(ENROL)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL, {"code": totp_code(device)})
    assert response.status_code == 200, text(response)
    return response.context["codes"]


@pytest.fixture
def no_throttle(settings):
    """django-otp's growing delay between two wrong codes is not what these tests look at."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def admin_urls(organisation, staff):
    return [
        ("get", reverse("admin:index")),
        ("get", reverse("admin:annuaire_organisation_changelist")),
        ("get", reverse("admin:annuaire_organisation_change", args=[organisation.pk])),
        ("get", reverse("admin:annuaire_organisation_add")),
        ("get", reverse("admin:password_change")),
        ("get", reverse("admin:auth_user_password_change", args=[staff.pk])),
        ("get", reverse("admin:accueil_intakerequest_dashboard")),
        ("get", reverse("admin:accueil_intakerequest_export")),
        ("get", reverse("admin:comptes_user_changelist")),
        ("get", reverse("admin:login")),
        ("get", reverse("admin:autocomplete") + "?app_label=annuaire&model_name=partnermembership&field_name=user"),
        ("post", reverse("admin:password_change")),
        (
            "post",
            reverse("admin:annuaire_organisation_changelist"),
        ),
    ]


def assert_no_admin_page(client, organisation, staff, *, step):
    for method, url in admin_urls(organisation, staff):
        data = {"action": "delete_selected", "_selected_action": [organisation.pk], "post": "yes"}
        response = getattr(client, method)(url, data if method == "post" else None)
        assert response.status_code == 302, (url, response.status_code)
        assert response.headers["Location"].startswith(step), (url, response.headers["Location"])
    assert type(organisation).objects.filter(pk=organisation.pk).exists(), "no admin action ran"


def test_a_staff_member_without_second_factor_reaches_no_admin_page(client):
    staff = StaffFactory(is_superuser=True)
    organisation = OrganisationFactory()
    response = site_login(client, staff.email)
    assert response.headers["Location"].startswith(VERIFY)
    assert_no_admin_page(client, organisation, staff, step=VERIFY)
    # The verification step sends them to enrolment: no device, no way around it.
    assert client.get(VERIFY).headers["Location"].startswith(ENROL)
    # A session opened any other way (here without any login form) is held back the same.
    other = Client()
    other.force_login(staff)
    assert_no_admin_page(other, organisation, staff, step=VERIFY)


def test_an_enrolled_but_unverified_session_reaches_no_admin_page(client):
    staff = StaffFactory(is_superuser=True)
    confirmed_device(staff)
    organisation = OrganisationFactory()
    site_login(client, staff.email)
    assert_no_admin_page(client, organisation, staff, step=VERIFY)
    assert client.get(VERIFY).status_code == 200
    # Nor can the password alone replace the enrolled app by a new one.
    assert client.get(ENROL).headers["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_the_admin_login_page_asks_for_the_code(client):
    staff = StaffFactory(role="Accueil")
    device = confirmed_device(staff)
    response = client.post(reverse("admin:login") + "?next=/gestion/", {"username": staff.email, "password": PASSWORD})
    step = client.get(response.headers["Location"])
    assert step.status_code == 302 and step.headers["Location"] == f"{VERIFY}?next=%2Fgestion%2F"
    page = client.get(step.headers["Location"])
    assert "Vérification en deux étapes" in text(page)
    verified = client.post(step.headers["Location"], {"code": totp_code(device)})
    assert verified.headers["Location"] == "/gestion/"
    assert client.get("/gestion/").status_code == 200


def test_a_verified_staff_session_reaches_the_admin(client):
    staff = StaffFactory(role="Accueil")
    device = confirmed_device(staff)
    site_login(client, staff.email)
    response = client.post(f"{VERIFY}?next=/gestion/annuaire/organisation/", {"code": totp_code(device)})
    assert response.headers["Location"] == "/gestion/annuaire/organisation/"
    assert client.get("/gestion/annuaire/organisation/").status_code == 200


def test_a_wrong_code_is_counted_by_the_lockout(client, settings, no_throttle):
    staff = StaffFactory(role="Accueil")
    device = confirmed_device(staff)
    site_login(client, staff.email)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(VERIFY, {"code": wrong(totp_code(device))})
        assert response.status_code == 400
        assert "Ce code n'est pas valable" in text(response)
    assert AccessAttempt.objects.get(username=staff.email).failures_since_start == settings.AXES_FAILURE_LIMIT - 1
    locked = client.post(VERIFY, {"code": wrong(totp_code(device))})
    assert locked.status_code == 429
    assert "Connexion temporairement bloquée" in text(locked)
    # The half-open session is over, and the password is refused as after wrong passwords.
    assert "_auth_user_id" not in client.session
    assert site_login(client, staff.email).status_code == 429


def test_the_password_alone_does_not_wipe_the_wrong_codes(client, settings, no_throttle):
    staff = StaffFactory(role="Accueil")
    device = confirmed_device(staff)
    site_login(client, staff.email)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(VERIFY, {"code": wrong(totp_code(device))})
    client.logout()
    assert site_login(client, staff.email).status_code == 302  # right password: not locked yet
    assert client.post(VERIFY, {"code": wrong(totp_code(device))}).status_code == 429


def test_a_right_code_forgives_the_earlier_failures(client, settings, no_throttle):
    staff = StaffFactory(role="Accueil")
    device = confirmed_device(staff)
    site_login(client, staff.email, "essai-faux")
    site_login(client, staff.email)
    client.post(VERIFY, {"code": wrong(totp_code(device))})
    assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302
    assert not AccessAttempt.objects.filter(username=staff.email).exists()


def test_two_wrong_codes_in_a_row_ask_to_wait(client):
    staff = StaffFactory(role="Accueil")
    device = confirmed_device(staff)
    site_login(client, staff.email)
    client.post(VERIFY, {"code": wrong(totp_code(device))})
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 400
    assert "patientez quelques secondes" in text(response)


def test_the_verification_page_is_rate_limited_per_account(client, settings, no_throttle):
    settings.SECOND_FACTOR_TRIES_PER_HOUR = 3
    settings.AXES_FAILURE_LIMIT = 50
    staff = StaffFactory(role="Accueil")
    device = confirmed_device(staff)
    site_login(client, staff.email)
    for _ in range(3):
        client.post(VERIFY, {"code": wrong(totp_code(device))})
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 400
    assert "Trop d'essais de code pour ce compte" in text(response)
    assert client.get("/gestion/").status_code == 302


def test_a_recovery_code_works_once_and_is_stored_hashed(client, settings, no_throttle):
    staff = StaffFactory(role="Direction")
    site_login(client, staff.email)
    codes = enrol(client, staff)
    assert len(codes) == len(set(codes)) == services.RECOVERY_CODE_COUNT
    assert all(re.fullmatch(r"[2-9A-Z]{4}(-[2-9A-Z]{4}){3}", code) for code in codes)
    # Scan the table: only digests, never a code in clear, with or without its hyphens.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM comptes_recoverycode")
        dump = repr(cursor.fetchall()).upper()
    for code in codes:
        assert code not in dump and code.replace("-", "") not in dump
    assert set(RecoveryCode.objects.values_list("digest", flat=True)) == {recovery_code_digest(c) for c in codes}

    client.logout()
    site_login(client, staff.email)
    used = client.post(VERIFY + "?next=/gestion/", {"recovery_code": codes[0].lower().replace("-", " ")})
    assert used.headers["Location"] == "/gestion/"
    assert client.get("/gestion/").status_code == 200
    assert services.remaining_recovery_codes(staff) == services.RECOVERY_CODE_COUNT - 1

    client.logout()
    site_login(client, staff.email)
    again = client.post(VERIFY, {"recovery_code": codes[0]})
    assert again.status_code == 400 and "Ce code n'est pas valable" in text(again)
    assert AccessAttempt.objects.get(username=staff.email).failures_since_start == 1
    assert client.get("/gestion/").status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client):
    staff = StaffFactory(role="Accueil")
    site_login(client, staff.email)
    old = enrol(client, staff)
    response = client.post(SETTINGS_PAGE, {"action": "codes"})
    new = response.context["codes"]
    assert set(new).isdisjoint(old) and RecoveryCode.objects.count() == services.RECOVERY_CODE_COUNT
    client.logout()
    site_login(client, staff.email)
    assert client.post(VERIFY, {"recovery_code": old[1]}).status_code == 400


def test_staff_sessions_last_a_working_day_and_partners_keep_the_normal_one(client, settings):
    settings.STAFF_SESSION_HOURS = 9
    staff = StaffFactory(role="Accueil")
    device = confirmed_device(staff)
    site_login(client, staff.email)
    client.post(VERIFY, {"code": totp_code(device)})
    age = client.session.get_expiry_age()
    assert timedelta(hours=9) - timedelta(minutes=1) <= timedelta(seconds=age) <= timedelta(hours=9)
    stored = Session.objects.get(session_key=client.session.session_key).expire_date
    assert abs(stored - (timezone.now() + timedelta(hours=9))) < timedelta(minutes=1)

    settings.STAFF_SESSION_HOURS = 4
    admin_side = Client()
    admin_side.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})
    assert timedelta(seconds=admin_side.session.get_expiry_age()) <= timedelta(hours=4)

    partner = PartnerMembershipFactory(organisation=OrganisationFactory()).user
    partner_side = Client()
    site_login(partner_side, partner.email)
    assert "_session_expiry" not in partner_side.session
    assert partner_side.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_a_password_change_in_the_admin_logs_the_other_sessions_out(client):
    staff = StaffFactory(role="Accueil")
    elsewhere = Client()
    login_verified(client, staff)
    login_verified(elsewhere, staff)
    assert elsewhere.get("/gestion/").status_code == 200
    new = "un-tout-nouveau-mot-de-passe-2026"
    changed = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert changed.status_code == 302
    assert client.get("/gestion/").status_code == 200, "the session that changed it stays, verified"
    kicked = elsewhere.get("/gestion/")
    assert kicked.status_code == 302 and kicked.headers["Location"].startswith(reverse("admin:login"))
    assert "_auth_user_id" not in elsewhere.session


def test_a_password_reset_logs_every_session_out(client):
    staff = StaffFactory(role="Accueil")
    elsewhere = Client()
    login_verified(elsewhere, staff)
    uid = urlsafe_base64_encode(force_bytes(staff.pk))
    link = reverse("comptes:mot-de-passe-nouveau", args=[uid, default_token_generator.make_token(staff)])
    form_page = client.get(link, follow=True)
    new = "un-tout-nouveau-mot-de-passe-2026"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert elsewhere.get("/gestion/").status_code == 302
    assert "_auth_user_id" not in elsewhere.session


def test_the_enrolment_page_draws_the_qr_code_server_side_with_the_secret_in_text(client):
    staff = StaffFactory(role="Accueil")
    site_login(client, staff.email)
    response = client.get(ENROL)
    page = text(response)
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    assert re.search(r'<svg role="img" aria-label="[^"]+"[^>]*class="qr-code"', page)
    assert "<img" not in page.split('id="contenu"')[1].split("</main>")[0], "no image request for the QR code"
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in page
    assert inline_script_problems(page) == []
    assert " style=" not in page, "the CSP allows no inline style"
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", page).group(0)
    assert 'autocomplete="one-time-code"' in field and 'inputmode="numeric"' in field
    assert re.search(r'<label\s+for="id_code"', page)
    assert client.get(ENROL).content.decode().count(secret[:4]) >= 1, "same secret until confirmed"
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_the_verification_page_offers_both_kinds_of_code_accessibly(client):
    staff = StaffFactory(role="Accueil")
    confirmed_device(staff)
    site_login(client, staff.email)
    page = text(client.get(VERIFY))
    assert inline_script_problems(page) == [] and " style=" not in page
    assert re.search(r'<label\s+for="id_code"', page) and re.search(r'<label\s+for="id_recovery_code"', page)
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", page).group(0)
    assert 'autocomplete="one-time-code"' in field and 'inputmode="numeric"' in field
    assert "<details" in page, "the recovery form needs no script to open"


def test_a_wrong_enrolment_code_is_refused_in_french(client):
    staff = StaffFactory(role="Accueil")
    site_login(client, staff.email)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=staff)
    response = client.post(ENROL, {"code": "12ab"})
    assert response.status_code == 400 and "Saisissez les 6 chiffres" in text(response)
    response = client.post(ENROL, {"code": wrong(totp_code(device))})
    assert response.status_code == 400 and "Ce code n'est pas valable" in text(response)
    device.refresh_from_db()
    assert not device.confirmed


def test_a_partner_may_opt_in_and_is_then_asked_the_code(client, no_throttle):
    partner = PartnerMembershipFactory(organisation=OrganisationFactory()).user
    assert site_login(client, partner.email).headers["Location"] == reverse("comptes:apres-connexion")
    assert "n'est pas activée" in client.get(SETTINGS_PAGE).content.decode()
    enrol(client, partner)
    assert "est <strong>activée</strong>" in client.get(SETTINGS_PAGE).content.decode()

    client.logout()
    response = site_login(client, partner.email)
    assert response.headers["Location"].startswith(VERIFY)
    # Before the code, private pages treat the session as anonymous.
    partner_list = reverse("accueil:partenaire-liste")
    assert client.get(partner_list).headers["Location"].startswith(LOGIN)
    assert (
        client.get(LOGIN, {"next": partner_list}).headers["Location"] == f"{VERIFY}?{urlencode({'next': partner_list})}"
    )
    assert client.get(SETTINGS_PAGE).status_code == 302
    device = TOTPDevice.objects.get(user=partner, confirmed=True)
    assert client.post(f"{VERIFY}?next={partner_list}", {"code": totp_code(device)}).status_code == 302
    assert client.get(partner_list).status_code == 200


def test_a_partner_may_turn_it_off_with_a_code_and_staff_may_only_replace_it(client, no_throttle):
    partner = PartnerMembershipFactory(organisation=OrganisationFactory()).user
    site_login(client, partner.email)
    enrol(client, partner)
    device = TOTPDevice.objects.get(user=partner, confirmed=True)
    refused = client.post(SETTINGS_PAGE, {"action": "retirer", "code": wrong(totp_code(device))})
    assert refused.status_code == 400 and services.has_second_factor(partner)
    client.post(SETTINGS_PAGE, {"action": "retirer", "code": totp_code(device)})
    assert not services.has_second_factor(partner)
    client.logout()
    assert site_login(client, partner.email).headers["Location"] == reverse("comptes:apres-connexion")

    staff = StaffFactory(role="Accueil")
    staff_side = Client()
    login_verified(staff_side, staff)
    codes = services.issue_recovery_codes(user=staff)
    removed = staff_side.post(SETTINGS_PAGE, {"action": "retirer", "code": codes[0]})
    assert removed.headers["Location"] == ENROL
    assert staff_side.get("/gestion/").headers["Location"].startswith(VERIFY), "staff must enrol again"
