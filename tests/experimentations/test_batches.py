"""Sending a need to its suppliers in batches through the outbox: the staff's « Envoyer », the
sweep's weekdays and working hours (Réunion time, around midnight), the delay between
batches, the stop conditions, each supplier emailed once, and the one reminder."""

import re
from datetime import UTC, timedelta

import pytest
from django.test import Client

from experimentations import batches
from experimentations.models import Need, NeedTransition, SupplierMatch
from lib.tokens import token_hash
from lib.workflow import WorkflowError
from messagerie.models import OutgoingEmail
from tests.experimentations.factories import make_need, make_supplier, next_monday, sent_need
from tests.helpers.mail import deliver, link_path

pytestmark = pytest.mark.django_db

SUPPLIER_PATH = r"/financer-et-acheter/achats/fournisseur/[\w-]+/"


@pytest.fixture(autouse=True)
def _batches(settings):
    settings.EXPERIMENTATIONS_BATCH_SIZE = 2
    settings.EXPERIMENTATIONS_BATCH_DELAY_HOURS = 24
    settings.EXPERIMENTATIONS_SENDING_WEEKDAYS = [0, 1, 2, 3, 4]
    settings.EXPERIMENTATIONS_SENDING_START_HOUR = 8
    settings.EXPERIMENTATIONS_SENDING_END_HOUR = 17
    settings.EXPERIMENTATIONS_SUPPLIER_REMINDER_DAYS = 5


def emailed(need):
    return list(
        SupplierMatch.objects.filter(need=need, emailed_at__isnull=False).order_by("rank").values_list("rank", "batch")
    )


def outbox(kind=batches.EMAIL_NEED):
    return sorted(OutgoingEmail.objects.filter(kind=kind).values_list("to", flat=True))


# --- « Envoyer aux fournisseurs » -------------------------------------------------------------


def test_sending_moves_the_need_to_envoye_with_a_log_row_and_queues_the_first_batch():
    need = make_need()
    for rank in (1, 2, 3):
        SupplierMatch.objects.create(need=need, organisation=make_supplier(f"F{rank}"), rank=rank)
    now = next_monday(9)
    assert batches.send_to_suppliers(need=need, now=now) == 2
    need.refresh_from_db()
    assert need.status == Need.Status.SENT and need.sent_at == now
    assert list(NeedTransition.objects.filter(subject=need).values_list("from_state", "to_state")) == [
        ("valide", "envoye")
    ]
    assert emailed(need) == [(1, 1), (2, 1)]
    assert len(outbox()) == 2


def test_sending_out_of_hours_only_moves_the_need_the_sweep_sends_at_the_next_working_hour():
    need = make_need()
    SupplierMatch.objects.create(need=need, organisation=make_supplier("F"), rank=1)
    saturday = next_monday(10) - timedelta(days=2)
    assert batches.send_to_suppliers(need=need, now=saturday) == 0
    assert Need.objects.get(pk=need.pk).status == Need.Status.SENT
    assert batches.send_due_batches(now=saturday + timedelta(days=2)) == 1


@pytest.mark.parametrize(
    ("status", "message"),
    [(Need.Status.SUBMITTED, "Seul un besoin validé"), (Need.Status.SENT, "Seul un besoin validé")],
)
def test_only_a_validated_need_is_sent(status, message):
    need = make_need(status=status)
    with pytest.raises(WorkflowError, match=message):
        batches.send_to_suppliers(need=need, now=next_monday())


def test_a_need_without_a_supplier_to_email_or_past_its_deadline_is_not_sent():
    need = make_need()
    SupplierMatch.objects.create(need=need, organisation=make_supplier("Sans courriel", email=""), rank=1)
    SupplierMatch.objects.create(need=need, organisation=make_supplier("Écarté"), rank=2, included=False)
    with pytest.raises(WorkflowError, match="Aucun fournisseur retenu n'a d'adresse"):
        batches.send_to_suppliers(need=need, now=next_monday())
    late = make_need(answer_deadline=next_monday() - timedelta(minutes=1))
    with pytest.raises(WorkflowError, match="La date limite de réponse est passée"):
        batches.send_to_suppliers(need=late, now=next_monday())
    assert Need.objects.get(pk=need.pk).status == Need.Status.VALIDATED


