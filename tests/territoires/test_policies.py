"""The public policies by level: what applies to a territory, search, bad input, a policy's
page (a PTCE's members by kind), and the queries."""

import re
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referentiels.models import Territory, TerritoryKind
from territoires import selectors
from territoires.models import Policy, PtceMember
from tests.annuaire.factories import OrganisationFactory
from tests.territoires.factories import epci, make_plan, make_policy

pytestmark = pytest.mark.django_db

URL = reverse("territoires:politiques")
L = Policy.Level


def territory(kind, code):
    return Territory.objects.get(kind=kind, code=code)


@pytest.fixture
def island():
    """A policy at each level of the tree around Saint-Denis (CINOR), and elsewhere."""
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    saint_denis = territory(TerritoryKind.COMMUNE, "97411")
    return {
        "region": make_policy(region, title="Stratégie régionale ESS", level=L.REGION),
        "europe": make_policy(region, title="Fonds social européen", level=L.EUROPE, kind=Policy.Kind.FUNDING),
        "cinor": make_policy(epci("249740119"), title="Fonds ESS de la CINOR", level=L.EPCI),
        "civis": make_policy(epci("249740077"), title="Fonds ESS de la CIVIS", level=L.EPCI),
        "saint_denis": make_policy(saint_denis, title="Budget solidaire de Saint-Denis", level=L.COMMUNE),
        "saint_pierre": make_policy(
            territory(TerritoryKind.COMMUNE, "97416"), title="Budget solidaire de Saint-Pierre", level=L.COMMUNE
        ),
        "arrondissement": make_policy(
            territory(TerritoryKind.ARRONDISSEMENT, "9741"), title="Dispositif de l'arrondissement", level=L.STATE
        ),
        "hidden": make_policy(region, title="Politique non publiée", is_published=False),
    }


def titles(html: str) -> set[str]:
    return {unescape(title) for title in re.findall(r'<a class="stretched-link" href="[^"]+">([^<]+)</a>', html)}


def page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


# --- What applies to a territory ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # A commune: its own, its EPCI's, its arrondissement's and the region's; not another EPCI's.
        ("97411", {"region", "europe", "cinor", "saint_denis", "arrondissement"}),
        ("saint-denis", {"region", "europe", "cinor", "saint_denis", "arrondissement"}),  # the commune's slug
        # An EPCI: its own and the region's; not its communes' nor another EPCI's.
        ("249740119", {"region", "europe", "cinor"}),
        ("cinor", {"region", "europe", "cinor"}),
        # An arrondissement: its own and the region's.
        ("9741", {"region", "europe", "arrondissement"}),
        # The region: only what covers the whole island.
        ("04", {"region", "europe"}),
        ("la-reunion", {"region", "europe"}),
        # Another commune of another EPCI.
        ("97416", {"region", "europe", "civis", "saint_pierre"}),
    ],
)
def test_a_territory_gets_the_policies_covering_it_or_a_territory_it_lies_in(client, island, value, expected):
    html = page(client, territoire=value)
    assert titles(html) == {island[key].title for key in expected}
    found = Territory.objects.get(pk=selectors.find_territory(value).pk)
    assert {policy.title for policy in selectors.policies_for(found)} == {island[key].title for key in expected}


def test_without_a_filter_every_published_policy_shows_grouped_by_level_in_order(client, island):
    html = page(client)
    assert titles(html) == {policy.title for key, policy in island.items() if key != "hidden"}
    headings = re.findall(r'<h2 id="echelon-(\w+)"', html)
    assert headings == ["europe", "etat", "region", "epci", "commune"]  # no département policy: no heading
    assert "Politique non publiée" not in html


def test_the_selected_territory_is_said_and_kept_in_the_form(client, island):
    html = page(client, territoire="97411")
    assert (
        "5 politiques ou plans s&#x27;appliquent à Saint-Denis" in html
        or "5 politiques ou plans s'appliquent à Saint-Denis" in html
    )
    assert '<option value="97411" selected>Saint-Denis</option>' in html
    assert "Effacer les filtres" in html


def test_policies_for_takes_a_bounded_number_of_queries(island):
    commune = Territory.objects.get(kind=TerritoryKind.COMMUNE, code="97411")  # parent not loaded
    with CaptureQueriesContext(connection) as queries:
        found = selectors.policies_for(commune)
    assert len(queries) <= 2
    assert [policy.level for policy in found] == sorted((policy.level for policy in found), key=list(L.values).index)


def test_published_plans_appear_among_the_policies_at_their_level(client, island):
    cinor_plan = make_plan(epci("249740119"), title="Plan ESS de la CINOR")
    civis_plan = make_plan(epci("249740077"), title="Plan ESS de la CIVIS")
    make_plan(epci("249740119"), title="Plan caché", is_published=False)
    html = page(client, territoire="97411")
    assert "Plan ESS de la CINOR" in titles(html) and "Plan ESS de la CIVIS" not in titles(html)
    section = html.split('id="echelon-epci"')[1].split("</section>")[0]
    assert f'href="{reverse("territoires:plan", args=[cinor_plan.slug])}"' in section
    assert "Plan caché" not in html
    assert civis_plan.title in titles(page(client))


# --- Search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("economie circulaire", True),
        ("ÉCONOMIE", True),
        ("réemploi économie", True),  # every word, in any order
        ("reemploi", True),
        ("Coopération", True),  # in the summary
        ("circulaire agriculture", False),
        ("xylophone", False),
    ],
)
def test_search_ignores_accents_and_case_and_needs_every_word(client, q, found):
    make_policy(title="Économie circulaire et réemploi", summary="Une coopération de territoire.")
    make_policy(title="Agriculture durable")
    html = page(client, q=q)
    assert ("Économie circulaire et réemploi" in titles(html)) is found
    if not found and "agriculture" not in q:
        assert "Aucune politique" in html


