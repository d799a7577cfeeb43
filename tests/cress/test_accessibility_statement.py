"""The accessibility statement rests on the RGAA 4.1 self-assessment kept as data: the 106
criteria of the reference, every page of the sample with a result for each, the rates
computed by the RGAA method and published as computed, with the non-conformities, the
derogations, the contents not subject and the contact route."""

import copy
import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import resolve, reverse
from django.utils.formats import number_format
from django.utils.html import escape

from cress import accessibility
from cress.accessibility import (
    AuditDataError,
    Criterion,
    Result,
    State,
    build_statement,
    compliance_state,
    load_criteria,
    parse_audit,
    percentage,
)
from tests.accueil.factories import make_request
from tests.accueil.test_intake import fill_until_send
from tests.annuaire.factories import OrganisationFactory
from tests.communication.factories import NewsFactory
from tests.helpers import browser
from tests.helpers.html import texts_by_id

# RGAA 4.1: criteria per theme, in order (Images … Consultation).
CRITERIA_PER_THEME = [9, 2, 3, 13, 8, 2, 5, 10, 4, 14, 13, 11, 12]


def readable(html: str) -> str:
    """The page's text as read: entities decoded, every kind of space one space."""
    return " ".join(unescape(html).split())


def audit_data() -> dict:
    return json.loads(accessibility.AUDIT_FILE.read_text(encoding="utf-8"))


# --- The reference and the audit as data ----------------------------------------------------


def test_the_reference_holds_the_106_criteria_of_rgaa_4_1_in_13_themes():
    criteria = load_criteria()
    assert len(criteria) == 106
    for theme, count in enumerate(CRITERIA_PER_THEME, start=1):
        numbers = [criterion.number for criterion in criteria if criterion.theme_number == theme]
        assert numbers == [f"{theme}.{index}" for index in range(1, count + 1)]
    for criterion in criteria:
        assert criterion.title.endswith("?"), criterion.number
        assert "](" not in criterion.title and "`" not in criterion.title, criterion.number  # plain text
        assert criterion.wcag and all(re.match(r"\d\.\d+\.\d+ .+ \(AA?\)$", ref) for ref in criterion.wcag)
    source = json.loads(accessibility.CRITERIA_FILE.read_text(encoding="utf-8"))["source"]
    assert source["commit"] == "a30ff55e982bab49ab10be673f26603aefe57049"
    assert "Licence Ouverte" in source["licence"] and source["path"] == "v4.1/JSON/criteres.json"


def test_every_page_of_the_sample_has_a_result_for_every_criterion():
    statement = accessibility.load_statement()
    numbers = {criterion.number for criterion in statement.criteria}
    ids = [page.id for page in statement.audit.pages]
    assert len(ids) == len(set(ids))
    for page in statement.audit.pages:
        results = statement.audit.results[page.id]
        assert set(results) == numbers, page.id
        for number, result in results.items():
            assert result.result in Result
            if result.result == Result.NON_CONFORME:
                assert result.note, (page.id, number)


def _broken(change):
    data = copy.deepcopy(audit_data())
    change(data)
    return data


def _drop_criterion(data):
    del data["pages"][0]["results"]["3.2"]


def _unknown_criterion(data):
    data["pages"][0]["results"]["14.1"] = "C"


def _odd_result(data):
    data["pages"][0]["results"]["3.2"] = "OK"


def _nc_without_note(data):
    data["pages"][0]["results"]["3.2"] = "NC"


def _same_page_twice(data):
    data["pages"].append(copy.deepcopy(data["pages"][0]))


def _derogation_without_reason(data):
    data["derogations"] = [{"title": "Vidéos anciennes", "reason": ""}]


@pytest.mark.parametrize(
    "change, message",
    [
        (_drop_criterion, "critères manquants ['3.2']"),
        (_unknown_criterion, "critères inconnus ['14.1']"),
        (_odd_result, "« OK » n'est pas C, NC ou NA"),
        (_nc_without_note, "un critère non conforme dit ce qui échoue"),
        (_same_page_twice, "Deux pages de l'échantillon"),
        (_derogation_without_reason, "a un titre et une raison"),
    ],
)
def test_incomplete_or_inconsistent_audit_data_is_refused_loudly(change, message):
    with pytest.raises(AuditDataError, match=re.escape(message)):
        parse_audit(_broken(change), load_criteria())


