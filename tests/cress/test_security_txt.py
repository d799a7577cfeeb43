"""/.well-known/security.txt (RFC 9116), the page it points to, and robots.txt, which must
not tell anyone where the staff admin is (issue 17, finding 8)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def fields(text: str) -> dict[str, list[str]]:
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition(": ")
            found.setdefault(name, []).append(value)
    return found


def test_security_txt_follows_rfc_9116(client, settings):
    settings.SECURITY_CONTACT = "securite@ess-reunion.re"
    settings.SITE_URL = "https://www.ess-reunion.re"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    found = fields(response.content.decode())
    assert found["Contact"] == ["mailto:securite@ess-reunion.re"]
    assert found["Preferred-Languages"] == ["fr"]
    assert found["Canonical"] == ["https://www.ess-reunion.re/.well-known/security.txt"]
    assert found["Policy"] == ["https://www.ess-reunion.re/securite/"]
    (expires,) = found["Expires"]
    expiry = datetime.strptime(expires, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert datetime.now(UTC) + timedelta(days=300) < expiry <= datetime.now(UTC) + timedelta(days=366)


def test_a_security_contact_given_as_a_web_address_is_kept_as_is(client, settings):
    settings.SECURITY_CONTACT = "https://www.ess-reunion.re/contact/"
    assert fields(client.get("/.well-known/security.txt").content.decode())["Contact"] == [
        "https://www.ess-reunion.re/contact/"
    ]


def test_the_policy_page_says_how_to_report(client, settings):
    settings.SECURITY_CONTACT = "securite@ess-reunion.re"
    page = client.get(reverse("securite"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "mailto:securite@ess-reunion.re" in html and "Signaler une faille de sécurité" in html


def test_robots_txt_does_not_name_the_admin(client, settings):
    text = client.get("/robots.txt").content.decode()
    assert settings.ADMIN_URL.strip("/") not in text
    assert "Disallow: /accompagnement/suivi/" in text
