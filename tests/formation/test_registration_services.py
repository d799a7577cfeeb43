"""Registration services: places, the waiting list, offers, cancellation, moves, groups."""

from datetime import timedelta

import pytest
from django.utils import timezone

from formation import registrations
from formation.models import Registration, RegistrationTransition
from formation.workflows import REGISTRATION_WORKFLOW
from lib.workflow import TransitionNotAllowed
from messagerie.models import OutgoingEmail
from tests.annuaire.factories import OrganisationFactory
from tests.formation.factories_registration import fill, make_session, person

pytestmark = pytest.mark.django_db

S = Registration.Status


def register(session, number, **values):
    return registrations.register_person(session=session, person=person(number), consent_text="J'accepte.", **values)


def kinds(registration) -> list[str]:
    return list(OutgoingEmail.objects.filter(to=registration.email).order_by("pk").values_list("kind", flat=True))


def test_a_person_takes_a_place_and_gets_the_confirmation_with_the_ics():
    organisation = OrganisationFactory(name="Ressourcerie du Port", is_published=True)
    session = make_session(capacity=2)
    registration = register(session, 1, organisation=organisation)
    assert registration.status == S.REGISTERED and registration.waiting_since is None
    assert registration.organisation == organisation and registration.organisation_name == "Ressourcerie du Port"
    assert registration.consent_text == "J'accepte." and registration.consent_at is not None
    email = OutgoingEmail.objects.get(to="personne1@exemple.re")
    assert email.kind == "formation/registration_confirmation"
    assert email.links == {"url": {"builder": "formation.inscription", "params": {"registration": registration.pk}}}
    [ics] = email.attachments
    assert ics["filename"] == "formation.ics" and ics["mimetype"] == "text/calendar"
    assert "BEGIN:VEVENT" in ics["content"] and "SUMMARY:Gouvernance associative" in ics["content"]
    assert f"UID:formation-session-{session.pk}@" in ics["content"]
    assert registrations.places_left(session) == 1


def test_a_full_session_puts_people_on_the_waiting_list_in_order():
    session = make_session(capacity=2)
    fill(session, 2)
    first, second = register(session, 1), register(session, 2)
    assert first.status == second.status == S.WAITING
    assert list(registrations.waiting_list(session)) == [first, second]
    assert kinds(second) == ["formation/registration_waiting"]
    assert "position 2" in OutgoingEmail.objects.get(to=second.email).body_text


def test_the_same_address_cannot_register_twice_to_a_session():
    session = make_session()
    register(session, 1)
    with pytest.raises(registrations.RegistrationError, match="déjà inscrite"):
        registrations.register_person(
            session=session, person=person(1, email="PERSONNE1@exemple.re"), consent_text="ok"
        )


@pytest.mark.parametrize("change", [{"status": "annulee"}, {"days": -1}])
def test_a_cancelled_or_started_session_takes_no_registration(change):
    session = make_session(**({"days": change["days"]} if "days" in change else {"status": change["status"]}))
    with pytest.raises(registrations.RegistrationError, match="fermées"):
        register(session, 1)
    assert not Registration.objects.exists()


def test_a_cancellation_frees_one_place_offered_to_the_first_person_waiting():
    session = make_session(capacity=2, offer_hours=48)
    holders = fill(session, 2)
    first, second = register(session, 1), register(session, 2)
    before = timezone.now()
    registrations.cancel_registration(holders[0])
    first.refresh_from_db()
    second.refresh_from_db()
    assert holders[0].status == S.CANCELLED
    assert first.status == S.OFFERED and second.status == S.WAITING
    assert timedelta(hours=47, minutes=59) < first.offer_expires_at - before <= timedelta(hours=48, seconds=5)
    assert registrations.places_left(session) == 0, "the offer holds the place"
    assert kinds(first) == ["formation/registration_waiting", "formation/registration_offer"]
    assert "formation/registration_cancelled" in kinds(holders[0])
    cancelled = OutgoingEmail.objects.get(to=holders[0].email, kind="formation/registration_cancelled")
    assert "METHOD:CANCEL" in cancelled.attachments[0]["content"]


def test_an_offer_never_lasts_past_the_session_start():
    session = make_session(capacity=1, days=1, offer_hours=48)
    [holder] = fill(session, 1)
    waiting = register(session, 1)
    registrations.cancel_registration(holder)
    waiting.refresh_from_db()
    assert waiting.offer_expires_at == session.starts_at


def test_accepting_an_offer_confirms_the_place():
    session = make_session(capacity=1)
    [holder] = fill(session, 1)
    waiting = register(session, 1)
    registrations.cancel_registration(holder)
    waiting.refresh_from_db()
    registrations.accept_offer(waiting)
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED
    assert kinds(waiting)[-1] == "formation/registration_confirmation"


