import pytest

from accueil.models import IntakeRequest, RequestTransition
from accueil.services import REQUEST_WORKFLOW, IntakeError, transition_request
from lib.workflow import TransitionNotAllowed
from messagerie.models import OutgoingEmail
from tests.accueil.factories import make_request

pytestmark = pytest.mark.django_db
S = IntakeRequest.Status
ALLOWED = {(t.source, t.target) for t in REQUEST_WORKFLOW.transitions}
ALL_PAIRS = [(a, b) for a in S.values for b in S.values if a != b]


def request_in(state):
    intake, _token = make_request()
    IntakeRequest.objects.filter(pk=intake.pk).update(status=state)  # test set-up only
    intake.refresh_from_db()
    return intake


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_every_allowed_transition_works_and_logs_one_row(source, target):
    intake = request_in(source)
    outcome = "projet_cree" if target == S.CLOSED else ""
    transition_request(intake=intake, target=target, comment="ok", outcome=outcome)
    intake.refresh_from_db()
    assert intake.status == target
    logs = RequestTransition.objects.filter(subject=intake)
    assert logs.count() == 1
    assert (logs.get().from_state, logs.get().to_state) == (source, target)


@pytest.mark.parametrize(("source", "target"), sorted(pair for pair in ALL_PAIRS if pair not in ALLOWED))
def test_every_other_transition_is_refused_and_logs_nothing(source, target):
    intake = request_in(source)
    with pytest.raises(TransitionNotAllowed):
        transition_request(intake=intake, target=target, outcome="sans_suite" if target == S.CLOSED else "")
    intake.refresh_from_db()
    assert intake.status == source
    assert not RequestTransition.objects.filter(subject=intake).exists()


def test_closing_needs_an_outcome_and_records_it():
    intake = request_in(S.FOLLOW_UP)
    with pytest.raises(IntakeError):
        transition_request(intake=intake, target=S.CLOSED)
    transition_request(intake=intake, target=S.CLOSED, outcome="projet_cree")
    intake.refresh_from_db()
    assert intake.outcome == "projet_cree" and intake.closed_at is not None


def test_holder_is_told_of_each_step():
    intake = request_in(S.NEW)
    transition_request(intake=intake, target=S.QUALIFYING)
    email = OutgoingEmail.objects.filter(kind="accueil/changement_etat").get()
    assert email.to == intake.email and "étudie votre demande" in email.body_text


def test_staff_are_reminded_of_stale_requests_once_a_day(settings):
    from datetime import timedelta

    from django.utils import timezone

    from accueil.services import remind_staff_of_stale_requests
    from tests.comptes.factories import StaffFactory

    nadia = StaffFactory(role="Accueil", email="nadia@exemple.re")
    assigned = request_in(S.QUALIFYING)
    unassigned = request_in(S.NEW)
    fresh = request_in(S.NEW)
    IntakeRequest.objects.filter(pk=assigned.pk).update(assigned_to=nadia)
    IntakeRequest.objects.filter(pk__in=[assigned.pk, unassigned.pk]).update(
        last_activity_at=timezone.now() - timedelta(days=10)
    )
    assert remind_staff_of_stale_requests() == 2
    to_nadia = OutgoingEmail.objects.get(kind="accueil/relance_equipe", to="nadia@exemple.re")
    assert assigned.reference in to_nadia.body_text and unassigned.reference not in to_nadia.body_text
    to_team = OutgoingEmail.objects.get(kind="accueil/relance_equipe", to=settings.CONTACT_EMAIL)
    assert unassigned.reference in to_team.body_text and fresh.reference not in to_team.body_text
    remind_staff_of_stale_requests()
    assert OutgoingEmail.objects.filter(kind="accueil/relance_equipe").count() == 2
