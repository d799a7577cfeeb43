import re

import pytest
from django.urls import reverse

from cress.navigation import AREAS, INTAKE
from tests.helpers.html import inline_script_problems

pytestmark = pytest.mark.django_db

FOOTER_PAGES = ["mentions-legales", "donnees-personnelles", "accessibilite"]


def public_urls():
    return ["/", *(f"/{area.path}" for area in (*AREAS, INTAKE)), *(reverse(name) for name in FOOTER_PAGES)]


def test_every_navigation_link_answers(client):
    home = client.get("/")
    html = home.content.decode()
    for area in AREAS:
        assert f'href="/{area.path}"' in html, f"le menu ne mène pas à {area.label}"
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("name", FOOTER_PAGES)
def test_footer_links_to_legal_pages(client, name):
    html = client.get("/").content.decode()
    assert f'href="{reverse(name)}"' in html


def test_home_has_the_intake_call_to_action(client):
    html = client.get("/").content.decode()
    link = re.search(r'<a class="btn btn-sun[^"]*" href="([^"]+)">Déposer une demande d\'accompagnement</a>', html)
    assert link, "l'appel à déposer une demande manque sur l'accueil"
    assert link.group(1) == reverse("accueil:index")


def test_footer_carries_the_european_co_financing_mention(client):
    html = client.get("/").content.decode()
    assert "Cofinancé par l'Union européenne" in html
    assert "Fonds social européen" in html
    assert 'alt="Drapeau de l&#x27;Union européenne"' in html or 'alt="Drapeau de l\'Union européenne"' in html


def test_layout_has_skip_link_landmarks_and_french(client):
    html = client.get("/").content.decode()
    assert '<html lang="fr">' in html
    assert '<a class="skip-link" href="#contenu">' in html
    assert '<main id="contenu"' in html
    assert "<header" in html and "<footer" in html
    assert 'aria-label="Navigation principale"' in html


def test_areas_not_built_yet_say_so_honestly(client):
    response = client.get(reverse("formation:index"))
    assert "Bientôt disponible" in response.content.decode()
    assert "Bientôt disponible" not in client.get(reverse("annuaire:index")).content.decode()


def test_territories_page_shows_the_reference_data(client):
    html = client.get(reverse("territoires:index")).content.decode()
    assert "CINOR" in html and "Saint-Denis" in html
    assert "871\u00a0157" in html or "871 157" in html


def test_active_area_is_marked_in_the_menu(client):
    html = client.get(reverse("territoires:index")).content.decode()
    assert 'href="/territoires/" aria-current="page"' in html


def test_unknown_page_is_a_french_404(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_csp_header_is_strict_with_a_nonce(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    # Each of our script tags carries this response's nonce.
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert client.get("/").headers["Content-Security-Policy"] != policy, "le nonce doit changer à chaque réponse"


def test_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_page_contains_an_inline_script(client, admin_client):
    urls = [*public_urls(), reverse("comptes:connexion"), reverse("comptes:mot-de-passe-oublie")]
    for url in urls:
        assert inline_script_problems(client.get(url).content.decode()) == [], url
    admin_pages = [
        "/gestion/", "/gestion/annuaire/organisation/", "/gestion/annuaire/organisation/add/",
        "/gestion/communication/newsarticle/add/", "/gestion/communication/event/add/",
    ]  # fmt: skip
    for url in admin_pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert inline_script_problems(response.content.decode()) == [], url


def test_admin_lives_at_the_configured_path(client):
    response = client.get("/gestion/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/gestion/login/")
    assert client.get("/admin/").status_code == 404


def test_territories_page_queries_are_bounded_and_cached(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # région, EPCI, communes (prefetch)
        first = client.get(reverse("territoires:index"))
    with django_assert_max_num_queries(0):
        second = client.get(reverse("territoires:index"))
    without_nonce = [re.sub(r'nonce="[^"]+"', "", page.content.decode()) for page in (first, second)]
    assert without_nonce[0] == without_nonce[1]
    assert "24 communes" in without_nonce[0]
