"""The public pages on a phone (320 and 360 px) and on a desktop, in headless Chromium: no
sideways scrolling (WCAG 1.4.10), touch targets of 24 px and 44 px for the main controls
(WCAG 2.5.8), field borders that contrast 3:1 (WCAG 1.4.11), and the directory's first
result on the first screen, its filters behind a « Filtres » button."""

import pytest
from django.urls import reverse

from tests.accueil.factories import make_request
from tests.annuaire.factories import OrganisationFactory
from tests.communication.factories import EventFactory, NewsFactory
from tests.helpers import screenshots
from tests.helpers.browser import serious_accessibility_violations
from tests.observatoire.helpers import SAINT_DENIS, publish_sample_observatory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE_HEIGHT = 740
LONG_ADDRESS = "https://www.exemple.re/associations/economie-sociale-et-solidaire/projets-accompagnes-en-2026"


@pytest.fixture
def pages():
    """A sample of every kind of public page, with the long words real content brings."""
    for index in range(12):
        OrganisationFactory(name=f"Ressourcerie de l'Est numéro {index}", description="Réemploi et insertion.")
    organisation = OrganisationFactory(
        name="Association intercommunale pour l'insertion par l'activité économique",
        email="contact.accompagnement-des-porteurs-de-projets@association-exemple.re",
        website=LONG_ADDRESS,
    )
    article = NewsFactory(
        title="Mutualisation : les coopératives d'activité et d'emploi réunionnaises s'organisent",
        body=f"<p>Le programme est décrit à l'adresse {LONG_ADDRESS} et sur demande.</p>",
    )
    event = EventFactory(title="Rencontre des entrepreneuses et entrepreneurs de l'économie sociale")
    _intake, token = make_request()
    publish_sample_observatory()
    return {
        "accueil": "/",
        "annuaire": reverse("annuaire:index"),
        "structure": reverse("annuaire:structure", args=[organisation.slug]),
        "actualités": reverse("actualites:index"),
        "article": article.get_absolute_url(),
        "agenda": reverse("agenda:index"),
        "événement": event.get_absolute_url(),
        "demande": reverse("accueil:index"),
        "guide": reverse("accueil:guide"),
        "étape 1": reverse("accueil:etape", args=["personne"]),
        "nouveau lien": reverse("accueil:nouveau-lien"),
        "suivi": reverse("accueil:suivi", args=[token]),
        "connexion": reverse("comptes:connexion"),
        "à propos": reverse("a-propos"),
        "accessibilité": reverse("accessibilite"),
        "territoires": reverse("territoires:index"),
        "observatoire": reverse("observatoire:index"),
        "explorateur": reverse("observatoire:explorer") + "?ventilation=territoire",
        "portrait": reverse("observatoire:portrait", args=[SAINT_DENIS]),
        "niches": reverse("observatoire:niches") + f"?territoire={SAINT_DENIS}",
        "niches région": reverse("observatoire:niches"),
        "méthode": reverse("observatoire:methode"),
    }


def open_page(chromium, width, height=PHONE_HEIGHT, **options):
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="fr-FR", **options)
    return context, context.new_page()


