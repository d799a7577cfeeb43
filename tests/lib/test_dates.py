"""Dates as people read them: French, Réunion's time, « 1er » for the first of a month."""

from datetime import UTC, date, datetime

from lib.dates import french_date, french_datetime


def test_the_first_of_a_month_is_written_as_an_ordinal():
    assert french_date(date(2026, 12, 1)) == "1er décembre 2026"
    assert french_date(date(2026, 12, 2)) == "2 décembre 2026"
    assert french_date(date(2026, 12, 11)) == "11 décembre 2026"


def test_a_datetime_reads_in_reunion_time():
    # 21:00 UTC on 30 November is 1 December, 01:00 in Réunion (UTC+4).
    moment = datetime(2026, 11, 30, 21, 0, tzinfo=UTC)
    assert french_date(moment) == "1er décembre 2026"
    assert french_datetime(moment).startswith("1er décembre 2026")
    assert french_datetime(datetime(2026, 12, 10, 21, 0, tzinfo=UTC)).startswith("11 décembre 2026")