def test_an_expired_offer_passes_to_the_next_person_and_cannot_be_accepted():
    session = make_session(capacity=1)
    [holder] = fill(session, 1)
    first, second = register(session, 1), register(session, 2)
    registrations.cancel_registration(holder)
    first.refresh_from_db()
    Registration.objects.filter(pk=first.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    first.refresh_from_db()
    with pytest.raises(registrations.RegistrationError, match="délai"):
        registrations.accept_offer(first)
    assert registrations.expire_offers() == {"expired": 1, "offered": 1}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == S.CANCELLED and second.status == S.OFFERED
    assert kinds(first)[-1] == "formation/registration_offer_expired"
    assert kinds(second)[-1] == "formation/registration_offer"
    assert registrations.expire_offers() == {"expired": 0, "offered": 0}, "a second sweep finds nothing"
    log = RegistrationTransition.objects.filter(subject=first).last()
    assert (log.from_state, log.to_state, log.comment) == (S.OFFERED, S.CANCELLED, "Offre expirée sans réponse.")


def test_declining_an_offer_and_leaving_the_list():
    session = make_session(capacity=1)
    [holder] = fill(session, 1)
    first, second, third = register(session, 1), register(session, 2), register(session, 3)
    registrations.leave_waiting_list(third)
    registrations.cancel_registration(holder)
    first.refresh_from_db()
    registrations.decline_offer(first)
    second.refresh_from_db()
    third.refresh_from_db()
    assert (first.status, second.status, third.status) == (S.CANCELLED, S.OFFERED, S.CANCELLED)
    with pytest.raises(registrations.RegistrationError):
        registrations.leave_waiting_list(first)


def test_staff_raising_the_capacity_offers_the_new_places_in_order():
    session = make_session(capacity=1)
    fill(session, 1)
    waiting = [register(session, number) for number in range(1, 5)]
    offers = registrations.change_capacity(session=session, capacity=3)
    assert [offer.pk for offer in offers] == [waiting[0].pk, waiting[1].pk]
    with pytest.raises(registrations.RegistrationError, match="ne peut descendre sous 3"):
        registrations.change_capacity(session=session, capacity=2)


def test_the_sweep_offers_places_left_free_by_a_capacity_raised_in_a_form():
    session = make_session(capacity=1)
    fill(session, 1)
    waiting = register(session, 1)
    type(session).objects.filter(pk=session.pk).update(capacity=2)
    assert registrations.expire_offers() == {"expired": 0, "offered": 1}
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED


def test_moving_a_person_takes_a_place_in_the_target_and_frees_one_in_the_source(django_user_model):
    staff = django_user_model.objects.create_user(email="formation@cress.re", password="x", is_staff=True)
    source, target = make_session(capacity=1), make_session(capacity=2, days=40)
    [holder] = fill(source, 1)
    waiting = register(source, 1)
    moved = registrations.move_registration(holder, to_session=target, by=staff)
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert moved.session == target and moved.status == S.REGISTERED and moved.email == holder.email
    assert holder.status == S.CANCELLED and waiting.status == S.OFFERED
    assert registrations.places_left(target) == 1
    log = RegistrationTransition.objects.filter(subject=holder).last()
    assert log.by == staff and "Déplacée vers la session" in log.comment
    confirmation = OutgoingEmail.objects.filter(kind="formation/registration_confirmation").latest("pk")
    assert confirmation.links["url"]["params"] == {"registration": moved.pk}
    assert "déplacée" in confirmation.subject


def test_a_move_to_a_full_session_is_refused_and_changes_nothing():
    source, target = make_session(capacity=1), make_session(capacity=1, days=40)
    [holder] = fill(source, 1)
    fill(target, 1, start=2000)
    with pytest.raises(registrations.RegistrationError, match="complète"):
        registrations.move_registration(holder, to_session=target)
    holder.refresh_from_db()
    assert holder.status == S.REGISTERED and target.registrations.count() == 1


def test_a_group_takes_the_places_left_then_the_waiting_list():
    organisation = OrganisationFactory(name="Kaz Initiatives", is_published=True)
    session = make_session(capacity=3, allow_groups=True)
    fill(session, 1)
    group = registrations.register_group(
        session=session,
        people=[person(1), person(2), person(3)],
        contact_email="rh@kaz.re",
        consent_text="ok",
        organisation=organisation,
    )
    states = list(group.registrations.order_by("pk").values_list("status", flat=True))
    assert states == [S.REGISTERED, S.REGISTERED, S.WAITING]
    assert group.organisation_name == "Kaz Initiatives"
    assert OutgoingEmail.objects.filter(kind__startswith="formation/registration_").count() == 4


def test_a_group_is_refused_where_staff_did_not_allow_groups():
    session = make_session(capacity=3)
    with pytest.raises(registrations.RegistrationError, match="groupe"):
        registrations.register_group(session=session, people=[person(1)], contact_email="a@b.re", consent_text="ok")


@pytest.mark.parametrize("source", list(S))
@pytest.mark.parametrize("target", list(S))
def test_every_registration_transition_is_allowed_or_refused_as_declared(source, target):
    session = make_session(capacity=5)
    [registration] = fill(session, 1)
    Registration.objects.filter(pk=registration.pk).update(
        status=source, waiting_since=timezone.now(), offer_expires_at=timezone.now()
    )
    registration.refresh_from_db()
    declared = any(t.source == source and t.target == target for t in REGISTRATION_WORKFLOW.transitions)
    if declared:
        REGISTRATION_WORKFLOW.apply(registration, target, log_model=RegistrationTransition)
        registration.refresh_from_db()
        assert registration.status == target
        assert RegistrationTransition.objects.filter(subject=registration, from_state=source, to_state=target).exists()
    else:
        with pytest.raises(TransitionNotAllowed):
            REGISTRATION_WORKFLOW.apply(registration, target, log_model=RegistrationTransition)
        registration.refresh_from_db()
        assert registration.status == source
        assert not RegistrationTransition.objects.filter(subject=registration).exists()


@pytest.mark.parametrize(
    ("state", "service"),
    [
        (S.REGISTERED, registrations.accept_offer),
        (S.WAITING, registrations.decline_offer),
        (S.OFFERED, registrations.leave_waiting_list),
        (S.CANCELLED, registrations.cancel_registration),
        (S.PRESENT, registrations.cancel_registration),
        (S.CONFIRMED, registrations.confirm_participation),
    ],
)
def test_the_persons_acts_are_refused_in_the_wrong_state_with_a_french_message(state, service):
    session = make_session(capacity=5)
    [registration] = fill(session, 1)
    Registration.objects.filter(pk=registration.pk).update(
        status=state, waiting_since=timezone.now(), offer_expires_at=timezone.now() + timedelta(hours=1)
    )
    registration.refresh_from_db()
    with pytest.raises(registrations.RegistrationError) as refused:
        service(registration)
    assert str(refused.value)[0].isupper() and str(refused.value).endswith(".")
    registration.refresh_from_db()
    assert registration.status == state


def test_the_private_link_opens_the_registration_until_after_the_session(settings):
    session = make_session()
    registration = register(session, 1)
    url = registrations.build_registration_link(registration=registration.pk)
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert registrations.find_by_token(token) == registration
    from messagerie.models import PrivateLink

    link = PrivateLink.objects.get(purpose="formation.inscription")
    assert link.expires_at == session.ends_at + timedelta(days=settings.FORMATION_LINK_DAYS_AFTER)
    assert token not in link.token_hash
    Registration.objects.filter(pk=registration.pk).update(anonymised_at=timezone.now())
    assert registrations.find_by_token(token) is None


def test_the_beat_task_runs_the_sweep():
    from formation import tasks

    session = make_session(capacity=1)
    [holder] = fill(session, 1)
    waiting = register(session, 1)
    registrations.cancel_registration(holder)
    Registration.objects.filter(pk=waiting.pk).update(offer_expires_at=timezone.now() - timedelta(seconds=1))
    assert tasks.expire_offers() == {"expired": 1, "offered": 0}


def test_staff_cancel_a_session_everyone_active_is_cancelled_and_told_with_the_reason(client):
    from django.urls import reverse

    from formation.models import Session
    from tests.comptes.factories import StaffFactory
    from tests.helpers.auth import login_verified

    session = make_session(capacity=2)
    holder, registered, offered = register(session, 1), register(session, 2), register(session, 3)
    waiting = register(session, 4)
    registrations.cancel_registration(holder)  # the place is offered to the first waiting
    registered.refresh_from_db(), offered.refresh_from_db()
    assert (registered.status, offered.status) == (S.REGISTERED, S.OFFERED)
    other = make_session(capacity=5)
    kept = register(other, 9)

    # Without a reason, nothing changes and the staff are told why.
    login_verified(client, StaffFactory(role="Formation"))
    changelist = reverse("admin:formation_session_changelist")
    refused = client.post(changelist, {"action": "cancel_sessions", "_selected_action": [session.pk], "reason": ""})
    assert refused.status_code == 302
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED

    response = client.post(
        changelist,
        {"action": "cancel_sessions", "_selected_action": [session.pk], "reason": "Formateur malade"},
        follow=True,
    )
    assert "annulée, 3 personne(s) prévenue(s)" in response.content.decode()
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    statuses = dict(Registration.objects.filter(session=session).values_list("email", "status"))
    assert set(statuses.values()) == {S.CANCELLED}
    for registration in (registered, offered, waiting):
        log = registration.transitions.order_by("pk").last()
        assert (log.to_state, log.comment) == (S.CANCELLED, "Session annulée : Formateur malade")
        email = OutgoingEmail.objects.filter(to=registration.email, kind="formation/registration_cancelled").get()
        assert "Session annulée" in email.subject and "Raison : Formateur malade" in email.body_text
    kept.refresh_from_db()
    assert kept.status == S.REGISTERED  # another session is untouched
    with pytest.raises(registrations.RegistrationError, match="déjà annulée"):
        registrations.cancel_session(session=session, reason="encore")
    started = make_session(capacity=2)
    Session.objects.filter(pk=started.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(registrations.RegistrationError, match="a commencé"):
        registrations.cancel_session(session=started, reason="trop tard")