# --- The sweep ------------------------------------------------------------------------------


def test_batches_follow_the_ranks_and_the_delay_and_each_supplier_is_emailed_once():
    need = sent_need(suppliers=5)
    monday = next_monday(9)
    assert batches.send_due_batches(now=monday) == 2
    assert batches.send_due_batches(now=monday) == 0  # the same sweep again
    assert batches.send_due_batches(now=monday + timedelta(hours=23, minutes=59)) == 0  # before the delay
    assert batches.send_due_batches(now=monday + timedelta(hours=24)) == 2
    assert batches.send_due_batches(now=monday + timedelta(hours=48)) == 1
    assert batches.send_due_batches(now=monday + timedelta(hours=72)) == 0
    assert emailed(need) == [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3)]
    assert OutgoingEmail.objects.filter(kind=batches.EMAIL_NEED).count() == 5
    assert len(set(outbox())) == 5


def test_suppliers_left_out_or_without_email_are_skipped():
    need = sent_need(suppliers=2)
    SupplierMatch.objects.filter(need=need, rank=1).update(included=False)
    SupplierMatch.objects.create(need=need, organisation=make_supplier("Sans adresse", email=""), rank=0)
    batches.send_due_batches(now=next_monday())
    assert emailed(need) == [(2, 1)]


@pytest.mark.parametrize(
    ("offset", "sends"),
    [
        (timedelta(hours=7, minutes=59), False),  # Monday 07:59
        (timedelta(hours=8), True),  # Monday 08:00
        (timedelta(hours=16, minutes=59), True),
        (timedelta(hours=17), False),  # Monday 17:00: the end is excluded
        (timedelta(days=4, hours=16, minutes=59), True),  # Friday 16:59
        (timedelta(days=5, hours=10), False),  # Saturday
        (timedelta(days=6, hours=10), False),  # Sunday
    ],
)
def test_the_sweep_sends_on_weekdays_within_working_hours_reunion_time(offset, sends):
    need = sent_need(suppliers=1)
    monday_midnight = next_monday(0)
    assert batches.send_due_batches(now=monday_midnight + offset) == (1 if sends else 0)
    assert bool(emailed(need)) is sends


def test_the_weekday_is_reunion_s_around_midnight(settings):
    """Monday 00:00 in Réunion is still Sunday 20:00 in UTC: it is a Monday here."""
    settings.EXPERIMENTATIONS_SENDING_START_HOUR, settings.EXPERIMENTATIONS_SENDING_END_HOUR = 0, 24
    need = sent_need(suppliers=1)
    monday = next_monday(0)
    in_utc = monday.astimezone(UTC)
    assert (in_utc.weekday(), in_utc.hour) == (6, 20)
    assert batches.send_due_batches(now=monday - timedelta(minutes=1)) == 0  # Sunday 23:59
    assert batches.send_due_batches(now=monday) == 1
    assert emailed(need) == [(1, 1)]


def test_sending_stops_when_enough_suppliers_are_interested():
    need = sent_need(suppliers=5, wanted_answers=1)
    monday = next_monday(9)
    batches.send_due_batches(now=monday)
    first = SupplierMatch.objects.get(need=need, rank=1)
    batches.answer_need(match=first, interested=True, now=monday + timedelta(hours=1))
    assert batches.send_due_batches(now=monday + timedelta(days=1)) == 0
    assert len(emailed(need)) == 2


