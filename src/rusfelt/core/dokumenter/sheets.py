"""The one writer of CSV and XLSX cells: nothing Rusfelt writes can run as a formula.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula, and after importing a CSV also one that starts with a tab
or a carriage return. A measure text ``=HYPERLINK("http://x","y")`` or a failed
login as ``=cmd|' /C calc'!A0`` would then run on the reader's machine (OWASP,
"CSV Injection"; ASVS 4.0.3 item 5.3.10). Every CSV and XLSX the system writes
goes through this module:

- a text cell starting with one of those characters gets a leading apostrophe
  in CSV, as OWASP advises;
- in XLSX a text is always stored as a text cell, never as a formula; a
  dangerous one also carries Excel's quote prefix, which is what Excel itself
  stores when someone types ``'=...``, so it stays text when edited;
- numbers stay numbers (a negative number is not text and is not touched), and
  a text that is only a number (``-1,5``) or SSB's zero symbol ``-`` is left as
  it is: no program runs it as a formula.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from zipfile import ZIP_DEFLATED, ZipFile

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

#: The first characters that make a spreadsheet program treat a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# A plain number written as text ("-1,5", "-12.0") and SSB's zero symbol "-".
_HARMLESS = re.compile(r"-|[+-]?\d+(?:[.,]\d+)?")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def is_dangerous(text: str) -> bool:
    """Whether ``text`` would be read as a formula by a spreadsheet program."""
    return text.startswith(FORMULA_TRIGGERS) and not _HARMLESS.fullmatch(text)


def neutralise(text: str) -> str:
    """``text`` with a leading apostrophe when it would otherwise be a formula."""
    return "'" + text if is_dangerous(text) else text


def csv_value(value):
    """One value as written to CSV: numbers as they are, texts neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) \
            else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    # Rows end in "\n", so the csv module quotes a field holding "\n" but not one
    # holding a lone "\r": line breaks inside a text are written as "\n".
    return neutralise(str(value)).replace("\r\n", "\n").replace("\r", "\n")


def write_csv(stream, rows: Iterable[Sequence], *, delimiter: str = ",") -> int:
    """Write ``rows`` (header first) to the text ``stream``; return the number of rows."""
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
    n = 0
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
        n += 1
    return n


def csv_bytes(rows: Iterable[Sequence], *, bom: bool = True) -> bytes:
    """``rows`` as UTF-8 CSV; with a byte-order mark by default, so Excel reads æøå."""
    buffer = io.StringIO()
    write_csv(buffer, rows)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def set_cell(cell, value, number_format: str | None = None) -> None:
    """Put ``value`` into an openpyxl cell: numbers as numbers, text always as text."""
    if value is None:
        cell.value = None
        return
    if isinstance(value, bool | int | float | Decimal | date):
        if isinstance(value, datetime) and timezone.is_aware(value):
            value = timezone.make_naive(value)  # Excel has no time zones
        cell.value = value
        if number_format:
            cell.number_format = number_format
        return
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.value = text
    cell.data_type = "s"  # openpyxl would store a text starting with "=" as a formula
    if is_dangerous(text):
        cell.quotePrefix = True


def append_row(ws, values: Sequence, number_formats: dict[int, str] | None = None) -> int:
    """Append ``values`` below the last row of ``ws`` (as ``ws.append``); return its number."""
    cells = []
    for c, value in enumerate(values):
        cell = Cell(ws)
        set_cell(cell, value, (number_formats or {}).get(c))
        cells.append(cell)
    ws.append(cells)
    return ws.max_row


@dataclass
class Sheet:
    """One worksheet of a data export: a header row and rows of plain values."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    #: Column widths in characters, by 0-based column index.
    widths: dict[int, int] = field(default_factory=dict)
    #: Excel number formats, by 0-based column index.
    number_formats: dict[int, str] = field(default_factory=dict)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as one XLSX workbook: bold frozen header, numbers as numbers."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.title[:31])
        for col, name in enumerate(sheet.header, start=1):
            set_cell(ws.cell(row=1, column=col), name)
            ws.cell(row=1, column=col).font = bold
        for r, row in enumerate(sheet.rows, start=2):
            for c, value in enumerate(row):
                set_cell(ws.cell(row=r, column=c + 1), value, sheet.number_formats.get(c))
        ws.freeze_panes = "A2"
        for c, width in sheet.widths.items():
            ws.column_dimensions[get_column_letter(c + 1)].width = width
    return workbook_bytes(workbook)


class _InMemoryExcelWriter(ExcelWriter):
    """openpyxl's writer, with each worksheet serialised in memory.

    ``Workbook.save`` writes every worksheet to a named temporary file and zips
    it from there (openpyxl 3.1, ``writer/excel.py`` ``write_worksheet``): an
    export's cells - a planner's unsuppressed results, the audit log - lay in
    the temporary directory, and stayed there if the process was killed before
    openpyxl removed the file. ``WorksheetWriter`` also writes to a ``BytesIO``
    (its ``read()`` returns one's contents), so here it does. The rest of the
    method is openpyxl's own; pyproject pins openpyxl below 3.2 for it.
    """

    def write_worksheet(self, ws):
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


def workbook_bytes(workbook: Workbook) -> bytes:
    """``workbook`` as XLSX bytes, made in memory: no temporary file on disk."""
    buffer = io.BytesIO()
    # As openpyxl's save_workbook: the modification time in UTC, without a zone.
    workbook.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
    _InMemoryExcelWriter(workbook, ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True)).save()
    return buffer.getvalue()
