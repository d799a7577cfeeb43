"""The offers' services: saving (sanitised text, fingerprint, copies), the moderation rule,
who may make which move (employer or staff), the emails, and the expiry sweep."""

from datetime import UTC, date, datetime, timedelta
from itertools import product

import pytest
from django.utils import timezone

from annuaire.models import PartnerMembership
from emplois import offers as services
from emplois.models import Offer, OfferTransition
from emplois.workflows import OFFER_WORKFLOW
from lib.workflow import WorkflowError
from messagerie.models import OutgoingEmail
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory, UserFactory
from tests.emplois.factories import commune, make_offer, rome

pytestmark = pytest.mark.django_db
Status = Offer.Status
DECLARED = {(t.source, t.target) for t in OFFER_WORKFLOW.transitions}


def values(**overrides) -> dict:
    return {
        "title": "Aide à domicile",
        "rome": rome("K1302"),
        "contract": "cdi",
        "working_time": "temps_plein",
        "pay_min": 1800,
        "pay_max": 2000,
        "pay_period": "mois",
        "commune": commune("97411"),
        "remote": "non",
        "closes_on": timezone.localdate() + timedelta(days=20),
        "description": "<p>Accompagner des personnes âgées.</p>",
        "contact_email": "rh@exemple.re",
        **overrides,
    }


def with_fingerprint(offer: Offer) -> Offer:
    """The factory creates rows directly: the fingerprint save_offer would have set."""
    offer.fingerprint = services.fingerprint_of(offer.title, offer.description)
    Offer.objects.filter(pk=offer.pk).update(fingerprint=offer.fingerprint)
    return offer


def member_of(organisation, email="rh@tikaz.re"):
    user = UserFactory(email=email)
    PartnerMembership.objects.create(user=user, organisation=organisation)
    return user


# --- Saving and copies ----------------------------------------------------------------------


def test_the_fingerprint_ignores_tags_accents_case_and_punctuation():
    first = services.fingerprint_of("Aide à domicile", "<p>Accompagner des personnes <b>âgées</b>.</p>")
    second = services.fingerprint_of("AIDE A DOMICILE !", "Accompagner   des personnes agees")
    assert first == second and len(first) == 64
    assert services.fingerprint_of("Aide à domicile", "Accompagner des enfants") != first


def test_saving_sanitises_the_text_and_sets_slug_kind_and_fingerprint():
    organisation = OrganisationFactory()
    offer = services.save_offer(
        organisation=organisation,
        values=values(description='<p>Bonjour<script>alert(1)</script></p><a href="javascript:x()">lien</a>'),
    )
    assert "<script" not in offer.description and "javascript" not in offer.description
    assert offer.slug == "aide-a-domicile" and offer.kind == "emploi" and offer.status == Status.DRAFT
    assert offer.fingerprint == services.fingerprint_of(offer.title, offer.description)
    mission = services.save_offer(
        organisation=organisation,
        values=values(contract="benevolat", pay_min=None, pay_max=None, pay_period="", volunteer_time="2 h"),
    )
    assert mission.kind == "benevolat"


def test_the_same_text_as_another_organisations_published_offer_is_flagged_as_a_copy():
    original = with_fingerprint(make_offer("Aide à domicile", description="<p>Accompagner des personnes âgées.</p>"))
    copy = services.save_offer(
        organisation=OrganisationFactory(), values=values(description="<p>accompagner des personnes AGEES</p>")
    )
    assert copy.copy_of == original


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REFUSED, Status.EXPIRED])
def test_an_offer_neither_published_nor_in_review_is_not_copied(status):
    with_fingerprint(
        make_offer("Aide à domicile", status=status, description="<p>Accompagner des personnes âgées.</p>")
    )
    copy = services.save_offer(organisation=OrganisationFactory(), values=values())
    assert copy.copy_of is None


def test_the_organisations_own_text_again_is_not_a_copy_nor_is_its_duplicate():
    organisation = OrganisationFactory()
    original = with_fingerprint(
        make_offer("Aide à domicile", organisation=organisation, description=values()["description"])
    )
    again = services.save_offer(organisation=organisation, values=values())
    duplicate = services.duplicate_offer(offer=original)
    assert again.copy_of is None and duplicate.copy_of is None
    assert duplicate.status == Status.DRAFT and duplicate.title == original.title
    assert duplicate.organisation == organisation and duplicate.published_at is None


def test_a_published_offer_is_not_edited():
    offer = make_offer()
    with pytest.raises(WorkflowError, match="ne se modifie plus"):
        services.save_offer(organisation=offer.organisation, values={"title": "Autre"}, offer=offer)


# --- The moderation rule --------------------------------------------------------------------


def test_an_organisations_first_offers_go_to_review_until_staff_published_two(settings):
    settings.EMPLOIS_TRUSTED_AFTER = 2
    organisation = OrganisationFactory()
    member, staff = member_of(organisation), StaffFactory(role="Formation")
    for number in range(2):
        offer = make_offer(f"Offre {number}", status=Status.DRAFT, organisation=organisation)
        assert [t.target for t in services.employer_targets(offer, trusted=services.is_trusted(organisation))] == [
            Status.REVIEW
        ]
        with pytest.raises(WorkflowError, match="relues par la CRESS"):
            services.move_offer(offer=offer, target=Status.PUBLISHED, by=member)
        services.move_offer(offer=offer, target=Status.REVIEW, by=member)
        services.move_offer(offer=offer, target=Status.PUBLISHED, by=staff, as_staff=True)
    assert services.is_trusted(organisation)
    third = make_offer("Offre 3", status=Status.DRAFT, organisation=organisation)
    services.move_offer(offer=third, target=Status.PUBLISHED, by=member)
    assert third.status == Status.PUBLISHED and third.published_at is not None


