"""CSV written for spreadsheets."""

import csv
import re

# Text that a spreadsheet opens as a formula: = and @ always start one; a tab or carriage
# return at the start hides what follows. A leading + or - starts one too, except for a
# plain number (-21.5, +3) or a phone number (+262 262 12 34 56, +33 (0)6 12 34 56 78),
# which only holds digits and separators and so cannot call anything.
_ALWAYS_FORMULA = {"=", "@", "\t", "\r"}
_SIGNED_NUMBER = re.compile(r"[+-]\d+(?:[.,]\d+)?")
_PHONE_NUMBER = re.compile(r"\+\d[\d .]*(?:\(\d+\)[\d .]*)?\d")


def is_formula(value: str) -> bool:
    """True if a spreadsheet opening this text in a cell would run it as a formula."""
    first = value[:1]
    if first in _ALWAYS_FORMULA:
        return True
    if first in {"+", "-"}:
        return not (_SIGNED_NUMBER.fullmatch(value) or _PHONE_NUMBER.fullmatch(value))
    return False


def safe_cell(value):
    """Neutralise spreadsheet formulas: a text cell that would run as one gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write() returns the line, for streaming CSV responses."""

    def write(self, value):
        return value


def streaming_writer(**kwargs):
    """A csv.writer whose writerow() returns the formatted line instead of storing it."""
    return csv.writer(_Echo(), **kwargs)


def streaming_dict_writer(fieldnames, **kwargs):
    return csv.DictWriter(_Echo(), fieldnames=fieldnames, **kwargs)