def test_sending_stops_at_the_deadline_midnight_reunion_time(settings):
    settings.EXPERIMENTATIONS_SENDING_WEEKDAYS = list(range(7))
    settings.EXPERIMENTATIONS_SENDING_START_HOUR, settings.EXPERIMENTATIONS_SENDING_END_HOUR = 0, 24
    settings.EXPERIMENTATIONS_BATCH_DELAY_HOURS = 0
    deadline = next_monday(0)  # Monday 00:00, Réunion time
    need = sent_need(suppliers=3, answer_deadline=deadline)
    assert batches.send_due_batches(now=deadline - timedelta(minutes=1)) == 2  # Sunday 23:59
    assert batches.send_due_batches(now=deadline) == 0
    assert len(emailed(need)) == 2


def test_a_need_not_sent_or_closed_gets_no_batch():
    need = sent_need(suppliers=1)
    Need.objects.filter(pk=need.pk).update(status=Need.Status.CLOSED)
    assert batches.send_due_batches(now=next_monday()) == 0


# --- The email and its private link ---------------------------------------------------------


def test_the_email_says_why_and_by_when_and_its_link_opens_the_supplier_s_page(client):
    need = sent_need(suppliers=1, title="Traiteur pour 200 repas")
    batches.send_due_batches(now=next_monday())
    email = OutgoingEmail.objects.get(kind=batches.EMAIL_NEED)
    assert "[[lien-personnel:url]]" in email.body_text and "/fournisseur/" not in email.body_text
    message = deliver(email)
    assert message.subject == "Un acheteur cherche un fournisseur de l'ESS : Traiteur pour 200 repas"
    assert "Pourquoi vous :\n- Secteur : " in message.body
    assert "(heure de La Réunion)" in message.body
    path = link_path(message, SUPPLIER_PATH)
    token = re.search(r"fournisseur/([\w-]+)/", path).group(1)
    match = SupplierMatch.objects.get(need=need)
    assert match.token_hash == token_hash(token)
    page = client.get(path)
    assert page.status_code == 200 and "Traiteur pour 200 repas" in page.text


# --- The reminder ---------------------------------------------------------------------------


def test_one_reminder_after_n_days_to_suppliers_who_have_not_answered():
    need = sent_need(suppliers=3)
    monday = next_monday(9)
    batches.send_due_batches(now=monday)
    answered = SupplierMatch.objects.get(need=need, rank=1)
    batches.answer_need(match=answered, interested=False, reason="capacite", now=monday + timedelta(hours=2))
    assert batches.remind_suppliers(now=monday + timedelta(days=4, hours=23)) == 0
    assert batches.remind_suppliers(now=monday + timedelta(days=7)) == 1  # the next Monday (5 days passed)
    assert batches.remind_suppliers(now=monday + timedelta(days=8)) == 0
    reminded = SupplierMatch.objects.get(need=need, rank=2)
    assert reminded.reminded_at is not None
    assert outbox(batches.EMAIL_REMINDER) == [reminded.email]
    message = deliver(OutgoingEmail.objects.get(kind=batches.EMAIL_REMINDER))
    assert message.subject.startswith("Rappel : un acheteur attend votre réponse")
    assert Client().get(link_path(message, SUPPLIER_PATH)).status_code == 200


def test_no_reminder_after_the_deadline():
    monday = next_monday(9)
    need = sent_need(suppliers=1, answer_deadline=monday + timedelta(days=6))
    batches.send_due_batches(now=monday)
    assert batches.remind_suppliers(now=monday + timedelta(days=7)) == 0
    assert not OutgoingEmail.objects.filter(kind=batches.EMAIL_REMINDER).exists()
    assert SupplierMatch.objects.get(need=need).reminded_at is None


def test_no_reminder_once_enough_suppliers_are_interested_nor_out_of_hours():
    monday = next_monday(9)
    need = sent_need(suppliers=2, wanted_answers=1)
    batches.send_due_batches(now=monday)
    assert batches.remind_suppliers(now=monday + timedelta(days=5, hours=1)) == 0  # Saturday
    batches.answer_need(match=SupplierMatch.objects.get(need=need, rank=1), interested=True, now=monday)
    assert batches.remind_suppliers(now=monday + timedelta(days=7)) == 0
