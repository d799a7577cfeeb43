"""Lists written for spreadsheets: CSV, and XLSX for a list staff open in Excel or LibreOffice."""

import csv
import io
import re
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape as xml_escape

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


def csv_response(filename: str, rows):
    """A short CSV download (a report's figures): UTF-8 with the mark Excel needs to read
    it so, each text cell neutralised (safe_cell)."""
    from django.http import HttpResponse

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    csv.writer(response).writerows([safe_cell(value) for value in row] for row in rows)
    return response


# --- XLSX ----------------------------------------------------------------------------------
# A workbook of one sheet, written with the standard library: the smallest package that
# Excel and LibreOffice open (content types, relations, workbook, sheet), strings inline,
# numbers as numbers, the first row bold and frozen. No dependency for a list of a few
# hundred lines.

_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
        "</styleSheet>"
    ),
}
# XML 1.0 refuses most control characters, even escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(65 + remainder) + name
    return name


def _xlsx_cell(reference: str, value, *, bold: bool) -> str:
    style = ' s="1"' if bold else ""
    value = safe_cell(value)
    if isinstance(value, bool):
        value = "oui" if value else "non"
    if isinstance(value, int | float | Decimal):
        return f'<c r="{reference}"{style}><v>{value}</v></c>'
    text = xml_escape(_XML_INVALID.sub("", str(value)))
    return f'<c r="{reference}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def xlsx_bytes(rows, *, sheet_title: str = "Liste") -> bytes:
    """An .xlsx file of `rows` (lists of cells: text, numbers, booleans); the first row is
    the header. Text that a spreadsheet would run as a formula is neutralised (safe_cell)."""
    lines = []
    for row_number, row in enumerate(rows, start=1):
        cells = "".join(
            _xlsx_cell(f"{_column_name(column)}{row_number}", value, bold=row_number == 1)
            for column, value in enumerate(row)
        )
        lines.append(f'<row r="{row_number}">{cells}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/></sheetView></sheetViews>'
        f"<sheetData>{''.join(lines)}</sheetData></worksheet>"
    )
    title = xml_escape(re.sub(r"[\[\]:*?/\\]", " ", sheet_title)[:31] or "Liste", {'"': "&quot;"})
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in {**_XLSX_PARTS, "xl/workbook.xml": workbook, "xl/worksheets/sheet1.xml": sheet}.items():
            archive.writestr(name, content)
    return buffer.getvalue()