# What is wider than the window, named, so that a failure says where to look.
OVERFLOW = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5 && el.getBoundingClientRect().width > 0)
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className} → ${Math.round(el.getBoundingClientRect().right)} px`);
}"""


@pytest.mark.parametrize("width", [320, 360, 1280])
def test_no_page_scrolls_sideways(chromium, live_server, pages, width):
    context, page = open_page(chromium, width)
    problems = {}
    for name, path in pages.items():
        assert page.goto(live_server.url + path).status == 200, name
        screenshots.save(page, f"page-{name}")
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            problems[name] = page.evaluate(OVERFLOW)
    context.close()
    assert problems == {}


# Every control, at least 24 px both ways; links inside running text are exempt (WCAG 2.5.8).
CONTROLS = (
    "a.btn, button, summary, input:not([type=hidden]), select, textarea, .nav-link, .page-link, "
    ".facet-link, a.badge, .breadcrumb-item a, .site-footer li a"
)
# The main controls: the header's buttons, the menu, the filters, the forms' fields and buttons.
MAIN_CONTROLS = (
    ".site-header .btn, .navbar-toggler, .main-nav .nav-link, .filters-toggle, "
    "main .btn:not(.btn-sm):not(.btn-link), main .form-control, main .form-select"
)
TOO_SMALL = """([selector, minimum]) => [...document.querySelectorAll(selector)]
  .filter((el) => el.checkVisibility() && !el.closest(".hp-field"))
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.width < minimum || box.height < minimum)
  .map(([el, box]) => {
    const what = (el.textContent || el.name || "").trim().slice(0, 30);
    return `${el.tagName.toLowerCase()}.${el.className} « ${what} » ${Math.round(box.width)}×${Math.round(box.height)}`;
  })"""


def test_touch_targets_are_24_px_and_the_main_controls_44_px_on_a_phone(chromium, live_server, pages):
    context, page = open_page(chromium, 360)
    problems = {}
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.get_by_role("button", name="Menu").click()  # the phone menu's links count too
        page.locator("#menu-principal .nav-link").first.wait_for(state="visible")
        small = page.evaluate(TOO_SMALL, [CONTROLS, 24]) + page.evaluate(TOO_SMALL, [MAIN_CONTROLS, 44])
        if small:
            problems[name] = small
    context.close()
    assert problems == {}


def test_the_pages_stay_accessible_on_a_phone(chromium, live_server, pages):
    context, page = open_page(chromium, 360)
    problems = {}
    for name, path in pages.items():
        page.goto(live_server.url + path)
        if found := serious_accessibility_violations(page):
            problems[name] = found
    context.close()
    assert problems == {}


def accessibility_node(page, selector):
    """What Chromium tells assistive technologies about an element: its role and states."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    ax = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})["nodes"][0]
    cdp.detach()
    states = {prop["name"]: prop["value"]["value"] for prop in ax.get("properties", [])}
    return {"role": ax["role"]["value"], "name": ax["name"]["value"], "expanded": states.get("expanded")}


FIRST_RESULT = "document.querySelector('ol.results > li.result').getBoundingClientRect()"


def test_the_directory_shows_its_first_result_on_a_phones_first_screen(chromium, live_server, pages):
    context, page = open_page(chromium, 360)
    page.goto(live_server.url + pages["annuaire"])
    first = page.evaluate(FIRST_RESULT + ".top")
    heading = page.locator("ol.results > li.result h3").first.bounding_box()
    assert first < PHONE_HEIGHT and heading["y"] + heading["height"] <= PHONE_HEIGHT, first
    # The filters wait behind a button that says whether it is open.
    toggle = page.locator("summary.filters-toggle")
    closed = accessibility_node(page, "summary.filters-toggle")
    assert closed == {"role": "DisclosureTriangle", "name": "Filtres", "expanded": False}
    facet = page.get_by_role("link", name="CINOR", exact=False)
    assert not facet.is_visible()
    toggle.click()
    assert facet.is_visible() and accessibility_node(page, "summary.filters-toggle")["expanded"] is True
    assert serious_accessibility_violations(page) == []
    # A filter chosen on the phone refreshes the results in place; the panel stays as the person left it.
    facet.click()
    page.wait_for_url("**epci=cinor*")
    assert page.locator("summary.filters-toggle .badge").inner_text().startswith("1")
    assert page.locator("details.filters").evaluate("el => el.open")
    page.locator("summary.filters-toggle").click()
    assert page.evaluate(FIRST_RESULT + ".top") < PHONE_HEIGHT
    context.close()


def test_the_directory_filters_are_open_on_a_desktop(chromium, live_server, pages):
    context, page = open_page(chromium, 1280, 900)
    page.goto(live_server.url + pages["annuaire"])
    assert page.get_by_label("Trier par").is_visible() and page.get_by_role("link", name="CINOR").is_visible()
    page.get_by_label("Rechercher une structure, une activité, un mot-clé").fill("ressourcerie")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**q=ressourcerie*")
    # Sorting sits in the filters panel, outside the search form, yet still belongs to it:
    # it is sent with the search, and changing it searches again with the words typed.
    assert "tri=nom" in page.url
    page.get_by_label("Trier par").select_option("pertinence")
    page.wait_for_url("**tri=pertinence*")
    assert "q=ressourcerie" in page.url
    assert page.locator("details.filters").evaluate("el => el.open")
    context.close()


def test_the_directory_filters_work_without_javascript(chromium, live_server, pages):
    context, page = open_page(chromium, 360, java_script_enabled=False)
    page.goto(live_server.url + pages["annuaire"])
    facet = page.get_by_role("link", name="CINOR", exact=False)
    assert not facet.is_visible()
    page.locator("summary.filters-toggle").click()
    facet.click()
    page.wait_for_url("**epci=cinor*")
    assert page.locator("ol.results > li.result").count() > 0
    context.close()


# The contrast ratio of WCAG 2 between a control's border and what it sits on: its own
# background, and the page around it (the nearest ancestor with an opaque background).
BORDER_CONTRAST = """(selector) => {
  const parse = (text) => { const [r, g, b, a = 1] = text.match(/[\\d.]+/g).map(Number); return { r, g, b, a }; };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a), a: 1 });
  const surface = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour.a > 0) return colour.a === 1 ? colour : over(colour, surface(node.parentElement));
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const luminance = ({ r, g, b }) => {
    const [R, G, B] = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const ratio = (x, y) => {
    const [a, b] = [luminance(x), luminance(y)].sort((m, n) => n - m);
    return (a + 0.05) / (b + 0.05);
  };
  return [...document.querySelectorAll(selector)].filter((el) => el.checkVisibility()).map((el) => {
    const style = getComputedStyle(el);
    const own = surface(el), around = surface(el.parentElement);
    const border = over(parse(style.borderTopColor), own);
    return { field: el.id || el.name, width: parseFloat(style.borderTopWidth),
             ratio: Math.min(ratio(border, own), ratio(border, around)) };
  });
}"""
FIELDS = "input:not([type=hidden]):not([type=submit]), select, textarea"


@pytest.mark.parametrize("name", ["étape 1", "guide", "annuaire", "nouveau lien", "connexion"])
def test_field_borders_contrast_at_least_3_to_1(chromium, live_server, pages, name):
    context, page = open_page(chromium, 1280, 900)
    page.goto(live_server.url + pages[name])
    fields = page.evaluate(BORDER_CONTRAST, FIELDS)
    assert len(fields) >= 2, "the page has no form fields to check"
    weak = [field for field in fields if field["width"] < 1 or field["ratio"] < 3]
    assert weak == [], weak
    context.close()


def test_a_signed_in_persons_buttons_move_into_the_phone_menu(chromium, live_server, pages):
    from tests.comptes.factories import PASSWORD, StaffFactory
    from tests.helpers.auth import browser_login

    StaffFactory(email="nadia@exemple.re", role="Accueil")
    context, page = open_page(chromium, 1280, 900)
    browser_login(page, live_server.url, "nadia@exemple.re", PASSWORD)
    page.goto(live_server.url + "/")
    assert page.get_by_role("button", name="Se déconnecter").is_visible()
    page.set_viewport_size({"width": 320, "height": PHONE_HEIGHT})
    for path in ("/", pages["annuaire"], pages["article"]):
        page.goto(live_server.url + path)
        assert page.evaluate(OVERFLOW) == [], path
        logout = page.get_by_role("button", name="Se déconnecter")
        assert not logout.is_visible() and page.get_by_role("link", name="Suivre ma demande").is_visible()
        page.get_by_role("button", name="Menu").click()
        logout.wait_for(state="visible")
        assert logout.bounding_box()["height"] >= 44
    context.close()
