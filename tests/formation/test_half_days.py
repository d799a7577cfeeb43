from datetime import date, timedelta

import pytest

from formation.attendance import half_days_between, sync_half_days
from formation.models import Attendance, HalfDay
from tests.formation.documents_helpers import local, make_registration, make_session

MORNING, AFTERNOON = HalfDay.Period.MORNING, HalfDay.Period.AFTERNOON
MONDAY = date(2026, 3, 2)


def test_a_day_from_nine_to_five_has_a_morning_and_an_afternoon():
    assert half_days_between(local(MONDAY, 9), local(MONDAY, 17)) == [(MONDAY, MORNING), (MONDAY, AFTERNOON)]


def test_a_morning_or_an_afternoon_alone():
    assert half_days_between(local(MONDAY, 8, 30), local(MONDAY, 12, 30)) == [(MONDAY, MORNING)]
    assert half_days_between(local(MONDAY, 13, 30), local(MONDAY, 17)) == [(MONDAY, AFTERNOON)]


def test_several_days_at_the_same_hours_repeat_them_and_skip_the_weekend():
    friday = MONDAY + timedelta(days=4)
    found = half_days_between(local(friday, 9), local(friday + timedelta(days=3), 12))
    assert found == [(friday, MORNING), (friday + timedelta(days=3), MORNING)]


def test_a_session_from_an_afternoon_to_a_morning_runs_whole_days_in_between():
    found = half_days_between(local(MONDAY, 14), local(MONDAY + timedelta(days=2), 12))
    tuesday, wednesday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
    assert found == [(MONDAY, AFTERNOON), (tuesday, MORNING), (tuesday, AFTERNOON), (wednesday, MORNING)]


def test_dates_are_read_in_reunion_time(settings):
    # 9 h in Réunion is 5 h UTC: still the morning of the local day.
    start = local(MONDAY, 9)
    assert start.utcoffset() is not None
    assert half_days_between(start, local(MONDAY, 11)) == [(MONDAY, MORNING)]


@pytest.mark.django_db
def test_new_dates_keep_the_attendance_of_the_half_days_that_stay():
    session = make_session(length_days=2)
    registration = make_registration(session)
    first, second, third, fourth = session.half_days.all()
    for half_day in (first, second, fourth):
        Attendance.objects.create(registration=registration, half_day=half_day, present=True)

    # One day instead of two: the second day's half-days go, with their attendance.
    session.ends_at = session.ends_at - timedelta(days=1)
    session.save()
    changes = sync_half_days(session=session)

    assert (changes.created, changes.deleted, changes.attendance_lost) == (0, 2, 1)
    assert list(session.half_days.all()) == [first, second]
    assert set(Attendance.objects.values_list("half_day_id", flat=True)) == {first.pk, second.pk}
    assert third.pk not in set(HalfDay.objects.values_list("pk", flat=True))
