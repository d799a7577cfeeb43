"""CSV written for spreadsheets."""


def safe_cell(value):
    """Neutralise spreadsheet formulas: a text cell starting with = + - @ gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value
