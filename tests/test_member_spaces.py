"""« Mon espace » (cress) iterates lib.member_spaces: the registry's contract with a fake
provider, each app's part on its own, and the page's cost, the same whatever the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accueil.member_space import links as intake_links
from annuaire.member_space import links as directory_links
from appartenance.member_space import links as ess_links
from emplois.member_space import links as jobs_links
from lib import member_spaces
from lib.member_spaces import MemberLink, MemberSpace
from partenariats.member_space import links as partnership_links
from tests.annuaire.factories import OrganisationFactory, PartnerMembershipFactory
from tests.comptes.factories import UserFactory
from tests.helpers.auth import login_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_space():
    calls = []

    def links(user, organisation_ids):
        calls.append((user, list(organisation_ids)))
        return [MemberLink("Espace d'essai", "/essai/", "Un espace fourni par un faux fournisseur.", count=3)]

    member_spaces.register(MemberSpace(name="essai", order=1, links=links))
    yield calls
    member_spaces.unregister("essai")


def member_of(*organisations):
    user = UserFactory()
    for organisation in organisations:
        PartnerMembershipFactory(user=user, organisation=organisation)
    return user


def test_the_page_shows_what_a_registered_space_gives_in_its_order(client, fake_space):
    organisation = OrganisationFactory()
    user = member_of(organisation)
    login_as(client, user)
    page = client.get(reverse("mon-espace")).content.decode()
    assert fake_space == [(user, [organisation.pk])]
    assert "Espace d&#x27;essai" in page and 'href="/essai/"' in page
    assert page.index("Espace d&#x27;essai") < page.index("Fiche de l&#x27;annuaire")
    names = [space.name for space in member_spaces.spaces()]
    assert names[0] == "essai" and {"annuaire", "accueil", "emplois", "appartenance", "partenariats"} <= set(names)


def test_a_person_who_acts_for_no_organisation_is_told_how_to(client):
    login_as(client, UserFactory())
    page = client.get(reverse("mon-espace")).content.decode()
    assert "ne représente encore aucune structure" in page and reverse("annuaire:index") in page
    for provider in (directory_links, intake_links, jobs_links, ess_links, partnership_links):
        assert provider(UserFactory(), []) == []


def test_a_juror_finds_the_jury_pages_even_without_an_organisation():
    from appartenance.models_prix import JuryMember
    from tests.appartenance.prix_factories import make_campaign

    campaign = make_campaign(year=2026)
    juror = UserFactory()
    JuryMember.objects.create(campaign=campaign, user=juror)
    (link,) = ess_links(juror, [])
    assert link.url == reverse("appartenance:prix-jury", args=[campaign.year])


def test_each_part_links_to_its_own_pages():
    organisation = OrganisationFactory(name="Kaz Solidaire")
    user = member_of(organisation)
    (entry,) = directory_links(user, [organisation.pk])
    assert entry.title == "Fiche de l'annuaire : Kaz Solidaire"
    assert entry.url == reverse("annuaire:modifier", args=[organisation.slug])
    (orientations,) = intake_links(user, [organisation.pk])
    assert (orientations.url, orientations.count) == (reverse("accueil:partenaire-liste"), 0)
    assert [link.url for link in jobs_links(user, [organisation.pk])] == [reverse("emplois:employer")]
    assert [link.url for link in ess_links(user, [organisation.pk])] == [
        reverse("appartenance:guide"),
        reverse("appartenance:badges-membre"),
        reverse("appartenance:prix"),
    ]
    assert partnership_links(user, [organisation.pk]) == []  # no convention: nothing to show


def queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("mon-espace")).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_whatever_the_number_of_organisations(client):
    user = member_of(OrganisationFactory())
    login_as(client, user)
    few = queries(client)
    for _ in range(6):
        PartnerMembershipFactory(user=user, organisation=OrganisationFactory())
    assert queries(client) == few
