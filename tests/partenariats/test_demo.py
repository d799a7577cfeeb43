"""The demo partnerships of `seed_demo`: the partner bodies of the CRESS programme with
conventions in every state, commitments, committees and figures, all through the
workflows; the demo partner account sees its structure's convention; twice the same."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from annuaire.models import Organisation, PartnerMembership
from comptes.models import User
from cress.demo import DEMO_PARTNER, DEMO_PARTNER_ORGANISATION, PARTNERSHIPS_ACCOUNT
from partenariats.demo import COMMITMENT_PATHS, CONVENTION_PATHS, seed_partnerships
from partenariats.models import (
    Amendment,
    Commitment,
    CommitmentTransition,
    Committee,
    CommitteeParticipant,
    Convention,
    ConventionTransition,
    Decision,
    Deliverable,
    Partner,
    PartnerContact,
    PartnerFigure,
)
from tests.annuaire.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PROGRAMME_BODIES = {
    "CCI Réunion",
    "CMA",
    "Chambre d'agriculture",
    "URSCOP",
    "Cité des Métiers",
    "France Travail",
    "CGSS",
}
MODELS = (
    Organisation,
    Partner,
    PartnerContact,
    Convention,
    ConventionTransition,
    Amendment,
    Commitment,
    CommitmentTransition,
    Deliverable,
    Committee,
    CommitteeParticipant,
    Decision,
    PartnerFigure,
)


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_the_demo_partnerships_are_complete_and_idempotent(client, django_user_model):
    owner = django_user_model.objects.create_user(email="partenariats@exemple.re", password="x", is_staff=True)
    incubator = OrganisationFactory(name="Kaz Initiatives Est — incubateur ESS", is_published=True)
    seed_partnerships(owner=owner, incubator=incubator.name)
    before = counts()
    seed_partnerships(owner=owner, incubator=incubator.name)
    assert counts() == before, "running seed_demo twice leaves one copy of everything"

    names = " ".join(Partner.objects.values_list("organisation__name", flat=True))
    acronyms = set(Partner.objects.values_list("organisation__acronym", flat=True))
    for body in PROGRAMME_BODIES:
        assert body in names or body in acronyms, body
    for partner in Partner.objects.select_related("organisation"):
        partner.organisation.full_clean()
        assert partner.public_description and partner.contacts.exists()
        assert partner.organisation.commune_id and partner.organisation.is_published
    assert Partner.objects.exclude(logo="").count() == 7

    # Conventions in every state, each through the workflow: one log row per step.
    conventions = Convention.objects.annotate(steps=Count("transitions"))
    assert set(conventions.values_list("status", flat=True)) == set(Convention.Status.values)
    for convention in conventions:
        assert convention.steps == len(CONVENTION_PATHS[convention.status]), convention
        assert convention.owner == owner
        convention.full_clean()
    assert Convention.objects.get(status="resiliee").termination_reason.startswith("La chambre d'agriculture")
    amended = Amendment.objects.get()
    assert amended.new_end_date == amended.convention.end_date

    # Commitments of each party, some overdue, some kept with their PDF, one awaiting confirmation.
    commitments = Commitment.objects.annotate(steps=Count("transitions"))
    for commitment in commitments:
        assert commitment.steps == len(COMMITMENT_PATHS[commitment.status]), commitment
    assert commitments.filter(status="en_retard").count() >= 3
    assert not commitments.filter(status="en_retard", due_date__gte=timezone.localdate()).exists()
    assert commitments.filter(status="declare_tenu").count() == 1
    assert commitments.filter(party=None).exists() and commitments.exclude(party=None).exists()
    kept = Deliverable.objects.filter(commitment__status="tenu")
    assert kept.count() >= 3
    with kept.first().file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # Committees: held ones with minutes and decisions that create or change a commitment.
    held = Committee.objects.exclude(minutes="")
    assert held.count() >= 3 and Committee.objects.filter(minutes="").exists(), "and one to come"
    assert not CommitteeParticipant.objects.values("committee").annotate(n=Count("pk")).filter(n=0).exists()
    assert "<script" not in "".join(held.values_list("minutes", flat=True))
    assert Decision.objects.filter(effect="cree").exclude(commitment=None).exists()
    assert Decision.objects.filter(effect="modifie").exclude(commitment=None).exists()

    # The demo partner's structure is a partner with a convention in force.
    kaz = Partner.objects.get(organisation=incubator)
    assert kaz.kind == "accompagnement"
    assert kaz.conventions.filter(status="en_vigueur").exists()

    # Figures: published yearly, one kept back.
    assert PartnerFigure.objects.filter(is_published=True).count() >= 10
    assert PartnerFigure.objects.filter(is_published=False).exists()

    page = client.get(reverse("partenariats:index")).content.decode()
    assert page.count('class="card h-100 partner-card"') == 8
    assert "30\u202f000\u00a0€, financement : Fonds social européen (FSE)" in page, "the published amount"
    assert "18\u202f000" not in page and "Région Réunion" not in page, "the unpublished one"
    assert client.get(reverse("partenariats:partenaire", args=[kaz.organisation.slug])).status_code == 200


def test_seed_demo_makes_the_partnerships_account_owner_and_the_partner_declares(settings, client):
    settings.DEMO_MODE = True
    with open("/dev/null", "w") as quiet:
        call_command("seed_demo", "--size", "0", stdout=quiet)
        first = counts()
        call_command("seed_demo", "--size", "0", stdout=quiet)
    assert counts() == first
    owner = User.objects.get(email=PARTNERSHIPS_ACCOUNT)
    assert owner.groups.filter(name="Partenariats").exists()
    assert not Convention.objects.exclude(owner=owner).exists()
    partner_user = User.objects.get(email=DEMO_PARTNER.email)
    assert PartnerMembership.objects.filter(user=partner_user, organisation__partner__isnull=False).exists()
    declared = Commitment.objects.get(status="declare_tenu")
    assert declared.party.organisation.name == DEMO_PARTNER_ORGANISATION
    assert declared.transitions.get(to_state="declare_tenu").by == partner_user

    # The demo partner account finds its structure's convention in the partner space.
    client.force_login(partner_user)
    space = client.get(reverse("partenariats:espace"))
    assert space.status_code == 200
    assert "Incuber les projets d&#x27;entreprises sociales de l&#x27;Est" in space.content.decode()
    assert "Orienter les créateurs" not in space.content.decode(), "another partner's convention"