def test_a_reference_without_its_106_criteria_is_refused(tmp_path):
    data = json.loads(accessibility.CRITERIA_FILE.read_text(encoding="utf-8"))
    data["themes"][0]["criteria"].pop()
    criteria_file = tmp_path / "criteres.json"
    criteria_file.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(AuditDataError, match="105 critères, il en faut 106"):
        accessibility.load_statement(criteria_file=criteria_file)


# --- The RGAA method --------------------------------------------------------------------------

SMALL_CRITERIA = tuple(
    Criterion(f"1.{index}", f"Critère {index} ?", 1, "Images", ("1.1.1 Non-text Content (A)",)) for index in range(1, 5)
)


def small_audit(first: dict, second: dict) -> dict:
    page = {"url_name": "home", "audited_path": "/"}
    return {
        "date": "2026-12-02",
        "auditor": "auto-évaluation interne",
        "method": "",
        "technologies": [],
        "environment": [],
        "tools": [],
        "pages": [
            {**page, "id": "un", "name": "Un", "results": first},
            {**page, "id": "deux", "name": "Deux", "results": second},
        ],
        "derogations": [],
        "exempt": [],
    }


def test_rates_by_the_rgaa_method_on_a_small_sample():
    # 1.1 C everywhere → C; 1.2 NA everywhere → NA; 1.3 NC on one page → NC; 1.4 NA then C → C.
    failing = {"result": "NC", "note": "Le texte gris contraste 2,9:1."}
    first = {"1.1": "C", "1.2": "NA", "1.3": "C", "1.4": "NA"}
    second = {"1.1": "C", "1.2": {"result": "NA", "note": "aucune image"}, "1.3": failing, "1.4": "C"}
    statement = build_statement(parse_audit(small_audit(first, second), SMALL_CRITERIA), SMALL_CRITERIA)
    assert statement.outcome == {"1.1": "C", "1.2": "NA", "1.3": "NC", "1.4": "C"}
    assert (statement.conformes, statement.non_conformes, statement.non_applicables) == (2, 1, 1)
    assert statement.rate == Decimal("66.7")  # 2 / (2 + 1)
    assert statement.average_rate == Decimal("83.3")  # (2/2 + 2/3) / 2
    assert statement.state == State.PARTIAL
    [failure] = statement.failures
    assert failure.criterion.number == "1.3"
    assert [(page.id, note) for page, note in failure.notes] == [("deux", "Le texte gris contraste 2,9:1.")]


def test_a_page_where_nothing_applies_has_no_rate_of_its_own():
    first = {"1.1": "NA", "1.2": "NA", "1.3": "NA", "1.4": "NA"}
    second = {
        "1.1": "C",
        "1.2": "C",
        "1.3": {"result": "NC", "note": "Aucun titre."},
        "1.4": {"result": "NC", "note": "Lien vide."},
    }
    statement = build_statement(parse_audit(small_audit(first, second), SMALL_CRITERIA), SMALL_CRITERIA)
    assert statement.rate == Decimal("50.0") and statement.average_rate == Decimal("50.0")
    assert statement.state == State.PARTIAL


@pytest.mark.parametrize(
    "conformes, non_conformes, rate, state",
    [
        (10, 0, "100.0", State.TOTAL),
        (999, 1, "99.9", State.PARTIAL),
        (1, 1, "50.0", State.PARTIAL),
        (1, 7, "12.5", State.NONE),
        (0, 3, "0.0", State.NONE),
        (1, 2, "33.3", State.NONE),
        (2, 1, "66.7", State.PARTIAL),
    ],
)
def test_rate_rounding_and_state(conformes, non_conformes, rate, state):
    assert percentage(conformes, non_conformes) == Decimal(rate)
    assert compliance_state(percentage(conformes, non_conformes)) == state


# --- The published statement ------------------------------------------------------------------


