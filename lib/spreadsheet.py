"""CSV written for spreadsheets."""

import csv


def safe_cell(value):
    """Neutralise spreadsheet formulas: a text cell starting with = + - @ gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
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
