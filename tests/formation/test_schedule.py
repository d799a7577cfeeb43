"""The emails around a session: each due at its moment, to the right people, queued once by
the hourly sweep, with a private link that works (formation/schedule.py)."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.checks import run_checks
from django.db import connection
from django.test import Client
from django.utils import timezone

from formation import schedule
from formation.models import Modality, Registration, Session, SurveyResponse
from messagerie.models import OutgoingEmail
from messagerie.services import deliver_email
from tests.formation.schedule_helpers import local, make_registration, make_session, make_training, mark
from tests.helpers.mail import deliver, link_path

pytestmark = pytest.mark.django_db

Status = Registration.Status
CONVOCATION_PATH = r"/formations/convocation/[\w-]+/"
SURVEY_PATH = r"/formations/questionnaire/(chaud|froid)/[\w-]+/"


def queued(kind: str) -> list[str]:
    """The addresses an email of `kind` is queued to, sorted."""
    return sorted(OutgoingEmail.objects.filter(kind=kind).values_list("to", flat=True))


def in_days(days: float, *, hour=8, minute=30):
    """A moment `days` from now at a local time of day (Réunion), always in the future for days ≥ 1."""
    day = timezone.localdate(timezone.now() + timedelta(days=days))
    return local(day.year, day.month, day.day, hour, minute)


def nothing_more_to_queue(now=None) -> bool:
    return not any(schedule.queue_scheduled_emails(now=now).values())


# --- The convocation -----------------------------------------------------------------------


def test_the_convocation_goes_to_the_people_expected_at_a_session_within_seven_days():
    session = make_session(starts_at=in_days(6))
    expected = [
        make_registration(session, status=Status.REGISTERED, email="inscrite@exemple.re"),
        make_registration(session, status=Status.CONFIRMED, email="confirmee@exemple.re"),
    ]
    for status in (Status.WAITING, Status.OFFERED, Status.CANCELLED):
        make_registration(session, status=status, email=f"{status}@exemple.re")
    cancelled_session = make_session(starts_at=in_days(5), status=Session.Status.CANCELLED)
    make_registration(cancelled_session, email="session-annulee@exemple.re")
    make_registration(make_session(starts_at=in_days(9)), email="trop-tot@exemple.re")
    make_registration(make_session(starts_at=timezone.now() - timedelta(hours=1)), email="commencee@exemple.re")

    counts = schedule.queue_scheduled_emails()

    assert counts["convocation"] == 2
    assert queued(schedule.EmailKind.CONVOCATION) == sorted(r.email for r in expected)
    assert nothing_more_to_queue(), "the sweep run again queues nothing"
    assert OutgoingEmail.objects.count() == 2


def test_the_convocation_says_when_where_what_to_bring_and_the_programme_in_reunion_time(client):
    # 04:30 UTC is 8 h 30 at La Réunion (UTC+4).
    day = timezone.localdate(timezone.now() + timedelta(days=6))
    starts_at = datetime(day.year, day.month, day.day, 4, 30, tzinfo=UTC)
    session = make_session(starts_at=starts_at, hours=8)
    make_registration(session, first_name="Josué", email="josue@exemple.re")
    schedule.queue_scheduled_emails()

    message = deliver(OutgoingEmail.objects.get(kind=schedule.EmailKind.CONVOCATION))

    assert message.to == ["josue@exemple.re"]
    assert message.subject.startswith("Convocation : Gouvernance associative : le rôle du bureau, le ")
    body = message.body
    assert "Bonjour Josué," in body
    assert "de 8 h 30 à 16 h 30 (heure de La Réunion)" in body
    assert "Lieu : Maison de l'ESS, 12 rue de Paris, Saint-Denis" in body
    assert "Accès : Bus ligne 3, arrêt Jardin de l'État." in body
    assert "À apporter : Les statuts de votre association." in body
    assert "- Préparer une assemblée générale" in body  # an objective
    assert "Matin\n- Les statuts\n- Le bureau\nAprès-midi : l'AG." in body  # the programme, line by line
    assert "Durée : 7 heures, avec Josiane Hoarau." in body
    assert "Lien de connexion" not in body, "an on-site session has no online link"
    assert "<" not in body, "no HTML tag in the text email"

    page = client.get(link_path(message, CONVOCATION_PATH))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Gouvernance associative : le rôle du bureau" in content and "8 h 30" in content
    assert "Bus ligne 3" in content and "Les statuts de votre association." in content
    assert page["Referrer-Policy"] == "same-origin"


def test_a_remote_session_gives_its_online_link():
    training = make_training(modality=Modality.REMOTE, what_to_bring="")
    session = make_session(
        starts_at=in_days(3), training=training, commune=None, address="", access_notes="",
        online_url="https://visio.exemple.re/gouvernance",
    )  # fmt: skip
    make_registration(session)
    schedule.queue_scheduled_emails()
    body = deliver(OutgoingEmail.objects.get(kind=schedule.EmailKind.CONVOCATION)).body
    assert "Lieu : en ligne" in body
    assert "Lien de connexion : https://visio.exemple.re/gouvernance" in body
    assert "À apporter" not in body and "Accès" not in body


def test_a_person_moved_to_another_day_is_convened_again_once():
    # in five days, moved to six: both within the convocation's seven days whatever the hour
    session = make_session(starts_at=in_days(5))
    registration = make_registration(session, email="celine@exemple.re")
    schedule.queue_scheduled_emails()
    Session.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at + timedelta(days=1), ends_at=session.ends_at + timedelta(days=1)
    )
    assert schedule.queue_scheduled_emails()["convocation"] == 1
    assert nothing_more_to_queue()
    keys = OutgoingEmail.objects.filter(kind=schedule.EmailKind.CONVOCATION).values_list("dedup_key", flat=True)
    assert len(set(keys)) == 2 and all(f":{registration.pk}:{session.pk}:" in key for key in keys)


def test_a_registration_cancelled_after_its_convocation_was_queued_is_not_sent_it():
    session = make_session(starts_at=in_days(6))
    registration = make_registration(session)
    other = make_registration(session)
    schedule.queue_scheduled_emails()
    mark(registration, Status.CANCELLED)
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)  # and then the session

    for email in OutgoingEmail.objects.filter(kind=schedule.EmailKind.CONVOCATION):
        assert deliver_email(email_id=email.pk) is False
        email.refresh_from_db()
        assert email.status == OutgoingEmail.Status.FAILED and "Lien indisponible" in email.last_error
    assert other.email in queued(schedule.EmailKind.CONVOCATION)


# --- The reminder --------------------------------------------------------------------------


def test_the_reminder_goes_the_day_before_once():
    session = make_session(starts_at=in_days(6))
    make_registration(session, email="celine@exemple.re")
    make_registration(session, status=Status.CONFIRMED, email="paul@exemple.re")
    schedule.queue_scheduled_emails()
    assert queued(schedule.EmailKind.REMINDER) == []

    two_days_before = session.starts_at - timedelta(days=2)
    assert schedule.queue_scheduled_emails(now=two_days_before)["rappel"] == 0
    the_day_before = session.starts_at - timedelta(hours=23)
    assert schedule.queue_scheduled_emails(now=the_day_before)["rappel"] == 2
    assert nothing_more_to_queue(now=the_day_before + timedelta(hours=1))
    assert queued(schedule.EmailKind.REMINDER) == ["celine@exemple.re", "paul@exemple.re"]

    message = deliver(OutgoingEmail.objects.filter(kind=schedule.EmailKind.REMINDER).first())
    assert message.subject.endswith("commence demain à 8 h 30")
    assert "Lieu : Maison de l'ESS" in message.body
    assert Client().get(link_path(message, CONVOCATION_PATH)).status_code == 200


def test_a_late_registration_gets_its_convocation_and_no_reminder_on_top():
    session = make_session(starts_at=timezone.now() + timedelta(hours=20))
    make_registration(session)
    counts = schedule.queue_scheduled_emails()
    assert counts["convocation"] == 1 and counts["rappel"] == 0
    assert nothing_more_to_queue(now=timezone.now() + timedelta(hours=2))


def test_a_cancelled_registration_or_session_gets_no_reminder():
    session = make_session(starts_at=in_days(6))
    kept, cancelled = make_registration(session), make_registration(session)
    other_session = make_session(starts_at=in_days(6))
    make_registration(other_session)
    schedule.queue_scheduled_emails()
    mark(cancelled, Status.CANCELLED)
    Session.objects.filter(pk=other_session.pk).update(status=Session.Status.CANCELLED)
    schedule.queue_scheduled_emails(now=session.starts_at - timedelta(hours=20))
    assert queued(schedule.EmailKind.REMINDER) == [kept.email]


# --- The surveys ---------------------------------------------------------------------------


def ended_session(*, days_ago: float) -> Session:
    return make_session(starts_at=timezone.now() - timedelta(days=days_ago, hours=8), hours=7)


def test_the_hot_survey_goes_after_the_session_to_the_people_marked_present_once():
    session = ended_session(days_ago=0)
    present = [make_registration(session, status=Status.PRESENT) for _ in range(2)]
    answered = make_registration(session, status=Status.PRESENT)
    SurveyResponse.objects.create(registration=answered, kind="chaud", satisfaction=5, objectives_met=5)
    make_registration(session, status=Status.ABSENT)
    make_registration(session, status=Status.CANCELLED)
    not_marked_yet = make_registration(session, status=Status.CONFIRMED)

    assert schedule.queue_scheduled_emails()["questionnaire_chaud"] == 2
    assert queued(schedule.EmailKind.HOT_SURVEY) == sorted(r.email for r in present)
    assert nothing_more_to_queue()

    # Staff mark attendance a few days later: the survey follows at the next sweep.
    mark(not_marked_yet, Status.PRESENT)
    assert schedule.queue_scheduled_emails(now=timezone.now() + timedelta(days=3))["questionnaire_chaud"] == 1
    # Past the catch-up window, a survey never sent is not sent any more (nor a second time).
    late = make_registration(ended_session(days_ago=40), status=Status.PRESENT)
    schedule.queue_scheduled_emails()
    assert late.email not in queued(schedule.EmailKind.HOT_SURVEY)

    message = deliver(OutgoingEmail.objects.filter(kind=schedule.EmailKind.HOT_SURVEY).first())
    assert message.subject == "Votre avis sur la formation « Gouvernance associative : le rôle du bureau »"
    page = Client().get(link_path(message, SURVEY_PATH))
    assert page.status_code == 200 and "Questionnaire de fin de formation" in page.content.decode()


def test_the_cold_survey_goes_two_months_later_with_one_reminder_to_who_did_not_answer():
    session = ended_session(days_ago=60.5)
    answers, silent = (
        make_registration(session, status=Status.PRESENT),
        make_registration(session, status=Status.PRESENT),
    )
    make_registration(session, status=Status.ABSENT)
    assert schedule.queue_scheduled_emails(now=timezone.now() - timedelta(days=1))["questionnaire_froid"] == 0
    assert schedule.queue_scheduled_emails()["questionnaire_froid"] == 2
    assert queued(schedule.EmailKind.COLD_SURVEY) == sorted([answers.email, silent.email])

    message = deliver(OutgoingEmail.objects.get(kind=schedule.EmailKind.COLD_SURVEY, to=answers.email))
    assert "il y a deux mois" in message.body
    path = link_path(message, SURVEY_PATH)
    assert "/questionnaire/froid/" in path
    response = Client().post(path, {"satisfaction": "4", "objectives_met": "4", "applied_at_work": "oui"})
    assert response.status_code == 302

    now = timezone.now()
    assert schedule.queue_scheduled_emails(now=now + timedelta(days=13))["questionnaire_froid_relance"] == 0
    assert schedule.queue_scheduled_emails(now=now + timedelta(days=14, hours=1))["questionnaire_froid_relance"] == 1
    assert queued(schedule.EmailKind.COLD_REMINDER) == [silent.email]
    for later in (15, 20, 40):
        assert nothing_more_to_queue(now=now + timedelta(days=later)), "one reminder only"

    reminder = deliver(OutgoingEmail.objects.get(kind=schedule.EmailKind.COLD_REMINDER))
    assert "c'est notre seul rappel" in reminder.body
    assert Client().get(link_path(reminder, SURVEY_PATH)).status_code == 200


def test_a_survey_link_expires():
    session = ended_session(days_ago=0)
    make_registration(session, status=Status.PRESENT)
    schedule.queue_scheduled_emails()
    message = deliver(OutgoingEmail.objects.get(kind=schedule.EmailKind.HOT_SURVEY))
    path = link_path(message, SURVEY_PATH)
    from messagerie.models import PrivateLink

    link = PrivateLink.objects.get(purpose="formation.questionnaire.chaud")
    assert timedelta(days=29) < link.expires_at - timezone.now() <= timedelta(days=30)
    assert Client().get(path).status_code == 200
    PrivateLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    page = Client().get(path)
    assert page.status_code == 404 and "Ce lien n'est plus valable" in page.content.decode()


def test_a_survey_link_is_not_minted_for_a_person_corrected_to_absent():
    registration = make_registration(ended_session(days_ago=0), status=Status.PRESENT)
    schedule.queue_scheduled_emails()
    mark(registration, Status.ABSENT)
    email = OutgoingEmail.objects.get(kind=schedule.EmailKind.HOT_SURVEY)
    assert deliver_email(email_id=email.pk) is False


# --- The sweep -----------------------------------------------------------------------------


def a_world(size: int) -> None:
    """`size` people at each moment of the schedule, everything already queued."""
    upcoming, ended, two_months = (
        make_session(starts_at=in_days(6)),
        ended_session(days_ago=0),
        ended_session(days_ago=61),
    )
    for _ in range(size):
        make_registration(upcoming, status=Status.CONFIRMED)
        make_registration(ended, status=Status.PRESENT)
        make_registration(two_months, status=Status.PRESENT)
    schedule.queue_scheduled_emails()


def test_the_sweep_reads_the_same_number_of_queries_whatever_the_number_of_people(django_assert_num_queries):
    a_world(2)
    with django_assert_num_queries(5) as few:  # the due registrations (4 reads) and the queued keys
        schedule.queue_scheduled_emails()
    a_world(8)
    with django_assert_num_queries(len(few.captured_queries)):
        schedule.queue_scheduled_emails()
    assert OutgoingEmail.objects.count() == 3 * 10


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_queue_each_email_once():
    """Two beat runs overlapping (a slow sweep, a beat restarted): real parallel connections."""
    session, ended = make_session(starts_at=in_days(6)), ended_session(days_ago=0)
    for _ in range(15):
        make_registration(session)
        make_registration(ended, status=Status.PRESENT)
    barrier, results, errors = threading.Barrier(4), [], []

    def sweep():
        try:
            barrier.wait()
            results.append(schedule.queue_scheduled_emails())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r["convocation"] for r in results) == 15 and sum(r["questionnaire_chaud"] for r in results) == 15
    assert OutgoingEmail.objects.count() == 30
    assert OutgoingEmail.objects.values("dedup_key").distinct().count() == 30


def test_the_configuration_check_refuses_a_sweep_looking_back_past_the_outbox_retention(settings):
    assert [e for e in run_checks() if e.id == "formation.E001"] == []
    settings.OUTBOX_RETENTION_DAYS = 40
    assert [e.id for e in run_checks() if e.id.startswith("formation.")] == ["formation.E001"]


def test_the_beat_runs_the_sweep_every_hour():
    from cress.celery import app
    from formation.tasks_schedule import queue_scheduled_emails

    entry = app.conf.beat_schedule["formation-queue-scheduled-emails"]
    assert entry["task"] == queue_scheduled_emails.name
    assert entry["schedule"].minute == {25} and len(entry["schedule"].hour) == 24
    assert queue_scheduled_emails.name in app.tasks