def _published(client, statement):
    html = client.get(reverse("accessibilite")).content.decode()
    texts = texts_by_id(html)
    assert texts["taux-conformite"] == f"{number_format(statement.rate, 1)} %"
    assert texts["taux-moyen"] == f"{number_format(statement.average_rate, 1)} %"
    assert f"est {statement.state} avec le référentiel" in texts["etat-conformite"]
    assert texts["nombre-conformes"] == str(statement.conformes)
    assert texts["nombre-non-conformes"] == str(statement.non_conformes)
    assert texts["nombre-non-applicables"] == str(statement.non_applicables)
    listed = {key for key in texts if key.startswith("critere-")}
    assert listed == {failure.criterion.anchor for failure in statement.failures}
    for failure in statement.failures:
        for page, note in failure.notes:
            assert f"{page.name} : {note}" in texts[failure.criterion.anchor]
    for item in (*statement.audit.derogations, *statement.audit.exempt):
        assert escape(item.title) in html and escape(item.reason) in html
    assert f"Accessibilité : {statement.state}" in html  # the footer
    return html, texts


@pytest.mark.django_db
def test_the_statement_publishes_the_rate_and_state_computed_from_the_audit(client):
    statement = accessibility.statement()
    html, _texts = _published(client, statement)
    assert f"Accessibilité : {statement.state}" in client.get("/").content.decode()
    for item in statement.audit.pages:
        if not item.dynamic:
            assert f'href="{reverse(item.url_name, kwargs=item.url_kwargs)}"' in html, item.id
    assert "Libre réponse 71120, 75342 Paris CEDEX 07" in html and "09 69 39 00 00" in readable(html)
    assert "mailto:contact@ess-reunion.re" in html


@pytest.mark.django_db
def test_non_conformities_and_derogations_are_listed_as_the_data_says(client, tmp_path, monkeypatch, settings):
    """The audit in the repository may have none: the same page with an audit that has some."""
    data = audit_data()
    article = next(page for page in data["pages"] if page["id"] == "article")
    article["results"]["3.2"] = {"result": "NC", "note": "Les dates grises contrastent 4,2:1."}
    home = next(page for page in data["pages"] if page["id"] == "accueil")
    home["results"]["3.2"] = {"result": "NC", "note": "Le chapô du bandeau contraste 4,1:1."}
    home["results"]["9.4"] = {"result": "NC", "note": "Une citation en bloc sans blockquote."}
    data["derogations"] = [{"title": "Vidéos du Mois de l'ESS 2019", "reason": "un sous-titrage hors de portée."}]
    audit_file = tmp_path / "audit.json"
    audit_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(accessibility, "AUDIT_FILE", audit_file)
    settings.CONTACT_POSTAL_ADDRESS = "CRESS La Réunion, 97400 Saint-Denis"

    statement = accessibility.statement()
    already = {failure.criterion.number for failure in accessibility.load_statement().failures}
    expected = sorted(already | {"3.2", "9.4"}, key=lambda number: tuple(map(int, number.split("."))))
    assert [failure.criterion.number for failure in statement.failures] == expected
    assert statement.rate < 100 and statement.state == State.PARTIAL
    html, _texts = _published(client, statement)
    assert escape("Vidéos du Mois de l'ESS 2019") in html
    assert "par courrier : CRESS La Réunion, 97400 Saint-Denis." in readable(html)
    grid = client.get(reverse("accessibilite-grille")).content.decode()
    assert "Les dates grises contrastent 4,2:1." in grid and ">Non conforme<" in grid


# --- The sample covers the pages the issue names, and they answer -----------------------------

NAMED_BY_THE_ISSUE = {
    ("home", ()), ("annuaire:index", ()), ("annuaire:structure", ()), ("accueil:suivi", ()),
    ("accueil:etape", ("name", "personne")), ("accueil:etape", ("name", "projet")),
    ("accueil:etape", ("name", "besoin")), ("accueil:etape", ("name", "participant")),
    ("accueil:etape", ("name", "envoi")), ("actualites:index", ()), ("actualites:article", ()),
    ("agenda:index", ()), ("comptes:connexion", ()), ("accessibilite", ()),
}  # fmt: skip


def _key(page):
    return (page.url_name, next(iter(page.url_kwargs.items())) if page.url_name == "accueil:etape" else ())


