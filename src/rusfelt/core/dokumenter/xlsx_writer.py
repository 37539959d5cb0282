"""The XLSX writer: each table of a document on its own sheet, numbers as numbers.

A figure is stored as a number with a Norwegian-reading number format
(``formatting.excel_format``), so it can be summed and charted; one of SSB's
symbols is stored as text only where no number exists. Row 1 holds the
table's caption, row 2 its header; both stay frozen when scrolling, with the
first column where it names the rows. A judgement or status cell carries its
word and its colour. The last sheet, «Om», holds the title, the facts and
paragraphs, the symbols and the rules. Every cell goes through
``sheets.set_cell``, so no text can become a formula.
"""

from __future__ import annotations

import functools
import re

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from . import labels, sheets
from .formatting import excel_format, format_cell
from .model import SYMBOLS, Cell, Document, Facts, Paragraph, Table

#: The last sheet: what the workbook is, its facts, symbols and rules.
ABOUT = "Om"

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(caption: str, taken: set[str]) -> str:
    base = _SHEET_NAME_FORBIDDEN.sub(" ", caption).strip()[:28] or "Tabell"
    name, n = base, 2
    while name.lower() in taken:
        name = f"{base[:26]} {n}"
        n += 1
    taken.add(name.lower())
    return name


#: Style objects made once: openpyxl builds and hashes each one it is given, so a
#: new Alignment or Font per cell was most of a national table's writing (issue 12).
_BOLD = Font(bold=True)
_RIGHT = Alignment(horizontal="right")
_RIGHT_WRAPPED = Alignment(horizontal="right", wrap_text=True)


@functools.lru_cache(maxsize=16)
def _tone_style(tone: str) -> tuple[PatternFill, Font]:
    """The fill and font of a judgement or status cell."""
    colours = labels.TONES[tone]
    return (PatternFill("solid", fgColor=colours.background.lstrip("#").upper()),
            Font(bold=True, color=colours.foreground.lstrip("#").upper()))


def _write_table(ws, table: Table) -> None:
    bold = _BOLD
    sheets.set_cell(ws.cell(row=1, column=1), table.caption)
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    numeric = table.numeric_columns()
    widths = [len(h) for h in table.header]
    for c, heading in enumerate(table.header, start=1):
        cell = ws.cell(row=2, column=c)
        sheets.set_cell(cell, heading)
        cell.font = bold
        if c - 1 in numeric:
            cell.alignment = _RIGHT_WRAPPED
    for r, row in enumerate(table.rows, start=3):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            sheets.set_cell(cell, value.value if value.is_number else format_cell(value),
                            excel_format(value))
            if c - 1 in numeric:
                cell.alignment = _RIGHT
            if c == 1 and table.row_headers:
                cell.font = bold
            if value.comment or (value.marks and value.is_number):
                cell.comment = Comment(" ".join(filter(None, [value.marks.strip(),
                                                              value.comment])), "Rusfelt")
            if value.tone:
                cell.fill, cell.font = _tone_style(value.tone)
            widths[c - 1] = max(widths[c - 1], len(format_cell(value)))
    below = len(table.rows) + 4
    used = table.symbols_used()
    notes = list(table.notes)
    if used:
        notes.append("Tegn: " + ", ".join(f"«{s}» {SYMBOLS[s]}" for s in used) + ".")
    for i, note in enumerate(notes):
        sheets.set_cell(ws.cell(row=below + i, column=1), note)
        ws.cell(row=below + i, column=1).font = Font(italic=True)
    ws.freeze_panes = "B3" if table.row_headers and len(table.header) > 1 else "A3"
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)


def _write_about(ws, document: Document, symbols: list[str]) -> None:
    """The last sheet: title, the facts and paragraphs of the sections, symbols and rules."""
    sheets.set_cell(ws.cell(row=1, column=1), document.title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    lines: list[list] = [[document.subtitle]] if document.subtitle else []
    for section in document.sections:
        blocks = [b for b in section.blocks if isinstance(b, Facts | Paragraph)]
        if blocks:
            lines += [[], [section.heading]]
        for block in blocks:
            if isinstance(block, Paragraph):
                lines.append([block.text])
            else:
                lines += [[label, value] for label, value in block.items]
    if symbols:
        lines += [[], ["Tegn: " + ", ".join(f"«{s}» {SYMBOLS[s]}" for s in symbols) + "."]]
    if document.rules:
        lines.append(["Regler: " + ", ".join(document.rules)])
    lines += [[note] for note in document.notes]
    for r, line in enumerate(lines, start=2):
        for c, value in enumerate(line, start=1):
            if isinstance(value, Cell):
                sheets.set_cell(ws.cell(row=r, column=c),
                                value.value if value.is_number else format_cell(value),
                                excel_format(value))
            else:
                sheets.set_cell(ws.cell(row=r, column=c), value)
    ws.column_dimensions["A"].width = 45
    ws.column_dimensions["B"].width = 20


def to_xlsx(document: Document) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    props = workbook.properties
    props.title = document.title
    props.subject = document.subject or document.subtitle
    props.creator = document.author or "Rusfelt"
    props.language = document.language
    props.keywords = ", ".join(document.rules)
    symbols = document.symbols_used()
    taken: set[str] = {ABOUT.lower()}
    for table in document.tables():
        _write_table(workbook.create_sheet(_sheet_name(table.caption, taken)), table)
    _write_about(workbook.create_sheet(ABOUT), document, symbols)
    return sheets.workbook_bytes(workbook)
