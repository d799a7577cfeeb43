"""What keeps the explorer fast never shows stale or someone else's page: a view kept in
the cache is dropped when a millésime is published, the process's reference when the cache
loses it, and the layout rendered once per process serves only visitors who are not signed
in and have no message waiting, each page with its own CSP nonce."""

import re

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from observatoire.models import Millesime, MillesimeState
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified
from tests.observatoire.helpers import SAINT_PIERRE, import_and_publish, rows

pytestmark = pytest.mark.django_db

NONCE = re.compile(r'nonce="([^"]+)"')


def table(page: str) -> str:
    return page.split('<table class="table table-sm explorer-table">', 1)[1].split("</table>", 1)[0]


def test_a_publication_drops_the_views_kept_and_the_form(client):
    import_and_publish(rows(5, employees="10"), year=2023)
    url = reverse("observatoire:explorer")
    first = client.get(url, {"ventilation": "territoire"}).content.decode()
    assert '<option value="2023" selected>2023</option>' in first
    assert ">50<" in table(first)

    import_and_publish(rows(6, employees="10") + rows(4, commune=SAINT_PIERRE, start=50, employees="1"), year=2024)
    again = client.get(url, {"ventilation": "territoire"}).content.decode()
    assert '<option value="2024" selected>2024</option>' in again, "the new millésime is the default"
    assert ">64<" in table(again)
    older = client.get(url, {"ventilation": "territoire", "annee": "2023"}).content.decode()
    assert ">50<" in table(older) and '<option value="2023" selected>' in older


def test_the_reference_kept_by_the_process_is_dropped_with_the_cache(client):
    import_and_publish(rows(5))
    url = reverse("observatoire:explorer")
    assert "Aucun millésime" not in client.get(url).content.decode()
    # A change that bumps no version, then the cache lost (a Redis restart): the process
    # must not go on with the reference it kept.
    Millesime.objects.update(state=MillesimeState.WITHDRAWN)
    cache.clear()
    assert "Aucun millésime n'est encore publié" in client.get(url).content.decode()


def test_each_anonymous_page_has_its_own_nonce_the_one_of_its_policy(client):
    import_and_publish(rows(5))
    url = reverse("observatoire:explorer")
    seen = []
    for _ in range(3):
        response = client.get(url)
        nonces = set(NONCE.findall(response.content.decode()))
        assert len(nonces) == 1
        (nonce,) = nonces
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        seen.append(nonce)
    assert len(set(seen)) == 3
    pages = {NONCE.sub("", client.get(url).content.decode()) for _ in range(2)}
    assert len(pages) == 1, "the same page but for the nonce"


def test_a_signed_in_visitor_never_gets_the_anonymous_layout_nor_the_reverse(client):
    import_and_publish(rows(5))
    url = reverse("observatoire:explorer")
    assert "Se connecter" in client.get(url).content.decode()
    login_verified(client, StaffFactory(role="Observatoire"))
    signed_in = client.get(url).content.decode()
    assert "Se déconnecter" in signed_in and "Se connecter<" not in signed_in
    client.logout()
    assert "Se connecter" in client.get(url).content.decode()


def test_a_message_waiting_is_shown_on_the_explorer(client):
    import_and_publish(rows(5))
    url = reverse("observatoire:explorer")
    client.get(url)  # the anonymous layout is built
    request = RequestFactory().get(url)
    storage = CookieStorage(request)
    storage.add(20, "Votre demande est enregistrée.")
    response = client.get("/")
    storage.update(response)
    client.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value
    assert "Votre demande est enregistrée." in client.get(url).content.decode()
    assert "Votre demande est enregistrée." not in client.get(url).content.decode(), "shown once"
