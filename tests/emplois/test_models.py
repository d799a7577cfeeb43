"""The job board's invariants held by the database, and its declared workflows: every
transition declared is allowed, every other refused, each with one log row."""

from itertools import product

import pytest
from django.db import IntegrityError, transaction

from emplois.models import Application, ApplicationTransition, Contract, Offer, OfferKind, OfferTransition
from emplois.workflows import APPLICATION_WORKFLOW, OFFER_WORKFLOW
from lib.workflow import TransitionNotAllowed
from referentiels.models import RomeFiche
from tests.emplois.factories import APPLICATION_PATHS, OFFER_PATHS, make_application, make_offer

pytestmark = pytest.mark.django_db

OFFER_STATES = list(Offer.Status.values)
APPLICATION_STATES = list(Application.Status.values)
OFFER_DECLARED = {(t.source, t.target) for t in OFFER_WORKFLOW.transitions}
APPLICATION_DECLARED = {(t.source, t.target) for t in APPLICATION_WORKFLOW.transitions}


def test_the_rome_referential_is_loaded_with_its_domains():
    assert RomeFiche.objects.count() == 532
    fiche = RomeFiche.objects.select_related("domain").get(code="K1302")
    assert fiche.label == "Assistance auprès d'adultes"
    assert fiche.domain.label == "Services à la personne et à la collectivité"


@pytest.mark.parametrize(("source", "target"), list(product(OFFER_STATES, OFFER_STATES)))
def test_each_offer_transition_is_allowed_exactly_as_declared(source, target):
    offer = make_offer(status=source)
    logs = OfferTransition.objects.filter(subject=offer).count()
    if (source, target) in OFFER_DECLARED:
        changes = {"refusal_reason": "Hors du champ de l'ESS."} if target == Offer.Status.REFUSED else {}
        OFFER_WORKFLOW.apply(offer, target, log_model=OfferTransition, comment="Test.", changes=changes)
        offer.refresh_from_db()
        assert offer.status == target
        assert OfferTransition.objects.filter(subject=offer).count() == logs + 1
    else:
        with pytest.raises(TransitionNotAllowed):
            OFFER_WORKFLOW.apply(offer, target, log_model=OfferTransition)
        offer.refresh_from_db()
        assert offer.status == source
        assert OfferTransition.objects.filter(subject=offer).count() == logs


@pytest.mark.parametrize(("source", "target"), list(product(APPLICATION_STATES, APPLICATION_STATES)))
def test_each_application_transition_is_allowed_exactly_as_declared(source, target):
    application = make_application(status=source)
    logs = ApplicationTransition.objects.filter(subject=application).count()
    if (source, target) in APPLICATION_DECLARED:
        APPLICATION_WORKFLOW.apply(application, target, log_model=ApplicationTransition)
        application.refresh_from_db()
        assert application.status == target
        assert ApplicationTransition.objects.filter(subject=application).count() == logs + 1
    else:
        with pytest.raises(TransitionNotAllowed):
            APPLICATION_WORKFLOW.apply(application, target, log_model=ApplicationTransition)
        application.refresh_from_db()
        assert application.status == source


def test_every_state_is_reachable_by_the_factories_paths():
    assert set(OFFER_PATHS) == set(OFFER_STATES)
    assert set(APPLICATION_PATHS) == set(APPLICATION_STATES)


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"pay_min": None}, "emplois_offer_job_pay"),
        ({"pay_period": ""}, "emplois_offer_job_pay"),
        ({"pay_min": 2500, "pay_max": 2000}, "emplois_offer_pay_range"),
        ({"contract": Contract.VOLUNTEERING}, "emplois_offer_kind_contract"),
        ({"kind": OfferKind.VOLUNTEERING, "contract": Contract.CDI}, "emplois_offer_kind_contract"),
        ({"apply_mode": "courriel", "apply_email": ""}, "emplois_offer_apply_email"),
        ({"apply_mode": "site", "apply_url": ""}, "emplois_offer_apply_url"),
        ({"commune": None, "remote": "non"}, "emplois_offer_place"),
    ],
)
def test_a_published_offer_that_breaks_a_rule_is_refused_by_the_database(fields, constraint):
    offer = make_offer()
    for name, value in fields.items():
        setattr(offer, name, value)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        offer.save()


def test_a_draft_job_may_still_lack_its_pay_and_a_mission_never_has_one():
    draft = make_offer(status=Offer.Status.DRAFT, pay_min=None, pay_max=None, pay_period="")
    assert draft.pk
    mission = make_offer("Bénévole à l'épicerie solidaire", contract=Contract.VOLUNTEERING)
    assert mission.is_volunteering and mission.pay_min is None and mission.status == Offer.Status.PUBLISHED
