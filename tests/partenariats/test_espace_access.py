"""Who reaches what in the partner space (issue 12, point 5): every page and download of the
space, for an anonymous visitor, a member of partner A, a member of partner B, a user with
no membership, each staff role (and a superuser) without a membership.

The table says, for each page and each object's owner, what each audience gets: the login
page for an anonymous visitor; 200 for a member of the owner; 404 for everyone else (never
403: nobody learns what exists outside their scope). Staff see nothing here: the admin is
their place. Partner A and B also share a convention, where each sees only the CRESS's
commitments and its own, never the other's.
"""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from comptes.roles import ROLE_NAMES
from partenariats.models import Amendment, ConventionMessage, Deliverable
from tests.comptes.factories import StaffFactory, UserFactory
from tests.helpers.auth import login_as
from tests.partenariats.factories import (
    make_commitment,
    make_committee,
    make_convention,
    make_deliverable,
    make_member,
    make_partner,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Audience:
    name: str
    member_of: str = ""  # "A" or "B": a member of that partner
    role: str | None = None  # a staff role
    staff: bool = False
    superuser: bool = False

    def __str__(self):
        return self.name


AUDIENCES = [
    Audience("anonyme"),
    Audience("membre-A", member_of="A"),
    Audience("membre-B", member_of="B"),
    Audience("compte-sans-rattachement"),
    *(Audience(f"equipe-{role}", role=role, staff=True) for role in ROLE_NAMES),
    Audience("equipe-sans-role", staff=True),
    Audience("superutilisateur", staff=True, superuser=True),
]


def _partner_side(tag: str, partner, member):
    """A convention of one partner with one of everything the space shows or serves."""
    convention = make_convention(partner, status="en_vigueur", title=f"Convention du partenaire {tag}")
    convention.signed_file.save("signee.pdf", ContentFile(b"%PDF-1.4 signee"))
    amendment = Amendment(convention=convention, number=1, signed_on=convention.start_date, summary="Prolongation.")
    amendment.file.save("avenant.pdf", ContentFile(b"%PDF-1.4 avenant"))
    commitment = make_commitment(convention, party=partner, title=f"Engagement du partenaire {tag}")
    cress_commitment = make_commitment(convention, title=f"Engagement de la CRESS envers {tag}")
    committee = make_committee(convention, minutes=f"<p>Compte rendu {tag}</p>")
    committee.minutes_file.save("cr.pdf", ContentFile(b"%PDF-1.4 compte rendu"))
    return {
        "convention": convention,
        "amendment": amendment,
        "commitment": commitment,
        "deliverable": make_deliverable(commitment, title=f"Livrable {tag}", by=member, by_partner=True),
        "cress_deliverable": make_deliverable(cress_commitment, title=f"Livrable CRESS {tag}"),
        "committee": committee,
    }


@pytest.fixture
def world():
    partners = {"A": make_partner(name="Chambre A"), "B": make_partner(name="Réseau B")}
    members = {tag: make_member(partner) for tag, partner in partners.items()}
    objects = {tag: _partner_side(tag, partners[tag], members[tag]) for tag in partners}
    # A convention both partners are party to: each one's commitment is its own.
    shared = make_convention(partners["A"], partners["B"], status="en_vigueur", title="Convention commune")
    shared.signed_file.save("commune.pdf", ContentFile(b"%PDF-1.4 commune"))
    for tag in partners:
        commitment = make_commitment(shared, party=partners[tag], title=f"Engagement commun de {tag}")
        objects[f"commun-{tag}"] = {
            "commitment": commitment,
            "deliverable": make_deliverable(commitment, title=f"Livrable commun {tag}", by=members[tag]),
        }
    objects["commun"] = {"convention": shared}
    return {"partners": partners, "members": members, "objects": objects}


def client_for(audience: Audience, world) -> Client:
    client = Client()
    if audience.member_of:
        client.force_login(world["members"][audience.member_of])
    elif audience.superuser:
        login_as(client, UserFactory(is_staff=True, is_superuser=True))
    elif audience.staff:
        login_as(client, StaffFactory(role=audience.role))
    elif audience.name == "compte-sans-rattachement":
        client.force_login(UserFactory())
    return client


# Every page and download of the space: (URL name, the object it opens, how it is asked for).
PAGES = [
    ("partenariats:espace-convention", "convention", "get"),
    ("partenariats:espace-convention", "convention", "post"),  # a message
    ("partenariats:espace-convention-fichier", "convention", "get"),
    ("partenariats:espace-avenant-fichier", "amendment", "get"),
    ("partenariats:espace-engagement", "commitment", "get"),
    ("partenariats:espace-engagement", "commitment", "post"),  # a declaration « tenu »
    ("partenariats:espace-livrable", "deliverable", "get"),
    ("partenariats:espace-livrable", "cress_deliverable", "get"),
    ("partenariats:espace-compte-rendu", "committee", "get"),
]
# Whose each group of objects is: who of A and B may open it.
OWNERS = {"A": {"A"}, "B": {"B"}, "commun-A": {"A"}, "commun-B": {"B"}, "commun": {"A", "B"}}
POSTS = {
    "partenariats:espace-convention": {"body": "Bonjour"},
    "partenariats:espace-engagement": {"action": "declarer"},
}


def expected(audience: Audience, owners: set[str]) -> int | str:
    if audience.name == "anonyme":
        return "connexion"
    return 200 if audience.member_of in owners else 404


def answer(response) -> int | str:
    login = reverse(settings.LOGIN_URL)
    if response.status_code == 302 and response.headers["Location"].startswith(login):
        return "connexion"
    return response.status_code


def test_the_table_names_every_page_of_the_space():
    from partenariats import urls_espace

    names = {f"partenariats:{pattern.name}" for pattern in urls_espace.urlpatterns}
    assert names == {name for name, _obj, _method in PAGES} | {"partenariats:espace"}


@pytest.mark.parametrize("audience", AUDIENCES, ids=str)
def test_each_audience_reaches_exactly_its_own_partners_objects(audience, world):
    client = client_for(audience, world)
    problems = []
    messages_before, deliverables_before = ConventionMessage.objects.count(), Deliverable.objects.count()
    commitments = {key: group["commitment"] for key, group in world["objects"].items() if "commitment" in group}
    states_before = {key: commitment.status for key, commitment in commitments.items()}

    # The list: everyone logged in gets it, showing only their partners' conventions.
    response = client.get(reverse("partenariats:espace"))
    if audience.name == "anonyme":
        if answer(response) != "connexion":
            problems.append(f"liste : {answer(response)}")
    else:
        page = response.content.decode()
        shown = {tag for tag in ("A", "B") if f"Convention du partenaire {tag}" in page}
        shown |= {"commun"} if "Convention commune" in page else set()
        wanted = {audience.member_of, "commun"} if audience.member_of else set()
        if response.status_code != 200 or shown != wanted:
            problems.append(f"liste : {response.status_code}, montre {sorted(shown)} au lieu de {sorted(wanted)}")

    for owner_key, owners in OWNERS.items():
        group = world["objects"][owner_key]
        for name, key, method in PAGES:
            if key not in group:
                continue
            url = reverse(name, args=[group[key].pk])
            response = client.post(url, POSTS[name]) if method == "post" else client.get(url)
            got, wanted = answer(response), expected(audience, owners)
            if method == "post" and wanted == 200:
                wanted = 302  # done, then back to the page
            if got != wanted:
                problems.append(f"{method.upper()} {name} ({owner_key}.{key}) : {got}, attendu {wanted}")
            elif (
                got == 200
                and name.endswith(("fichier", "livrable", "compte-rendu"))
                and not response["Content-Disposition"].startswith("attachment")
            ):
                problems.append(f"{name} ({owner_key}) : pas servi en téléchargement")
    assert problems == [], "\n".join(problems)

    # Nothing refused happened: no message, no deliverable, no declaration outside the scope.
    if not audience.member_of:
        assert ConventionMessage.objects.count() == messages_before
        assert Deliverable.objects.count() == deliverables_before
        for key, commitment in commitments.items():
            commitment.refresh_from_db()
            assert commitment.status == states_before[key], key


def test_a_co_party_sees_the_shared_convention_but_not_the_other_partys_commitment(world, client):
    client.force_login(world["members"]["A"])
    shared = world["objects"]["commun"]["convention"]
    page = client.get(reverse("partenariats:espace-convention", args=[shared.pk])).content.decode()
    assert "Engagement commun de A" in page
    assert "Engagement commun de B" not in page and "Livrable commun B" not in page
