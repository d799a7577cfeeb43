"""Action 2's block on the territory pages: the published plans of the territory and of
those above it, and the policies that apply there (a commune gets its intercommunality's
and the région's), with links to the plan and policy pages once they are routed."""

import html

import pytest
from django.template.loader import render_to_string
from django.test import TestCase
from django.urls import NoReverseMatch, reverse

from referentiels.models import Territory, TerritoryKind
from territoires.cache import current_version
from territoires.models import Policy
from territoires.territory_block import BLOCK, plans_for, policies_for, territory_plans
from tests.annuaire.factories import commune
from tests.territoires.factories import make_plan, make_policy, sample_plan

pytestmark = pytest.mark.django_db


def region() -> Territory:
    return Territory.objects.get(kind=TerritoryKind.REGION)


def test_a_commune_gets_its_own_its_intercommunality_s_and_the_region_s_plans():
    saint_denis = commune("97411")
    own = make_plan(saint_denis, title="Plan ESS de Saint-Denis")
    epci = make_plan(saint_denis.parent, title="Plan ESS de la CINOR")
    regional = make_plan(region(), title="Stratégie régionale de l'ESS")
    make_plan(commune("97416").parent, title="Plan ESS de la CIVIS")
    make_plan(saint_denis, title="Plan en brouillon", is_published=False)
    assert plans_for(saint_denis) == [own, epci, regional]
    assert plans_for(saint_denis.parent) == [epci, regional]
    assert plans_for(saint_denis.arrondissement) == [regional]
    assert plans_for(region()) == [regional]


def test_policies_that_apply_by_level_then_title():
    saint_denis = commune("97411")
    regional = make_policy(region(), title="Stratégie régionale", level=Policy.Level.REGION)
    ptce = make_policy(saint_denis.parent, title="PTCE du Nord", level=Policy.Level.EPCI, kind=Policy.Kind.PTCE)
    european = make_policy(region(), title="FSE+", level=Policy.Level.EUROPE, kind=Policy.Kind.FUNDING)
    make_policy(commune("97416"), title="Plan local de Saint-Pierre", level=Policy.Level.COMMUNE)
    make_policy(region(), title="Ancien dispositif", is_published=False)
    assert policies_for(saint_denis) == [european, regional, ptce]
    assert policies_for(saint_denis.arrondissement) == [european, regional]
    assert policies_for(region()) == [european, regional]


def test_the_block_shows_the_plans_progress_and_the_policies_without_dead_links():
    saint_denis = commune("97411")
    sample_plan(saint_denis.parent)
    make_policy(region(), title="Stratégie régionale", url="https://regionreunion.com/ess")
    context = territory_plans(saint_denis)
    block = html.unescape(render_to_string(BLOCK.template, context))
    assert "2 actions, dont 0 terminée" in block and "Communauté intercommunale du Nord" in block
    policy_url = reverse("territoires:politique", args=[context["policies"][0].slug])
    assert f'<a href="{policy_url}">Stratégie régionale</a>' in block
    try:
        plan_url = reverse("territoires:plan", args=[context["plans"][0].slug])
    except NoReverseMatch:
        plan_url = ""
    assert context["plans"][0].url == plan_url
    if not plan_url:
        assert "/plans/" not in block and "Toutes les politiques publiques" not in block


def test_nothing_recorded_is_said_honestly():
    assert territory_plans(commune("97411"))["empty"].startswith("Aucun plan territorial de l'ESS")


def test_a_committed_change_to_the_plans_changes_the_version():
    assert BLOCK.version is current_version
    before = BLOCK.version()
    with TestCase.captureOnCommitCallbacks(execute=True):
        make_plan(commune("97411"))
    assert BLOCK.version() != before


def test_each_policy_links_to_its_page_on_the_portal_even_without_an_external_site():
    saint_denis = commune("97411")
    ptce = make_policy(saint_denis.parent, title="PTCE du Nord", kind=Policy.Kind.PTCE, url="")
    make_policy(region(), title="Stratégie régionale", url="https://regionreunion.com/ess")
    block = html.unescape(render_to_string(BLOCK.template, territory_plans(saint_denis)))
    assert f'<a href="{reverse("territoires:politique", args=[ptce.slug])}">PTCE du Nord</a>' in block
    assert "https://regionreunion.com/ess" not in block, "the policy's page links its site"
