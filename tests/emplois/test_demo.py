"""The job board's demo (seed_demo calls seed_offers): about sixty offers across métiers and
communes, a third volunteering, some expired, applications in every state with their CV,
two confirmed alerts, two skills records, the career partners the intake orients to; twice
the same."""

import pytest

from accueil.orientation import recommend
from annuaire.models import Organisation
from emplois.demo import seed_offers
from emplois.intake import CAREER_PARTNERS
from emplois.models import (
    Application,
    ApplicationTransition,
    Contract,
    JobAlert,
    Offer,
    OfferTransition,
    SkillsExperience,
    SkillsRecord,
)
from emplois.offers import reunion_today
from emplois.skills import cec_assessments, cec_possible_total
from tests.accueil.factories import make_request
from tests.annuaire.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
MODELS = (
    Offer,
    OfferTransition,
    Application,
    ApplicationTransition,
    JobAlert,
    SkillsRecord,
    SkillsExperience,
    Organisation,
)


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_the_demo_offers_cover_the_board_and_a_second_run_changes_nothing():
    organisations = [OrganisationFactory(is_ess_actor=True) for _ in range(12)]
    report = seed_offers(organisations=organisations)
    assert report["offres"] == Offer.objects.count() == 60
    volunteering = Offer.objects.filter(contract__in=[Contract.VOLUNTEERING, Contract.CIVIC_SERVICE]).count()
    assert volunteering == 20
    assert set(Offer.objects.values_list("status", flat=True)) == set(Offer.Status.values)
    assert Offer.objects.filter(status=Offer.Status.EXPIRED).count() >= 5
    assert Offer.objects.values("rome").distinct().count() >= 12
    assert Offer.objects.values("commune").distinct().count() >= 12
    assert Offer.objects.values("organisation").distinct().count() == 12
    assert set(Application.objects.values_list("status", flat=True)) == set(Application.Status.values)
    assert all(application.cv.read().startswith(b"%PDF") for application in Application.objects.all())
    assert JobAlert.objects.filter(confirmed_at__isnull=False).count() == 2
    for offer in Offer.objects.exclude(status=Offer.Status.DRAFT):
        assert offer.transitions.exists()
    assert not Offer.objects.filter(status=Offer.Status.PUBLISHED, closes_on__lt=reunion_today())
    assert not Offer.objects.filter(status=Offer.Status.EXPIRED, closes_on__gte=reunion_today())
    before = counts()
    again = seed_offers(organisations=organisations)
    assert counts() == before and set(again.values()) == {0}


def test_the_demo_skills_records_and_career_partners():
    seed_offers(organisations=[OrganisationFactory(is_ess_actor=True) for _ in range(3)])
    volunteer, employee = SkillsRecord.objects.order_by("email")
    assert volunteer.experiences.count() == employee.experiences.count() == 2
    kinds = set(SkillsExperience.objects.values_list("kind", flat=True))
    assert kinds == set(SkillsExperience.Kind.values)
    assert all(experience.skills for experience in SkillsExperience.objects.all())
    # The treasurer's four years on the board open rights under the compte d'engagement citoyen.
    assert cec_possible_total(cec_assessments(list(volunteer.experiences.all()))) > 0

    # The intake's « travailler dans l'ESS » request is recommended the four career partners.
    partners = Organisation.objects.filter(is_support_structure=True, categories__slug="formation-et-emploi")
    assert all(any(name in partner.name for partner in partners) for name in CAREER_PARTNERS)
    intake, _token = make_request(needs=("travailler_ess",))
    names = {recommendation.organisation.name for recommendation in recommend(intake)}
    assert {partner.name for partner in partners} <= names