def test_search_and_territory_combine(client, island):
    html = page(client, territoire="97411", q="fonds")
    assert titles(html) == {"Fonds ESS de la CINOR", "Fonds social européen"}


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"territoire": "atlantide"}, "Le territoire « atlantide » n'est pas connu"),
        ({"territoire": "97411\x00"}, None),  # a NUL byte is dropped: the commune is found
        ({"territoire": "x" * 5000}, "n'est pas connu"),
        ({"territoire": "' OR 1=1 --"}, "n'est pas connu"),
        ({"q": "économie\x00"}, None),
        ({"q": "mot " * 200}, "La recherche est limitée à 200 caractères"),
        ({"q": "<script>alert(1)</script>"}, None),
        ({"q": '"unbalanced ( quote -'}, None),
    ],
)
def test_bad_input_gives_the_page_with_a_french_notice_never_a_500(client, island, params, notice):
    response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    if notice:
        assert notice.replace("'", "&#x27;") in html or notice in html
    assert "<script>alert(1)</script>" not in html
    assert "Les politiques de l" in html


def test_a_repeated_parameter_takes_the_last_value(client, island):
    response = client.get(f"{URL}?territoire=atlantide&territoire=97411")
    assert response.status_code == 200
    assert "Budget solidaire de Saint-Denis" in titles(response.content.decode())


# --- A policy's page --------------------------------------------------------------------------


def test_a_ptce_lists_its_members_by_kind_linked_to_the_directory(client):
    ess = OrganisationFactory(name="Ressourcerie du Sud")
    hidden = OrganisationFactory(name="Coopérative non publiée", is_published=False)
    ptce = make_policy(
        epci("249740077"),
        title="PTCE Sud Réemploi",
        kind=Policy.Kind.PTCE,
        level=L.EPCI,
        description='<p>Un pôle <a href="javascript:alert(1)">local</a>.</p><script>x()</script>',
        members=[
            (PtceMember.Kind.RESEARCH, "Université de La Réunion"),
            (PtceMember.Kind.COMPANY, "Transports du Sud"),
            (PtceMember.Kind.AUTHORITY, "CIVIS"),
        ],
    )
    PtceMember.objects.create(policy=ptce, kind=PtceMember.Kind.ESS, organisation=ess)
    PtceMember.objects.create(policy=ptce, kind=PtceMember.Kind.ESS, organisation=hidden)
    html = client.get(reverse("territoires:politique", args=[ptce.slug])).content.decode()
    headings = [unescape(h) for h in re.findall(r'<h3 id="membres-\d+" class="h6 member-kind">([^<]+?) <span', html)]
    assert headings == ["Structure de l'ESS", "Entreprise hors ESS", "Collectivité", "Recherche et formation"]
    assert f'<a href="{reverse("annuaire:structure", args=[ess.slug])}">Ressourcerie du Sud</a>' in html
    assert "Coopérative non publiée" in html and reverse("annuaire:structure", args=[hidden.slug]) not in html
    assert "Université de La Réunion" in html and "Transports du Sud" in html
    assert "Le pôle réunit 5 membres" in html
    assert "javascript:" not in html and "x()" not in html
    assert f"{URL}?territoire=249740077" in html  # each covered territory leads to what applies there


def test_a_policy_that_is_not_a_ptce_has_no_member_section(client):
    policy = make_policy(title="Stratégie régionale ESS")
    html = client.get(reverse("territoires:politique", args=[policy.slug])).content.decode()
    assert "Stratégie régionale ESS" in html and "membres du pôle" not in html


def test_an_unpublished_or_unknown_policy_answers_404(client):
    policy = make_policy(is_published=False)
    assert client.get(reverse("territoires:politique", args=[policy.slug])).status_code == 404
    assert client.get(reverse("territoires:politique", args=["inconnue"])).status_code == 404


# --- Queries --------------------------------------------------------------------------------


def _cold(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_policies_page_makes_as_many_queries_whatever_the_number_of_policies(client, island):
    urls = [URL, f"{URL}?territoire=97411", f"{URL}?territoire=97411&q=fonds"]
    few = [_cold(client, url) for url in urls]
    assert all(count > 0 for count in few)
    for n in range(15):
        make_policy(epci("249740119"), title=f"Fonds n°{n}", level=L.EPCI, carrier=OrganisationFactory())
        make_plan(epci("249740119"))
    assert [_cold(client, url) for url in urls] == few


def test_the_policy_page_makes_as_many_queries_whatever_the_number_of_members(client):
    small = make_policy(kind=Policy.Kind.PTCE, level=L.EPCI, members=[(PtceMember.Kind.ESS, "Un")])
    large = make_policy(kind=Policy.Kind.PTCE, level=L.EPCI, carrier=OrganisationFactory())
    large.territories.set(Territory.objects.filter(kind=TerritoryKind.EPCI))
    for n in range(12):
        PtceMember.objects.create(policy=large, kind=PtceMember.Kind.ESS, organisation=OrganisationFactory())
        PtceMember.objects.create(policy=large, kind=PtceMember.Kind.COMPANY, name=f"Entreprise {n}")
    counts = [_cold(client, reverse("territoires:politique", args=[p.slug])) for p in (small, large)]
    assert counts[0] == counts[1] == 3  # the policy with its carrier, its territories, its members


def test_a_territory_filter_is_served_from_the_cache_and_a_search_is_not_stored(client, island):
    url = f"{URL}?territoire=97411"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == 0
    client.get(URL, {"q": "fonds"})
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, {"q": "fonds"})
    assert len(queries) > 0
