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
from openpyxl.cell.cell import Cell as XlsxCell
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
_CAPTION = Font(bold=True, size=13)
_ITALIC = Font(italic=True)
_RIGHT = Alignment(horizontal="right")
_RIGHT_WRAPPED = Alignment(horizontal="right", wrap_text=True)


@functools.lru_cache(maxsize=16)
def _tone_style(tone: str) -> tuple[PatternFill, Font]:
    """The fill and font of a judgement or status cell."""
    colours = labels.TONES[tone]
    return (PatternFill("solid", fgColor=colours.background.lstrip("#").upper()),
            Font(bold=True, color=colours.foreground.lstrip("#").upper()))


class _Styles:
    """Each kind of cell's style, resolved once per workbook (issue 12).

    openpyxl finds a style object in the workbook's lists each time a cell is
    given one, by hashing the Font, Fill or Alignment field by field: with the
    objects made once, that was still most of a status table's writing. Here
    one prototype cell takes each kind's style through openpyxl's own setters
    and every cell of that kind is made with the resulting style array
    (``Cell(style_array=...)``, the cells ``Worksheet.append`` takes). Reading
    the prototype's ``_style`` is what openpyxl's own ``WorksheetCopy`` does;
    pyproject pins openpyxl below 3.2 (``sheets``).
    """

    def __init__(self):
        self._arrays = {}

    def cell(self, ws, kind: tuple, value, number_format: str | None = None, *,
             font: Font | None = None, fill: PatternFill | None = None,
             alignment: Alignment | None = None) -> XlsxCell:
        """A cell of ``ws`` holding ``value`` (through ``sheets.set_cell``), styled as
        ``kind``: ``kind`` must name everything the style is made of."""
        if kind not in self._arrays:
            prototype = XlsxCell(ws)
            for name, style in (("font", font), ("fill", fill), ("alignment", alignment)):
                if style is not None:
                    setattr(prototype, name, style)
            self._arrays[kind] = prototype._style
        cell = XlsxCell(ws, style_array=self._arrays[kind])
        sheets.set_cell(cell, value, number_format)
        return cell


def _write_table(ws, table: Table, styles: _Styles) -> None:
    """Row 1 the caption, row 2 the header, the rows, one empty row and the notes,
    appended in order (``Worksheet.append``)."""
    ws.append([styles.cell(ws, ("caption",), table.caption, font=_CAPTION)])
    numeric = table.numeric_columns()
    widths = [len(h) for h in table.header]
    ws.append([styles.cell(ws, ("heading", c in numeric), heading, font=_BOLD,
                           alignment=_RIGHT_WRAPPED if c in numeric else None)
               for c, heading in enumerate(table.header)])
    for row in table.rows:
        cells = []
        for c, value in enumerate(row):
            shown = format_cell(value)
            heads = c == 0 and table.row_headers
            if value.tone:
                fill, font = _tone_style(value.tone)
            else:
                fill, font = None, _BOLD if heads else None
            cell = styles.cell(ws, ("cell", c in numeric, heads, value.tone),
                               value.value if value.is_number else shown,
                               excel_format(value), font=font, fill=fill,
                               alignment=_RIGHT if c in numeric else None)
            if value.comment or (value.marks and value.is_number):
                cell.comment = Comment(" ".join(filter(None, [value.marks.strip(),
                                                              value.comment])), "Rusfelt")
            cells.append(cell)
            widths[c] = max(widths[c], len(shown))
        ws.append(cells)
    used = table.symbols_used()
    notes = list(table.notes)
    if used:
        notes.append("Tegn: " + ", ".join(f"«{s}» {SYMBOLS[s]}" for s in used) + ".")
    if notes:
        ws.append([])  # the notes start two rows below the table
    for note in notes:
        ws.append([styles.cell(ws, ("note",), note, font=_ITALIC)])
    ws.freeze_panes = "B3" if table.row_headers and len(table.header) > 1 else "A3"
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)


def _write_about(ws, document: Document, symbols: list[str]) -> None:
    """The last sheet: title, the facts and paragraphs of the sections, symbols and rules."""
    sheets.set_cell(ws.cell(row=1, column=1), document.title)
    ws.cell(row=1, column=1).font = _CAPTION
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
    styles = _Styles()
    for table in document.tables():
        _write_table(workbook.create_sheet(_sheet_name(table.caption, taken)), table, styles)
    _write_about(workbook.create_sheet(ABOUT), document, symbols)
    return sheets.workbook_bytes(workbook)
