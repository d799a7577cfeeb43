import re

import pytest
from django.urls import reverse

from cress.navigation import AREAS, INTAKE, live_areas
from tests.helpers.html import inline_script_problems

pytestmark = pytest.mark.django_db

FOOTER_PAGES = ["a-propos", "mentions-legales", "donnees-personnelles", "accessibilite", "plan-du-site"]
AREAS_TO_COME = [area for area in AREAS if not area.live]


def public_urls():
    return ["/", *(f"/{area.path}" for area in (*live_areas(), INTAKE)), *(reverse(name) for name in FOOTER_PAGES)]


def menu_links(html):
    menu = re.search(r'<ul class="navbar-nav">(.*?)</ul>', html, re.S).group(1)
    return re.findall(r'<a class="nav-link[^"]*" href="([^"]+)"', menu)


def test_every_navigation_link_answers(client):
    home = client.get("/")
    html = home.content.decode()
    links = menu_links(html)
    assert links == [f"/{area.path}" for area in live_areas()]
    for area in live_areas():
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


def test_the_menu_holds_only_areas_that_work():
    # Since Action 7 (issue 13) every area is live, and the job board (issue 19) with them; an area
    # added to come is checked by the next test.
    assert {area.namespace for area in live_areas()} == {
        "annuaire",
        "emplois",
        "actualites",
        "agenda",
        "observatoire",
        "territoires",
        "formation",
        "partenariats",
        "experimentations",
        "appartenance",
    }


def test_an_area_still_to_come_is_linked_nowhere_and_answers_404(client, monkeypatch):
    # Every area is live today: the rule is checked on an area added to come (no URLconf yet).
    from cress import navigation

    to_come = navigation.Area("bientot", "bientot/", "Bientôt", "Une rubrique encore en chantier.")
    assert not to_come.live
    monkeypatch.setattr(navigation, "AREAS", (*navigation.AREAS, to_come))
    assert to_come not in navigation.live_areas() and len(AREAS_TO_COME) == 0
    address = f"/{to_come.path}"
    assert client.get(address).status_code == 404
    for url in [*public_urls(), reverse("sitemap-section", args=["pages"])]:
        page = client.get(url).content.decode()
        assert f"{address}<" not in page and f'href="{address}"' not in page, f"{url} mène à {address}"
        assert "Bientôt disponible" not in page and ">Bientôt<" not in page, url


def test_the_header_leads_a_holder_to_their_tracking_link(client):
    tracking = reverse("accueil:nouveau-lien")
    for url in public_urls():
        html = client.get(url).content.decode()
        header = html.split("</header>")[0]
        assert f'href="{tracking}"' in header and ">Suivre ma demande</a>" in header, url
    page = client.get(tracking).content.decode()
    assert "lien de suivi" in page
    assert f'href="{tracking}" aria-current="page">Suivre ma demande' in page


PROGRAMME_LABEL = re.compile(r"Action\s*[1-7]\b")


def test_no_public_page_shows_the_programmes_internal_labels(client):
    from tests.annuaire.factories import OrganisationFactory
    from tests.communication.factories import EventFactory, NewsFactory

    organisation = OrganisationFactory()
    news, event = NewsFactory(), EventFactory()
    urls = [
        *public_urls(), news.get_absolute_url(), event.get_absolute_url(),
        reverse("annuaire:structure", args=[organisation.slug]), reverse("agenda:archives"),
        reverse("agenda:ce-mois"), reverse("actualites:lettre-inscription"), reverse("accueil:guide"),
        reverse("accueil:etape", args=["personne"]), reverse("accueil:nouveau-lien"), reverse("annuaire:donnees"),
        reverse("annuaire:proposer"), reverse("comptes:connexion"),
    ]  # fmt: skip
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert not PROGRAMME_LABEL.search(response.content.decode()), url


def test_the_about_page_presents_the_cress_the_fse_and_the_seven_actions(client):
    from cress.views import MISSIONS

    html = client.get(reverse("a-propos")).content.decode()
    assert "Cofinancé par l&#x27;Union européenne" in html or "Cofinancé par l'Union européenne" in html
    assert "Fonds social européen plus (FSE+)" in html and "drapeau-ue.svg" in html
    missions = re.search(r'<ol class="missions">(.*?)</ol>', html, re.S)[1]
    items = re.findall(r'<li class="mb-3">(.*?)</li>', missions, re.S)
    assert len(items) == len(MISSIONS) == 7
    for item, mission in zip(items, MISSIONS, strict=True):
        assert mission.title in item.replace("&#x27;", "'")
    # A mission links to its area only when that area works.
    linked = {href for item in items for href in re.findall(r'href="([^"]+)"', item)}
    assert linked == {
        reverse("territoires:index"), reverse("annuaire:index"), reverse("accueil:index"), reverse("formation:index"),
    }  # fmt: skip
    assert f'href="{reverse("a-propos")}"' in client.get("/").content.decode()


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