def test_offers_published_by_the_organisation_itself_do_not_count_for_trust(settings):
    settings.EMPLOIS_TRUSTED_AFTER = 1
    organisation = OrganisationFactory()
    make_offer(organisation=organisation)  # published with no staff member (an import, a test)
    assert not services.is_trusted(organisation)


# --- Who may make which move ----------------------------------------------------------------


@pytest.mark.parametrize(("source", "target"), list(product(Status.values, Status.values)))
@pytest.mark.parametrize("trusted", [False, True], ids=["nouvelle-structure", "structure-de-confiance"])
def test_an_employer_makes_exactly_the_moves_of_its_space(source, target, trusted, settings):
    settings.EMPLOIS_TRUSTED_AFTER = 0 if trusted else 99
    offer = make_offer(status=source)
    member = member_of(offer.organisation)
    allowed = (source, target) in DECLARED and target in services.EMPLOYER_TARGETS.get(source, ())
    if source == Status.DRAFT:
        allowed = target == (Status.PUBLISHED if trusted else Status.REVIEW)
    if allowed:
        services.move_offer(offer=offer, target=target, by=member)
        offer.refresh_from_db()
        assert offer.status == target
        assert OfferTransition.objects.filter(subject=offer).latest("pk").by == member
    else:
        with pytest.raises(WorkflowError):
            services.move_offer(offer=offer, target=target, by=member)
        offer.refresh_from_db()
        assert offer.status == source


def test_staff_refuse_only_with_a_reason_which_is_kept_and_sent():
    organisation = OrganisationFactory(name="Ti Kaz")
    member_of(organisation, "rh@tikaz.re")
    offer = make_offer("Aide à domicile", status=Status.REVIEW, organisation=organisation)
    staff = StaffFactory(role="Formation")
    with pytest.raises(WorkflowError, match="motif du refus"):
        services.move_offer(offer=offer, target=Status.REFUSED, by=staff, comment="  ", as_staff=True)
    services.move_offer(offer=offer, target=Status.REFUSED, by=staff, comment="Hors du champ de l'ESS.", as_staff=True)
    offer.refresh_from_db()
    assert offer.status == Status.REFUSED and offer.refusal_reason == "Hors du champ de l'ESS."
    email = OutgoingEmail.objects.get(kind="emplois/offre_refusee")
    assert email.to == "rh@tikaz.re" and "Hors du champ de l'ESS." in email.body_text
    assert f"/emplois/espace/offres/{offer.pk}/" in email.body_text


def test_publishing_sets_the_date_and_tells_each_member_once():
    organisation = OrganisationFactory()
    member_of(organisation, "a@tikaz.re")
    member_of(organisation, "b@tikaz.re")
    offer = make_offer(status=Status.REVIEW, organisation=organisation)
    services.move_offer(offer=offer, target=Status.PUBLISHED, by=StaffFactory(role="Formation"), as_staff=True)
    offer.refresh_from_db()
    assert offer.published_at is not None
    emails = OutgoingEmail.objects.filter(kind="emplois/offre_publiee")
    assert sorted(emails.values_list("to", flat=True)) == ["a@tikaz.re", "b@tikaz.re"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"closes_on": date(2020, 1, 1)}, "date limite de candidature est passée"),
        ({"pay_min": None}, "rémunération"),
    ],
)
def test_an_incomplete_or_closed_offer_is_neither_submitted_nor_published(fields, message):
    offer = make_offer(status=Status.DRAFT)
    Offer.objects.filter(pk=offer.pk).update(**fields)
    offer.refresh_from_db()
    with pytest.raises(WorkflowError, match=message):
        services.move_offer(offer=offer, target=Status.REVIEW, by=member_of(offer.organisation))
    assert Offer.objects.get(pk=offer.pk).status == Status.DRAFT


# --- Expiry ---------------------------------------------------------------------------------


def test_expiry_closes_published_offers_the_day_after_their_closing_date_once():
    today = date(2027, 3, 11)
    yesterday = make_offer("Hier", closes_on=today - timedelta(days=1))
    today_offer = make_offer("Aujourd'hui", closes_on=today)
    draft = make_offer("Brouillon", status=Status.DRAFT, closes_on=today - timedelta(days=3))
    assert services.expire_offers(today=today) == 1
    assert services.expire_offers(today=today) == 0, "idempotent"
    for offer, state in ((yesterday, Status.EXPIRED), (today_offer, Status.PUBLISHED), (draft, Status.DRAFT)):
        offer.refresh_from_db()
        assert offer.status == state
    log = OfferTransition.objects.filter(subject=yesterday, to_state=Status.EXPIRED)
    assert log.count() == 1 and log.get().comment == services.EXPIRY_COMMENT


def test_expiry_counts_days_in_reunion_time(monkeypatch):
    # 21:30 UTC on 10 March is already 01:30 on 11 March in La Réunion (UTC+4).
    monkeypatch.setattr(timezone, "now", lambda: datetime(2027, 3, 10, 21, 30, tzinfo=UTC))
    assert services.reunion_today() == date(2027, 3, 11)
    offer = make_offer(closes_on=date(2027, 3, 10))
    Offer.objects.filter(pk=offer.pk).update(closes_on=date(2027, 3, 10))
    assert services.expire_offers() == 1


def test_the_beat_runs_the_expiry_task():
    from cress.celery import app
    from emplois.tasks_offers import expire_offers

    entries = [entry for entry in app.conf.beat_schedule.values() if entry["task"] == expire_offers.name]
    assert len(entries) == 1
    make_offer(closes_on=timezone.localdate() - timedelta(days=2))
    assert expire_offers.apply().get() == 1
