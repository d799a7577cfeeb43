"""A CRESS membership moves through its declared states only (the buttons of its admin page),
each change logged; a fee is marked paid only with its amount and date; the badge follows."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from appartenance.badges import BadgeState, current_badges
from appartenance.memberships import MEMBERSHIP_WORKFLOW, change_membership_state
from appartenance.models_badges import Membership, MembershipState, MembershipTransition
from comptes.roles import COMMUNICATION, DIRECTION
from lib.workflow import TransitionNotAllowed, WorkflowError
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db
State = MembershipState

ALLOWED = {
    (State.PENDING, State.PAID),
    (State.PENDING, State.WAIVED),
    (State.PENDING, State.CANCELLED),
    (State.PAID, State.CANCELLED),
    (State.WAIVED, State.CANCELLED),
    (State.CANCELLED, State.PENDING),
}


def membership_in(state) -> Membership:
    """A membership of this year brought to `state` by the workflow itself."""
    membership = Membership.objects.create(
        organisation=OrganisationFactory(),
        year=timezone.localdate().year,
        fee_amount="120.00",
        fee_paid_on=date(timezone.localdate().year, 1, 10),
    )
    path = {
        State.PENDING: [],
        State.PAID: [State.PAID],
        State.WAIVED: [State.WAIVED],
        State.CANCELLED: [State.CANCELLED],
    }[state]
    for target in path:
        change_membership_state(membership=membership, target=target)
    membership.refresh_from_db()
    return membership


@pytest.mark.parametrize("source", list(State))
@pytest.mark.parametrize("target", list(State))
def test_every_change_of_state_is_allowed_or_refused_as_declared(source, target):
    membership = membership_in(source)
    logs_before = MembershipTransition.objects.count()
    if (source, target) in ALLOWED:
        log = change_membership_state(membership=membership, target=target, comment="vu en bureau")
        membership.refresh_from_db()
        assert membership.state == target
        assert (log.from_state, log.to_state, log.comment) == (source, target, "vu en bureau")
    else:
        with pytest.raises(TransitionNotAllowed):
            change_membership_state(membership=membership, target=target)
        membership.refresh_from_db()
        assert membership.state == source
        assert MembershipTransition.objects.count() == logs_before
    assert {(t.source, t.target) for t in MEMBERSHIP_WORKFLOW.transitions} == ALLOWED


def test_a_fee_is_marked_paid_only_with_its_amount_and_date():
    membership = Membership.objects.create(organisation=OrganisationFactory(), year=timezone.localdate().year)
    with pytest.raises(WorkflowError, match="montant de la cotisation et la date de règlement"):
        change_membership_state(membership=membership, target=State.PAID)
    membership.refresh_from_db()
    assert membership.state == State.PENDING and not membership.transitions.exists()


def test_the_badge_follows_the_membership():
    membership = membership_in(State.PENDING)
    organisation = membership.organisation
    assert current_badges([organisation])[organisation.pk] is None
    change_membership_state(membership=membership, target=State.PAID)
    assert current_badges([organisation])[organisation.pk].state == BadgeState.VALID
    change_membership_state(membership=membership, target=State.CANCELLED)
    assert current_badges([organisation])[organisation.pk] is None


def test_staff_move_a_membership_with_the_buttons_and_read_its_log(client):
    communication = StaffFactory(role=COMMUNICATION)
    login_verified(client, communication)
    membership = Membership.objects.create(organisation=OrganisationFactory(), year=timezone.localdate().year)
    change_url = reverse("admin:appartenance_membership_change", args=[membership.pk])
    page = client.get(change_url).content.decode()
    assert "Suivi de l'adhésion" in page and "etat/reglee/" in page and "Exonérer de cotisation" in page
    # The state is not a field of the form: posting it changes nothing.
    client.post(
        change_url,
        {"organisation": membership.organisation_id, "year": membership.year, "state": State.PAID,
         "fee_amount": "", "fee_paid_on": "", "_continue": "1",
         "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0"},
    )  # fmt: skip
    membership.refresh_from_db()
    assert membership.state == State.PENDING

    transition = reverse("admin:appartenance_membership_transition", args=[membership.pk, State.PAID])
    refused = client.post(transition, {"comment": ""}, follow=True).content.decode()
    assert "montant de la cotisation et la date de règlement" in refused
    membership.refresh_from_db()
    assert membership.state == State.PENDING

    Membership.objects.filter(pk=membership.pk).update(fee_amount="80.00", fee_paid_on=timezone.localdate())
    done = client.post(transition, {"comment": "Virement reçu"}, follow=True).content.decode()
    assert "cotisation réglée" in done
    membership.refresh_from_db()
    assert membership.state == State.PAID
    log = membership.transitions.get()
    assert (log.from_state, log.to_state, log.by, log.comment) == (
        State.PENDING,
        State.PAID,
        communication,
        "Virement reçu",
    )
    page = client.get(change_url).content.decode()
    assert "Journal" in page and "Virement reçu" in page and "Annuler l&#x27;adhésion" in page
    # A transition the workflow does not have is refused with a message.
    refused = client.post(
        reverse("admin:appartenance_membership_transition", args=[membership.pk, State.WAIVED]), follow=True
    ).content.decode()
    assert "Transition refusée" in refused


def test_direction_reads_a_membership_but_cannot_move_it(client):
    membership = membership_in(State.PENDING)
    Membership.objects.filter(pk=membership.pk).update(fee_amount="80.00", fee_paid_on=timezone.localdate())
    login_verified(client, StaffFactory(role=DIRECTION))
    page = client.get(reverse("admin:appartenance_membership_change", args=[membership.pk])).content.decode()
    assert "Suivi de l'adhésion" in page and "etat/reglee/" not in page
    response = client.post(reverse("admin:appartenance_membership_transition", args=[membership.pk, State.PAID]))
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.state == State.PENDING
