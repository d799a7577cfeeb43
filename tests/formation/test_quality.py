"""The quality dashboard (issue 11, point 8) on an example computed by hand, its year
selector, its constant number of queries, who may open it; and the complaint admin."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from formation.models import Attendance, Complaint, HalfDay, Registration, Session, SurveyResponse
from formation.quality import quality_report
from tests.comptes.factories import StaffFactory
from tests.formation.hr_factories import make_training
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db
REUNION = ZoneInfo("Indian/Reunion")
R = Registration.Status
QUALITY = "admin:formation_complaint_quality"


def at(year, month, day, hour=9):
    return datetime(year, month, day, hour, tzinfo=REUNION)


def session(training, start, *, capacity=10, status=Session.Status.PLANNED):
    return Session.objects.create(
        training=training, starts_at=start, ends_at=start + timedelta(hours=8), capacity=capacity, status=status
    )


def registrations(session_, *states):
    made = []
    for number, state in enumerate(states):
        made.append(
            Registration.objects.create(
                session=session_,
                first_name=f"Personne {number}",
                last_name="Test",
                email=f"p{number}-{session_.pk}@exemple.re",
                consent_text="J'accepte.",
                consent_at=session_.starts_at - timedelta(days=10),
                status=state,
                waiting_since=session_.starts_at - timedelta(days=5) if state == R.WAITING else None,
            )
        )
    return made


def survey(registration, kind, satisfaction, objectives):
    SurveyResponse.objects.create(
        registration=registration, kind=kind, satisfaction=satisfaction, objectives_met=objectives
    )


def complaint(training, received, *, handled_after=None):
    values = {"training": training, "received_at": received, "description": "La salle était trop petite."}
    if handled_after is not None:
        values |= {
            "status": Complaint.Status.HANDLED,
            "handling": "Salle changée.",
            "handled_at": received + handled_after,
        }
    return Complaint.objects.create(**values)


@pytest.fixture
def example():
    """Two trainings in 2025, and what must not count (another year, a cancelled session)."""
    governance = make_training(title="Gouvernance associative", theme="gouvernance")
    hiring = make_training(title="Recruter son premier salarié")
    first = session(governance, at(2025, 3, 10), capacity=10)
    second = session(governance, at(2025, 6, 2), capacity=10)
    # 8 places taken of 10 (the cancelled one and the waiting one take none), 6 present.
    people = registrations(first, *[R.PRESENT] * 6, R.ABSENT, R.ABSENT, R.CANCELLED, R.WAITING)
    # 4 places taken of 10, 3 present.
    people += registrations(second, R.PRESENT, R.PRESENT, R.PRESENT, R.REGISTERED)
    # The attendance sheet of the first session: 2 half-days × 8 people, 11 attended.
    morning = HalfDay.objects.create(session=first, date=date(2025, 3, 10), period=HalfDay.Period.MORNING)
    afternoon = HalfDay.objects.create(session=first, date=date(2025, 3, 10), period=HalfDay.Period.AFTERNOON)
    for number, person in enumerate(people[:8]):
        present = person.status == R.PRESENT
        Attendance.objects.create(registration=person, half_day=morning, present=present)
        Attendance.objects.create(registration=person, half_day=afternoon, present=present and number != 0)
    present = [person for person in people if person.status == R.PRESENT]  # 9
    for person, (satisfaction, objectives) in zip(
        present[:6], [(5, 5), (5, 4), (4, 4), (4, 4), (3, 3), (3, 3)], strict=True
    ):
        survey(person, SurveyResponse.Kind.HOT, satisfaction, objectives)  # 24/6 = 4.0 ; 23/6 ≈ 3.8
    for person, satisfaction in zip(present[:3], [4, 4, 5], strict=True):
        survey(person, SurveyResponse.Kind.COLD, satisfaction, 4)  # 13/3 ≈ 4.3
    complaint(governance, at(2025, 3, 12), handled_after=timedelta(days=3))
    complaint(governance, at(2025, 7, 1))
    # The second training: full, no attendance sheet, no survey; a complaint handled in a day.
    registrations(session(hiring, at(2025, 9, 15), capacity=5), *[R.PRESENT] * 5)
    complaint(hiring, at(2025, 9, 20), handled_after=timedelta(days=1))
    # Not counted in 2025: a cancelled session, a session and a complaint of 2024, a session
    # that starts on 1 January 2026 in Réunion (still 31 December in UTC).
    registrations(session(governance, at(2025, 4, 1), status=Session.Status.CANCELLED), R.REGISTERED)
    registrations(session(governance, at(2024, 5, 1)), R.PRESENT)
    complaint(governance, at(2024, 5, 2))
    registrations(session(hiring, at(2026, 1, 1, hour=1), capacity=4), R.PRESENT)
    return governance, hiring


def test_the_figures_of_a_year_computed_by_hand(example):
    report = quality_report(2025)
    assert [row.title for row in report.rows] == ["Gouvernance associative", "Recruter son premier salarié"]
    first, second = report.rows
    assert (first.sessions, first.capacity, first.taken, first.present) == (2, 20, 12, 9)
    assert first.fill_rate == pytest.approx(0.6)
    assert first.attendance_rate == pytest.approx(11 / 16)
    assert first.hot_satisfaction == pytest.approx(4.0) and first.hot_response_rate == pytest.approx(6 / 9)
    assert first.cold_satisfaction == pytest.approx(13 / 3) and first.cold_response_rate == pytest.approx(3 / 9)
    assert first.objectives_met == pytest.approx(23 / 6)
    assert (first.complaints, first.complaints_handled, first.handling_days) == (2, 1, pytest.approx(3.0))
    assert (second.sessions, second.capacity, second.taken, second.fill_rate) == (1, 5, 5, 1.0)
    assert second.attendance_rate is None and second.hot_satisfaction is None and second.hot_response_rate == 0
    assert (second.complaints, second.complaints_handled, second.handling_days) == (1, 1, pytest.approx(1.0))
    total = report.total
    assert (total.sessions, total.capacity, total.taken, total.present) == (3, 25, 17, 14)
    assert total.fill_rate == pytest.approx(17 / 25) and total.hot_response_rate == pytest.approx(6 / 14)
    assert total.handling_days == pytest.approx(2.0)
    # 2026: the session of 1 January (Réunion time) only.
    (row,) = quality_report(2026).rows
    assert (row.title, row.sessions, row.taken) == ("Recruter son premier salarié", 1, 1)
    # 2024: one session, one complaint still open.
    (row,) = quality_report(2024).rows
    assert (row.sessions, row.complaints, row.complaints_handled, row.handling_days) == (1, 1, 0, None)


def test_the_page_shows_the_year_chosen(client, example):
    login_verified(client, StaffFactory(role="Formation"))
    page = client.get(reverse(QUALITY), {"annee": 2025}).content.decode()
    assert "Qualité des formations — 2025" in page
    assert '<option value="2024">2024</option>' in page and '<option value="2025" selected>2025</option>' in page
    for figure in ["60 %", "(12/20)", "69 %", "4,0/5", "(67 %)", "4,3/5", "(33 %)", "3,8/5", "3,0 j", "68 %"]:
        assert figure in page, figure
    assert "Toutes les formations" in page
    # A year that is not offered: the current year, and the reason in French.
    page = client.get(reverse(QUALITY), {"annee": "1900"}).content.decode()
    assert f"Qualité des formations — {timezone.localdate().year}" in page
    assert "Sélectionnez un choix valide" in page


def test_the_page_makes_the_same_queries_whatever_the_rows(client, example, django_assert_num_queries):
    login_verified(client, StaffFactory(role="Formation"))
    url = reverse(QUALITY) + "?annee=2025"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(6):
        training = make_training(title=f"Formation {number}")
        for month in (2, 5, 8):
            people = registrations(session(training, at(2025, month, 3)), R.PRESENT, R.ABSENT, R.REGISTERED)
            survey(people[0], SurveyResponse.Kind.HOT, 4, 4)
        complaint(training, at(2025, 4, 4), handled_after=timedelta(hours=5))
    with django_assert_num_queries(len(few)):
        page = client.get(url).content.decode()
    assert "Formation 5" in page


@pytest.mark.parametrize(("role", "status"), [("Formation", 200), ("Direction", 200), ("Accueil", 403)])
def test_formation_and_direction_open_the_dashboard(client, role, status):
    login_verified(client, StaffFactory(role=role))
    assert client.get(reverse(QUALITY)).status_code == status


def test_the_complaint_list_leads_to_the_dashboard(client):
    login_verified(client, StaffFactory(role="Direction"))
    page = client.get(reverse("admin:formation_complaint_changelist")).content.decode()
    assert reverse(QUALITY) in page


def test_a_complaint_is_closed_only_with_its_handling_and_the_date_is_recorded(client):
    training = make_training()
    login_verified(client, StaffFactory(role="Formation"))
    add = reverse("admin:formation_complaint_add")
    data = {
        "training": training.pk,
        "received_at_0": "10/03/2025",
        "received_at_1": "09:00",
        "author": "Une stagiaire",
        "description": "Le support n'a pas été envoyé.",
        "status": Complaint.Status.HANDLED,
        "handling": "",
    }
    response = client.post(add, data)
    assert response.status_code == 200
    assert "Décrivez le traitement et la réponse apportée avant de clore." in response.content.decode()
    assert client.post(add, {**data, "status": Complaint.Status.OPEN}).status_code == 302
    complaint_ = Complaint.objects.get()
    assert complaint_.handled_at is None
    change = reverse("admin:formation_complaint_change", args=[complaint_.pk])
    handled = {**data, "handling": "Support envoyé le lendemain, avec nos excuses."}
    assert client.post(change, handled).status_code == 302
    complaint_.refresh_from_db()
    assert complaint_.status == Complaint.Status.HANDLED and complaint_.handled_at is not None
    handled_at = complaint_.handled_at
    assert client.post(change, {**handled, "handling": "Support envoyé, excuses présentées."}).status_code == 302
    complaint_.refresh_from_db()
    assert complaint_.handled_at == handled_at, "editing the answer keeps the date it was handled"
    assert client.post(change, {**handled, "status": Complaint.Status.OPEN}).status_code == 302
    complaint_.refresh_from_db()
    assert complaint_.handled_at is None
