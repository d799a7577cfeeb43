"""The job board's demo (seed_demo calls seed_offers): about sixty offers across métiers and
communes, a third volunteering, some expired, applications in every state with their CV,
two confirmed alerts; twice the same."""

import pytest

from emplois.demo import seed_offers
from emplois.models import Application, ApplicationTransition, Contract, JobAlert, Offer, OfferTransition
from emplois.offers import reunion_today
from tests.annuaire.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
MODELS = (Offer, OfferTransition, Application, ApplicationTransition, JobAlert)


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
    assert counts() == before and again == {"offres": 0, "candidatures": 0, "alertes": 0}
