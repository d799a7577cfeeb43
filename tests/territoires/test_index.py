"""The territories page: each intercommunality and commune, with links into the directory
and the agenda filtered by it; nothing announced that does not work (issue 18, point 7)."""

import re

import pytest
from django.urls import NoReverseMatch, reverse

from lib import territory_links
from lib.territory_links import TerritoryLink, register_territory_link
from referentiels.models import Territory, TerritoryKind
from tests.annuaire.factories import OrganisationFactory, commune
from tests.communication.factories import EventFactory

pytestmark = pytest.mark.django_db

PAGE = "/territoires/"


def test_the_page_announces_nothing_still_to_come(client):
    page = client.get(PAGE).content.decode()
    assert "bientôt" not in page.lower() and "Plans d'action" not in page


def test_each_territory_links_to_the_directory_and_the_agenda_filtered_by_it(client):
    page = client.get(PAGE).content.decode()
    for territory in Territory.objects.filter(kind__in=[TerritoryKind.EPCI, TerritoryKind.COMMUNE]):
        directory = "epci=" + territory.slug if territory.kind == TerritoryKind.EPCI else "commune=" + territory.code
        assert f'href="/annuaire/?{directory}"' in page, territory
        assert f'href="/agenda/?territoire={territory.slug}"' in page, territory


def test_the_links_open_the_directory_and_the_agenda_of_that_territory_only(client):
    saint_denis, saint_pierre = commune("97411"), commune("97416")
    OrganisationFactory(name="Kaz Nord", commune=saint_denis)
    OrganisationFactory(name="Kaz Sud", commune=saint_pierre)
    EventFactory(title="Forum du Nord", commune=saint_denis)
    EventFactory(title="Forum du Sud", commune=saint_pierre)
    page = client.get(PAGE).content.decode()
    named_links = re.findall(r'href="([^"]+)"[^>]*>[^<]*<span class="visually-hidden"> — ([^<]+)</span>', page)
    cinor = Territory.objects.get(pk=saint_denis.parent_id)
    for territory, shown, hidden in [
        (cinor, ("Kaz Nord", "Forum du Nord"), ("Kaz Sud", "Forum du Sud")),
        (saint_pierre, ("Kaz Sud", "Forum du Sud"), ("Kaz Nord", "Forum du Nord")),
    ]:
        links = [link for link, label in named_links if label == (territory.short_name or territory.name)]
        assert len(links) == 3, territory
        # The catalogue's link is checked in tests/formation/test_catalogue.py.
        links = [link for link in links if not link.startswith("/formations/")]
        for link in links:
            opened = client.get(link)
            assert opened.status_code == 200, link
            text = opened.content.decode()
            kind = 0 if link.startswith("/annuaire/") else 1
            assert shown[kind] in text and hidden[kind] not in text, link


def test_the_registry_lists_each_provider_and_skips_an_area_not_routed():
    saved = dict(territory_links._PROVIDERS)
    try:
        register_territory_link(
            "essai", lambda territory: TerritoryLink(label="Essai", url=f"/essai/{territory.slug}/")
        )
        register_territory_link("rien", lambda territory: None)

        def not_routed(territory):
            raise NoReverseMatch("formation:index")

        register_territory_link("a-venir", not_routed)
        saint_denis = commune("97411")
        links = territory_links.territory_links(saint_denis)
        assert [link.label for link in links] == ["Acteurs de l'ESS", "Agenda", "Se former", "Essai"]
        assert links[-1].url == f"/essai/{saint_denis.slug}/"
    finally:
        territory_links._PROVIDERS.clear()
        territory_links._PROVIDERS.update(saved)


def test_the_page_stays_a_constant_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # région, EPCI, communes: the links query nothing
        assert client.get(reverse("territoires:index")).status_code == 200