def test_the_sample_covers_the_pages_the_issue_names():
    statement = accessibility.statement()
    assert {_key(page) for page in statement.audit.pages} >= NAMED_BY_THE_ISSUE
    for page in statement.audit.pages:
        if page.url_name != "accueil:suivi":  # its audited address hides the private link
            assert resolve(page.audited_path).view_name == page.url_name, page.id


@pytest.mark.django_db
def test_every_page_of_the_sample_answers(client):
    organisation = OrganisationFactory()
    article = NewsFactory()
    _intake, token = make_request()
    fill_until_send(client)
    records = {
        "structure": reverse("annuaire:structure", args=[organisation.slug]),
        "article": article.get_absolute_url(),
        "suivi": reverse("accueil:suivi", args=[token]),
    }
    for page in accessibility.statement().audit.pages:
        url = records[page.id] if page.dynamic else reverse(page.url_name, kwargs=page.url_kwargs)
        assert resolve(url).view_name == page.url_name, page.id
        response = client.get(url)
        assert response.status_code == 200, page.id
        assert "{#" not in response.content.decode(), f"{page.id} : un commentaire de gabarit s'affiche"


@pytest.mark.django_db
def test_the_grid_has_one_row_per_criterion_in_captioned_tables(client):
    html = client.get(reverse("accessibilite-grille")).content.decode()
    assert html.count('<th scope="row">') == 106 + len(accessibility.statement().audit.pages)
    assert html.count("<caption id=") == 13 + 1
    assert all(f'id="{criterion.anchor}"' in html for criterion in accessibility.statement().criteria)


@pytest.mark.django_db
def test_the_site_map_leads_to_every_area_and_site_page(client):
    html = client.get(reverse("plan-du-site")).content.decode()
    for name in ["home", "annuaire:index", "actualites:index", "agenda:index", "accueil:index", "accessibilite"]:
        assert f'href="{reverse(name)}"' in html, name
    assert f'href="{reverse("plan-du-site")}"' in client.get("/").content.decode()  # the footer, on every page


@pytest.mark.django_db
def test_the_login_page_is_titled_with_the_portal_name_not_the_host(client):
    html = client.get(reverse("comptes:connexion")).content.decode()
    assert "<title>Connexion — Portail ESS Réunion</title>" in html


# --- In a browser -----------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 1280])
def test_the_statement_and_its_grid_are_axe_clean_and_fit_the_screen(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + reverse("accessibilite"))
    browser.look(page, "declaration-accessibilite")
    page.get_by_role("link", name="grille d'évaluation RGAA", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Grille d'évaluation RGAA"
    assert page.get_by_role("table", name="Thématique 3 : Couleurs").is_visible()
    browser.look(page, "grille-rgaa")
    page.goto(live_server.url + reverse("plan-du-site"))
    browser.look(page, "plan-du-site")


# The contrast ratio of WCAG 2 between the focus ring's colour and the background behind it.
FOCUS_CONTRAST = """(element) => {
  const rgb = (text) => text.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = (rgbs) => rgbs.map(channel).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  let around = element.parentElement;
  while (around && getComputedStyle(around).backgroundColor.endsWith(", 0)")) around = around.parentElement;
  const background = around ? getComputedStyle(around).backgroundColor : "rgb(255, 255, 255)";
  const [a, b] = [lum(rgb(getComputedStyle(element).outlineColor)), lum(rgb(background))].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_focus_ring_contrasts_3_to_1_on_light_and_dark_areas(page, live_server):
    """WCAG 1.4.11 (RGAA 3.3): the blue ring would vanish on the hero's teal and the footer."""
    page.goto(live_server.url + "/")
    for target in [
        page.get_by_role("link", name="Trouver un acteur de l'ESS"),  # the teal hero
        page.get_by_role("contentinfo").get_by_role("link", name="Plan du site"),  # the dark footer
        page.get_by_role("button", name="Rechercher"),  # white
    ]:
        target.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # a keyboard focus, so that :focus-visible applies
        handle = target.element_handle()
        assert page.evaluate("(el) => el === document.activeElement", handle)
        assert page.evaluate(FOCUS_CONTRAST, handle) >= 3, target
