"""Dates as people read them on the portal: in French and in Réunion's time.

Model `__str__` and admin columns that write a date themselves use these, not `strftime`
(which writes the stored UTC time) or ISO formats, so that they read like the admin's own
dates: « 2 décembre 2026 15:39 ».
"""

from datetime import date, datetime

from django.utils import formats, timezone


def _first(text: str, day: int) -> str:
    """French writes the first day of a month as an ordinal: « 1er décembre »."""
    return "1er" + text[1:] if day == 1 and text.startswith("1 ") else text


def french_datetime(value: datetime) -> str:
    """« 2 décembre 2026 15:39 », « 1er décembre 2026 08:30 », in local time."""
    local = timezone.localtime(value)
    return _first(formats.date_format(local, "DATETIME_FORMAT"), local.day)


def french_short_date(value: datetime) -> str:
    """« 2 déc. 2026 » (« juin », « juil. »: never ambiguous): the local day, for the columns of a list."""
    return formats.date_format(timezone.localdate(value), "j N Y")


def french_date(value: date | datetime) -> str:
    """« 2 décembre 2026 », « 1er décembre 2026 », the local day of a datetime."""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return _first(formats.date_format(value, "DATE_FORMAT"), value.day)
