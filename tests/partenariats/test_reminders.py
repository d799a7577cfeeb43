"""Action 1's reminders and daily follow-up (partenariats/reminders.py): each reminder at
its moment, to the convention's or the commitment's staff owner, never before and never
twice; commitments past due « en retard » and conventions past their end « échue », one
log row each. The sweeps are given their `now`, in Réunion time."""

import copy
import re
import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cress.env import envintlist
from messagerie.models import OutgoingEmail
from partenariats import reminders, tasks_reminders
from partenariats.models import Commitment, CommitmentTransition, Convention, ConventionTransition
from tests.comptes.factories import StaffFactory, UserFactory
from tests.helpers.auth import login_verified
from tests.helpers.mail import deliver
from tests.partenariats.factories import make_commitment, make_committee, make_convention, make_partner

pytestmark = pytest.mark.django_db

END = date(2031, 6, 30)  # a Monday
START = date(2030, 7, 1)
Kind = reminders.EmailKind
Late = Commitment.Status.LATE


def at(day: date, hour: int = 8, minute: int = 0) -> datetime:
    """`day` at a time of day in Réunion."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def before_end(days: int, end: date = END) -> datetime:
    return at(end - timedelta(days=days))


def sweep(now: datetime) -> dict:
    return reminders.sweep_conventions(now=now)


def queued(kind: str) -> list[tuple[str, str]]:
    """(address, dedup key) of each email of `kind`, in the order queued."""
    return list(OutgoingEmail.objects.filter(kind=kind).order_by("pk").values_list("to", "dedup_key"))


def owner(email: str = "lea@cress.re", **fields):
    """A member of the Partenariats staff (the same one for the same address)."""
    found = get_user_model().objects.filter(email=email).first()
    return found or StaffFactory(email=email, first_name="Léa", role="Partenariats", **fields)


def convention(*, status: str = "en_vigueur", end: date = END, **fields) -> Convention:
    if "owner" not in fields:
        fields["owner"] = owner()
    return make_convention(status=status, start=START, end=end, **fields)


def admin_path(message, model: str) -> str:
    found = re.search(rf"https?://[^/\s]+(/gestion/partenariats/{model}/\d+/change/)", message.body)
    assert found, f"no link to the {model} in:\n{message.body}"
    return found.group(1)


def open_as(person, path: str) -> str:
    client = Client()
    login_verified(client, person)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


# --- The end of a convention ---------------------------------------------------------------


def test_the_owner_is_reminded_90_then_30_days_before_the_end_each_once_and_never_before():
    lea = owner()
    signed = convention(owner=lea)

    assert sweep(before_end(91))["end_reminders"] == 0, "not before its day"
    assert sweep(before_end(90))["end_reminders"] == 1
    assert sweep(before_end(90) + timedelta(hours=3))["end_reminders"] == 0, "the next hour's sweep"
    for days in (89, 60, 31):
        assert sweep(before_end(days))["end_reminders"] == 0
    assert sweep(before_end(30))["end_reminders"] == 1
    for days in (29, 1, 0):
        assert sweep(before_end(days))["end_reminders"] == 0

    assert queued(Kind.END) == [
        ("lea@cress.re", f"partenariats-fin:{signed.pk}:2031-06-30:90"),
        ("lea@cress.re", f"partenariats-fin:{signed.pk}:2031-06-30:30"),
    ]


def test_the_end_reminder_says_what_comes_and_links_to_the_convention_in_the_admin():
    lea = owner()
    partner = make_partner(name="Chambre de métiers et de l'artisanat")
    signed = convention(owner=lea, reference="CONV-2026-007", title="Orientation des créateurs", status="a_renouveler")
    signed.parties.set([partner])
    make_commitment(signed, due=END - timedelta(days=10))
    make_commitment(signed, due=END - timedelta(days=200), status="tenu")
    sweep(before_end(90))

    message = deliver(OutgoingEmail.objects.get(kind=Kind.END))

    assert message.to == ["lea@cress.re"]
    assert message.subject == "Convention CONV-2026-007 : fin le 30 juin 2031, dans 90 jours"
    assert "Bonjour Léa," in message.body
    assert (
        "La convention CONV-2026-007 « Orientation des créateurs » (Chambre de métiers et de l'artisanat) "
        "arrive à échéance le 30 juin 2031 : dans 90 jours." in message.body
    )
    assert "État : À renouveler. Engagement encore ouvert : 1." in message.body
    assert "« renouvelée par »" in message.body and "avenant" in message.body
    path = admin_path(message, "convention")
    assert path == f"/gestion/partenariats/convention/{signed.pk}/change/"
    assert "CONV-2026-007" in open_as(lea, path)


def test_on_the_last_day_the_reminder_says_today():
    convention(end=END)
    sweep(before_end(0))
    message = deliver(OutgoingEmail.objects.get(kind=Kind.END))
    assert message.subject.endswith(": fin aujourd’hui")
    assert "c'est aujourd'hui" in message.body


def test_a_sweep_that_missed_the_day_sends_the_reminder_late_but_only_the_latest_when_two_are_due():
    """Beat stopped a few days: the 90-day reminder goes late, saying how many days are left.
    Recorded (or swept for the first time) within 30 days of its end, a convention gets only
    the 30-day reminder: the 90-day one would say the same thing less accurately, the same day."""
    caught_up = convention(owner=owner("lea@cress.re"))
    assert sweep(before_end(85))["end_reminders"] == 1
    assert sweep(before_end(12))["end_reminders"] == 1
    assert [key for _, key in queued(Kind.END)] == [
        f"partenariats-fin:{caught_up.pk}:2031-06-30:90",
        f"partenariats-fin:{caught_up.pk}:2031-06-30:30",
    ]
    assert "dans 85 jours" in deliver(OutgoingEmail.objects.get(dedup_key__endswith=":90")).subject

    recorded_late = convention(owner=owner("paul@cress.re"))
    assert sweep(before_end(12))["end_reminders"] == 1
    assert sweep(before_end(2))["end_reminders"] == 0
    assert queued(Kind.END)[2:] == [("paul@cress.re", f"partenariats-fin:{recorded_late.pk}:2031-06-30:30")]


def test_an_end_moved_by_an_amendment_gets_its_own_reminders():
    from partenariats import services

    signed = convention(status="a_renouveler")
    sweep(before_end(30))
    later = END + timedelta(days=180)
    # The amendment is signed: the end moves (as record_amendment does) and the convention is prolonged.
    Convention.objects.filter(pk=signed.pk).update(end_date=later)
    services.move_convention(signed, Convention.Status.ACTIVE)

    assert sweep(before_end(29))["end_reminders"] == 0, "the new end is 209 days away"
    assert sweep(before_end(90, later))["end_reminders"] == 1
    assert sweep(before_end(30, later))["end_reminders"] == 1
    assert [key for _, key in queued(Kind.END)] == [
        f"partenariats-fin:{signed.pk}:2031-06-30:30",
        f"partenariats-fin:{signed.pk}:2031-12-27:90",
        f"partenariats-fin:{signed.pk}:2031-12-27:30",
    ]
    assert "fin le 27 décembre 2031" in deliver(OutgoingEmail.objects.filter(kind=Kind.END).latest("pk")).subject


def test_an_end_brought_forward_is_reminded_at_once_with_its_new_date():
    signed = convention()
    sweep(before_end(60))
    Convention.objects.filter(pk=signed.pk).update(end_date=END - timedelta(days=40))
    assert sweep(before_end(60))["end_reminders"] == 1, "20 days left before the new end"
    assert queued(Kind.END)[-1][1] == f"partenariats-fin:{signed.pk}:2031-05-21:30"


@pytest.mark.parametrize("status", ["projet", "en_signature", "echue", "resiliee"])
def test_no_end_reminder_for_a_convention_not_in_force(status):
    convention(status=status)
    for days in (90, 30, 0):
        sweep(before_end(days))
    assert queued(Kind.END) == []


def test_no_end_reminder_for_a_convention_already_renewed():
    successor = convention(end=END + timedelta(days=365), owner=None)
    renewed = convention(status="a_renouveler")
    Convention.objects.filter(pk=renewed.pk).update(renewed_by=successor)
    for days in (90, 30, 0):
        sweep(before_end(days))
    assert queued(Kind.END) == []


def test_no_end_reminder_without_an_active_staff_owner():
    convention(owner=None)
    convention(owner=owner("parti@cress.re", is_active=False))
    convention(owner=UserFactory(email="plus-staff@cress.re"))  # no longer on the staff
    for days in (90, 30):
        sweep(before_end(days))
    assert queued(Kind.END) == []


# --- States that change by themselves ------------------------------------------------------


def test_a_convention_in_force_past_its_end_becomes_echue_once_renewed_or_not():
    active = convention(status="en_vigueur")
    to_renew = convention(status="a_renouveler")
    successor = convention(end=END + timedelta(days=365))
    renewed = convention(status="en_vigueur")
    Convention.objects.filter(pk=renewed.pk).update(renewed_by=successor)
    draft = convention(status="projet")
    terminated = convention(status="resiliee")

    assert sweep(at(END, 23, 59))["expired_conventions"] == 0, "in force through its last day"
    after_end = sweep(at(END + timedelta(days=1), 0, 35))
    assert (after_end["expired_conventions"], after_end["end_reminders"]) == (3, 0)
    assert sweep(at(END + timedelta(days=2)))["expired_conventions"] == 0

    for expired in (active, to_renew, renewed):
        expired.refresh_from_db()
        assert expired.status == Convention.Status.EXPIRED
        [log] = ConventionTransition.objects.filter(subject=expired, to_state=Convention.Status.EXPIRED)
        assert (log.by, log.comment) == (None, "échéance atteinte")
    assert Convention.objects.get(pk=draft.pk).status == Convention.Status.DRAFT
    assert Convention.objects.get(pk=terminated.pk).status == Convention.Status.TERMINATED
    assert Convention.objects.get(pk=successor.pk).status == Convention.Status.ACTIVE


def test_commitments_past_due_become_late_once_each_with_one_log_row():
    today = date(2031, 3, 10)
    live = convention()
    todo = make_commitment(live, due=today - timedelta(days=1))
    started = make_commitment(live, due=today - timedelta(days=30), status="en_cours")
    due_today = make_commitment(live, due=today)
    untouched = [
        make_commitment(live, due=today - timedelta(days=5), status=status)
        for status in ("tenu", "declare_tenu", "abandonne", "en_retard")
    ]
    draft_commitment = make_commitment(convention(status="projet"), due=today - timedelta(days=5))
    ended_commitment = make_commitment(convention(status="echue"), due=today - timedelta(days=5))

    assert sweep(at(today))["late_commitments"] == 2
    assert sweep(at(today, 9))["late_commitments"] == 0

    for commitment in (todo, started):
        commitment.refresh_from_db()
        assert commitment.status == Late
        [log] = CommitmentTransition.objects.filter(subject=commitment, to_state=Late)
        assert (log.by, log.comment) == (None, "échéance dépassée")
    assert Commitment.objects.get(pk=due_today.pk).status == Commitment.Status.TODO, "due today: not late yet"
    assert [Commitment.objects.get(pk=c.pk).status for c in untouched] == [c.status for c in untouched]
    assert CommitmentTransition.objects.filter(to_state=Late).count() == 3, "2 moved, 1 made late by the factory"
    for left in (draft_commitment, ended_commitment):
        assert Commitment.objects.get(pk=left.pk).status == Commitment.Status.TODO


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_queue_each_reminder_once_and_log_each_move_once():
    lea = owner()
    conventions = [convention(owner=lea) for _ in range(6)]
    for signed in conventions:
        make_commitment(signed, due=END - timedelta(days=120))
    now = before_end(30)
    barrier, results, errors = threading.Barrier(4), [], []

    def run():
        try:
            barrier.wait()
            results.append(sweep(now))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(result["end_reminders"] for result in results) == 6
    assert sum(result["late_commitments"] for result in results) == 6
    assert OutgoingEmail.objects.filter(kind=Kind.END).count() == 6
    assert CommitmentTransition.objects.filter(to_state=Late).count() == 6


# --- The committee -------------------------------------------------------------------------


def test_the_owner_is_reminded_to_prepare_a_committee_ten_days_before_once(settings):
    settings.SITE_URL = "https://portail.ess-reunion.re"
    lea = owner()
    signed = convention(owner=lea, reference="CONV-2026-012")
    held_at = at(date(2031, 3, 20), 9, 30)
    committee = make_committee(
        signed, held_at=held_at, place="CCI Réunion, Saint-Denis", agenda="Bilan de l'année\n- Plan 2032"
    )
    open_one = make_commitment(signed, title="Forum de l'ESS à Saint-Pierre", due=date(2031, 4, 1))
    make_commitment(signed, title="Guide déjà publié", due=date(2031, 1, 1), status="tenu")

    assert sweep(held_at - timedelta(days=10, minutes=1))["committee_reminders"] == 0
    assert sweep(held_at - timedelta(days=10))["committee_reminders"] == 1
    assert sweep(held_at - timedelta(days=2))["committee_reminders"] == 0
    assert sweep(held_at + timedelta(hours=1))["committee_reminders"] == 0

    [(to, key)] = queued(Kind.COMMITTEE)
    assert (to, key) == ("lea@cress.re", f"partenariats-comite:{committee.pk}:20310320T053000Z")
    message = deliver(OutgoingEmail.objects.get(kind=Kind.COMMITTEE))
    assert message.subject == "À préparer : comité de pilotage de la convention CONV-2026-012, le 20 mars 2031"
    assert "se tient le jeudi 20 mars 2031 à 9 h 30 (heure de La Réunion), CCI Réunion, Saint-Denis" in message.body
    assert "dans 10 jours" in message.body
    assert "- Bilan de l'année\n- Plan 2032\n" in message.body
    assert f"- {open_one.title} (CRESS La Réunion) : échéance le 1er avril 2031, à faire" in message.body
    assert "Guide déjà publié" not in message.body
    assert "https://portail.ess-reunion.re/gestion/partenariats/committee/" in message.body
    assert "Bilan de l" in open_as(lea, admin_path(message, "committee"))
    assert "CONV-2026-012" in open_as(lea, admin_path(message, "convention"))


def test_a_moved_committee_is_reminded_again_for_its_new_date():
    signed = convention()
    held_at = at(date(2031, 3, 20), 9, 30)
    committee = make_committee(signed, held_at=held_at)
    sweep(held_at - timedelta(days=9))
    moved = held_at + timedelta(days=14)
    type(committee).objects.filter(pk=committee.pk).update(held_at=moved)

    assert sweep(held_at - timedelta(days=5))["committee_reminders"] == 0, "now 19 days away"
    assert sweep(moved - timedelta(days=10))["committee_reminders"] == 1
    assert [key.rsplit(":", 1)[1] for _, key in queued(Kind.COMMITTEE)] == ["20310320T053000Z", "20310403T053000Z"]


def test_no_committee_reminder_for_a_convention_not_in_force_or_without_owner():
    held_at = at(date(2031, 3, 20), 9, 30)
    for signed in (convention(status="resiliee"), convention(status="projet"), convention(owner=None)):
        make_committee(signed, held_at=held_at)
    assert sweep(held_at - timedelta(days=5))["committee_reminders"] == 0


# --- The weekly digest ---------------------------------------------------------------------

MONDAY = date(2031, 3, 10)


def digest(day: date = MONDAY, hour: int = 7) -> int:
    return reminders.send_weekly_digests(now=at(day, hour))


def test_the_digest_lists_each_owners_overdue_and_due_soon_commitments_by_convention(settings):
    lea, paul = owner("lea@cress.re"), owner("paul@cress.re")
    partner = make_partner(name="URSCOP")
    first = convention(reference="CONV-2026-001", title="Coopératives")
    second = convention(reference="CONV-2026-002", title="Emploi", status="a_renouveler")
    ended = convention(reference="CONV-2026-003", status="echue")

    def commitment(signed, title, days, status="a_faire", who=lea, **fields):
        due = MONDAY + timedelta(days=days)
        return make_commitment(signed, title=title, due=due, status=status, owner=who, **fields)

    commitment(first, "Rapport annuel", -20, "en_retard")
    commitment(first, "Forum des coopératives", -2, party=partner)  # past due, the sweep not run yet
    commitment(first, "Atelier SCIC", 10, "en_cours")
    commitment(first, "Trop lointain", 20)
    commitment(first, "Déjà tenu", -5, "tenu")
    commitment(first, "Abandonné", -5, "abandonne")
    commitment(second, "Bilan des orientations", 14, "declare_tenu")
    commitment(ended, "Convention échue", -3)
    commitment(first, "Pour Paul", 3, who=paul)
    commitment(first, "Sans responsable", -1, who=None)

    assert digest() == 2

    assert queued(Kind.DIGEST) == [
        ("lea@cress.re", f"partenariats-recap:{lea.pk}:2031-W11"),
        ("paul@cress.re", f"partenariats-recap:{paul.pk}:2031-W11"),
    ]
    message = deliver(OutgoingEmail.objects.get(to="lea@cress.re"))
    assert message.subject == "Vos engagements de la semaine 11 : 2 en retard, 2 à échéance proche"
    body = message.body
    for absent in ("Trop lointain", "Déjà tenu", "Abandonné", "Convention échue", "Pour Paul", "Sans responsable"):
        assert absent not in body
    order = [
        "CONV-2026-001 — Coopératives",
        "En retard :",
        "- Rapport annuel (CRESS La Réunion) : échéance le 18 février 2031, en retard",
        "- Forum des coopératives (URSCOP) : échéance le 8 mars 2031, à faire",
        "À échéance proche :",
        "- Atelier SCIC (CRESS La Réunion) : échéance le 20 mars 2031, en cours",
        f"La convention : {settings.SITE_URL}/gestion/partenariats/convention/{first.pk}/change/",
        "CONV-2026-002 — Emploi",
        "À échéance proche :",
        "- Bilan des orientations (CRESS La Réunion) : échéance le 24 mars 2031, déclaré tenu, à confirmer",
        f"La convention : {settings.SITE_URL}/gestion/partenariats/convention/{second.pk}/change/",
    ]
    position = 0
    for line in order:  # each line, in this order
        assert line in body[position:], f"« {line} » missing or out of order in:\n{body}"
        position = body.index(line, position) + len(line)
    assert "Rapport annuel" in open_as(lea, admin_path(message, "commitment"))


def test_one_digest_per_owner_and_week_and_none_when_nothing_is_due():
    lea = owner()
    signed = convention(owner=lea)
    make_commitment(signed, due=MONDAY + timedelta(days=3), owner=lea)
    make_commitment(signed, due=MONDAY + timedelta(days=30), owner=owner("paul@cress.re"))  # not due soon
    make_commitment(signed, due=MONDAY - timedelta(days=3), owner=owner("parti@cress.re", is_active=False))
    make_commitment(signed, due=MONDAY - timedelta(days=3), owner=UserFactory(email="ancien@cress.re"))

    assert digest() == 1
    assert digest(MONDAY, 9) == 0, "beat run twice on Monday"
    assert digest(MONDAY + timedelta(days=2)) == 0, "a sweep later that week"
    assert digest(MONDAY + timedelta(days=7)) == 1, "the next Monday"
    assert [to for to, _ in queued(Kind.DIGEST)] == ["lea@cress.re", "lea@cress.re"]


def test_no_digest_at_all_when_no_commitment_is_overdue_or_due_soon():
    lea = owner()
    signed = convention(owner=lea)
    make_commitment(signed, due=MONDAY + timedelta(days=15), owner=lea)
    make_commitment(signed, due=MONDAY - timedelta(days=15), owner=lea, status="tenu")
    assert digest() == 0
    assert OutgoingEmail.objects.count() == 0


def test_the_digest_reads_the_same_number_of_queries_whatever_the_number_of_commitments():
    owners = [owner(f"responsable{n}@cress.re") for n in range(2)]
    conventions = [convention(owner=None) for _ in range(2)]

    def add(count):
        for n in range(count):
            for person in owners:
                make_commitment(conventions[n % 2], due=MONDAY + timedelta(days=n % 10), owner=person)

    def queries(day):
        with CaptureQueriesContext(connection) as captured:
            assert digest(day) == 2
        return len(captured.captured_queries)

    add(2)
    few = queries(MONDAY)
    add(12)
    assert queries(MONDAY + timedelta(days=7)) == few


# --- Beat, tasks, settings -----------------------------------------------------------------


def test_the_tasks_run_the_services():
    today = timezone.localdate()
    make_convention(
        status="en_vigueur", start=today - timedelta(days=300), end=today + timedelta(days=30), owner=owner()
    )
    assert tasks_reminders.sweep_conventions()["end_reminders"] == 1
    assert tasks_reminders.sweep_conventions()["end_reminders"] == 0
    assert tasks_reminders.send_weekly_digests() == 0
    assert tasks_reminders.sweep_conventions.acks_late and tasks_reminders.send_weekly_digests.acks_late


def test_beat_sweeps_every_hour_and_sends_the_digests_on_monday_at_seven_reunion_time():
    from cress.celery import app

    sweep_entry = app.conf.beat_schedule["partenariats-sweep-conventions"]
    assert sweep_entry["task"] == tasks_reminders.sweep_conventions.name in app.tasks
    assert len(sweep_entry["schedule"].hour) == 24 and len(sweep_entry["schedule"].minute) == 1

    digest_entry = app.conf.beat_schedule["partenariats-weekly-digests"]
    assert digest_entry["task"] == tasks_reminders.send_weekly_digests.name in app.tasks
    schedule = copy.copy(digest_entry["schedule"])
    monday_7_reunion = datetime(2031, 3, 10, 3, 0, tzinfo=UTC)  # UTC+4
    schedule.nowfun = lambda: monday_7_reunion
    assert schedule.is_due(monday_7_reunion - timedelta(days=7)).is_due
    schedule.nowfun = lambda: monday_7_reunion - timedelta(minutes=1)
    assert not schedule.is_due(monday_7_reunion - timedelta(days=7)).is_due, "06:59 at La Réunion"
    schedule.nowfun = lambda: monday_7_reunion + timedelta(hours=4)
    assert not schedule.is_due(monday_7_reunion).is_due, "once a week"


def test_the_reminder_days_are_read_as_integers(monkeypatch):
    monkeypatch.setenv("PARTENARIATS_CONVENTION_REMINDER_DAYS", "120, 60,30")
    assert envintlist("PARTENARIATS_CONVENTION_REMINDER_DAYS", [90, 30]) == [120, 60, 30]
    monkeypatch.setenv("PARTENARIATS_CONVENTION_REMINDER_DAYS", "90,trente")
    with pytest.raises(ImproperlyConfigured, match="not a list of integers"):
        envintlist("PARTENARIATS_CONVENTION_REMINDER_DAYS", [90, 30])


def test_other_reminder_days_are_followed(settings):
    settings.PARTENARIATS_CONVENTION_REMINDER_DAYS = [30, 120, 60]
    convention()
    sent = [sweep(before_end(days))["end_reminders"] for days in (121, 120, 90, 60, 45, 30, 10)]
    assert sent == [0, 1, 0, 1, 0, 1, 0]


def test_the_configuration_check_refuses_a_reminder_due_longer_than_the_outbox_keeps_it(settings):
    def errors():
        return [error.id for error in run_checks() if error.id.startswith("partenariats.")]

    assert errors() == []
    settings.PARTENARIATS_CONVENTION_REMINDER_DAYS = [180, 30]  # due for 150 days, kept 90
    assert errors() == ["partenariats.E002"]
    settings.PARTENARIATS_CONVENTION_REMINDER_DAYS = [90, -1]
    assert errors() == ["partenariats.E001"]
