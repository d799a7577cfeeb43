"""Buyers' needs through NEED_WORKFLOW: each declared transition allowed with one log row and
one email, every other refused; reasons required; references; the sweeps (auto-refusal after
NEED_CHANGES_DAYS, the survey NEED_SURVEY_DAYS after the deadline) each once; the
« besoins inspirants » anonymity check."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from experimentations import needs
from experimentations.models import Need, NeedTransition
from experimentations.workflows import NEED_WORKFLOW
from lib.workflow import WorkflowError
from messagerie.models import OutgoingEmail
from tests.comptes.factories import StaffFactory
from tests.experimentations.factories import need_values, posted_need

pytestmark = pytest.mark.django_db

S = Need.Status
STATE_EMAIL = "experimentations/besoin_changement_etat"
ALL_STATES = list(S.values)
DECLARED = {(t.source, t.target) for t in NEED_WORKFLOW.transitions}


def emails(kind=STATE_EMAIL, to="achats@saint-paul.re"):
    return OutgoingEmail.objects.filter(kind=kind, to=to)


def in_state(state) -> Need:
    need, _token = posted_need(submit=False)
    Need.objects.filter(pk=need.pk).update(status=state)  # the arrangement only: the services move it below
    need.refresh_from_db()
    return need


def do(need, target, by):
    if target == S.SUBMITTED:
        return needs.submit_need(need=need, by=by)
    return needs.move_need(need=need, target=target, by=by, comment="Précisez le nombre d'écoles.")


@pytest.mark.parametrize("source", ALL_STATES)
@pytest.mark.parametrize("target", ALL_STATES)
def test_every_transition_is_allowed_as_declared_with_one_log_row_and_an_email(source, target):
    staff = StaffFactory(role="Partenariats")
    need = in_state(source)
    logs, mails = NeedTransition.objects.count(), emails().count()
    if (source, target) in DECLARED:
        log = do(need, target, staff)
        need.refresh_from_db()
        assert need.status == target
        assert NeedTransition.objects.count() == logs + 1
        assert (log.from_state, log.to_state, log.by) == (source, target, staff)
        assert emails().count() == mails + 1
    else:
        with pytest.raises(WorkflowError):
            do(need, target, staff)
        need.refresh_from_db()
        assert need.status == source
        assert NeedTransition.objects.count() == logs
        assert emails().count() == mails


@pytest.mark.parametrize("target", [S.CHANGES, S.REFUSED])
def test_a_reason_is_required_to_refuse_or_ask_for_changes_and_is_emailed(target):
    need, _token = posted_need()
    with pytest.raises(needs.NeedError, match="motif"):
        needs.move_need(need=need, target=target, by=None, comment="  ")
    assert Need.objects.get(pk=need.pk).status == S.SUBMITTED
    needs.move_need(need=need, target=target, by=None, comment="Le budget manque.")
    need.refresh_from_db()
    assert "Le budget manque." in (need.refusal_reason + need.changes_requested)
    assert "Le budget manque." in emails().latest("pk").body_text


def test_posting_a_need_numbers_it_sends_its_link_and_tells_the_staff(settings):
    draft, _ = posted_need(submit=False)
    submitted, _ = posted_need()
    year = timezone.localdate().year
    assert (draft.reference, submitted.reference) == (f"ACH-{year}-0001", f"ACH-{year}-0002")
    assert draft.status == S.DRAFT and submitted.status == S.SUBMITTED
    assert draft.transitions.count() == 0 and submitted.transitions.count() == 1
    assert emails().count() == 2
    assert emails("experimentations/besoin_equipe", settings.CONTACT_EMAIL).count() == 1
    # The link is not in the outbox: it is minted when the email leaves.
    assert all("[[lien-personnel:url]]" in mail.body_text for mail in emails())
    assert draft.consent_text == needs.CONSENT_TEXT and draft.consent_at is not None


def test_the_description_is_sanitised():
    need, _ = posted_need(description='<p>Bon</p><script>alert(1)</script><a href="javascript:x()">lien</a>')
    assert "<script" not in need.description and "javascript" not in need.description


def test_a_deadline_in_the_past_is_refused():
    with pytest.raises(needs.NeedError, match="futur"):
        posted_need(answer_deadline=timezone.now() - timedelta(minutes=1))
    assert not Need.objects.exists()


def test_only_a_draft_or_a_need_to_change_is_edited_and_resubmitted():
    need, _ = posted_need(submit=False)
    values = need_values(title="Entretien des jardins des écoles")
    needs.update_need(need=need, values=values, sectors=need.sectors.all(), territories=[], submit=False)
    assert Need.objects.get(pk=need.pk).title == "Entretien des jardins des écoles"
    needs.submit_need(need=need)
    with pytest.raises(needs.NeedError, match="plus modifiable"):
        needs.update_need(need=need, values=values, sectors=[], territories=[], submit=False)
    needs.request_need_changes(need=need, by=None, reason="Ajoutez les quantités.")
    needs.update_need(need=need, values=values, sectors=need.sectors.all(), territories=[], submit=True)
    need.refresh_from_db()
    assert need.status == S.SUBMITTED
    assert list(need.transitions.values_list("to_state", flat=True)) == [S.SUBMITTED, S.CHANGES, S.SUBMITTED]


@pytest.mark.django_db(transaction=True)
def test_two_buyers_posting_at_once_get_different_references():
    if connection.vendor != "postgresql":
        pytest.skip("the lock is PostgreSQL's")
    posted_need()  # the reference data and one need exist
    references, errors = [], []

    def post():
        try:
            need, _ = posted_need()
            references.append(need.reference)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(references)) == 4


def test_a_need_left_to_change_is_refused_after_ten_days_once(settings):
    settings.NEED_CHANGES_DAYS = 10
    need, _ = posted_need()
    needs.request_need_changes(need=need, by=None, reason="Ajoutez les quantités.")
    asked = Need.objects.get(pk=need.pk).changes_requested_at
    assert needs.refuse_stale_needs(now=asked + timedelta(days=9, hours=23)) == 0
    assert needs.refuse_stale_needs(now=asked + timedelta(days=10)) == 1
    assert needs.refuse_stale_needs(now=asked + timedelta(days=11)) == 0
    need.refresh_from_db()
    assert need.status == S.REFUSED and "10 jours" in need.refusal_reason
    assert need.transitions.filter(to_state=S.REFUSED, by=None).count() == 1
    assert "10 jours" in emails().latest("pk").body_text


def test_the_survey_is_sent_seven_days_after_the_deadline_once_and_answered_once(settings):
    settings.NEED_SURVEY_DAYS = 7
    need, _ = posted_need(status=S.SENT)
    other, _ = posted_need(status=S.VALIDATED)  # never sent to suppliers: no survey
    Need.objects.filter(pk__in=[need.pk, other.pk]).update(answer_deadline=timezone.now() - timedelta(days=8))
    deadline = Need.objects.get(pk=need.pk).answer_deadline
    assert needs.send_due_surveys(now=deadline + timedelta(days=6, hours=23)) == 0
    assert needs.send_due_surveys(now=deadline + timedelta(days=7)) == 1
    assert needs.send_due_surveys(now=deadline + timedelta(days=8)) == 0
    assert emails("experimentations/besoin_enquete").count() == 1
    need.refresh_from_db()
    with pytest.raises(needs.NeedError, match="montant"):
        needs.answer_survey(need=need, deal_made=True, deal_amount=None)
    needs.answer_survey(need=need, deal_made=True, deal_amount=12500, comment="Deux lots sur trois.")
    need.refresh_from_db()
    assert (need.deal_made, need.deal_amount) == (True, 12500)
    with pytest.raises(needs.NeedError, match="déjà"):
        needs.answer_survey(need=need, deal_made=False, deal_amount=None)


@pytest.mark.parametrize(
    "text",
    [
        "Mireille Grondin a trouvé trois prestataires.",
        "Contact : grondin pour la suite.",
        "Écrire à achats@saint-paul.re",
        "Appeler le 0262 45 67 89.",
        "Appeler le 02.62.45.67.89.",
    ],
)
def test_an_inspiring_text_that_names_the_contact_is_refused(text):
    need, _ = posted_need(status=S.SENT)
    with pytest.raises(ValidationError):
        needs.set_inspiring(need=need, is_inspiring=True, text=text)
    assert not Need.objects.get(pk=need.pk).is_inspiring


def test_an_anonymous_inspiring_text_is_published_only_once_validated():
    draft, _ = posted_need()
    with pytest.raises(ValidationError):
        needs.set_inspiring(need=draft, is_inspiring=True, text="Une commune confie ses espaces verts à l'ESS.")
    need, _ = posted_need(status=S.SENT)
    needs.set_inspiring(need=need, is_inspiring=True, text="Une commune confie ses espaces verts à l'ESS.")
    assert Need.objects.get(pk=need.pk).is_inspiring
