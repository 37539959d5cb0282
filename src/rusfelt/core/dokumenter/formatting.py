"""Norwegian number formatting, in one place, for every page, report and export.

Text: a no-break space groups thousands and a comma marks decimals (1 234,5),
as Django's ``nb`` locale and Språkrådet write them; a unit follows after a
space (67,4 %, 1 500 000 kr). Halves round up (0,05 -> 0,1), as the seeds
print, through ``core.domain.rounding`` (re-exported here as ``rounded`` and
``percent``), the one rounding every page, report and export uses. A count
of zero is SSB's ``-``; a missing figure keeps its symbol.

XLSX: ``excel_format`` gives the number format of a cell. Excel stores format
codes in the English notation and shows them with the reader's locale, so
``#,##0.0`` appears as 1 234,5 in a Norwegian Excel.
"""

from __future__ import annotations

from datetime import date

from ..domain.rounding import percent, rounded  # noqa: F401  (the one rounding, re-exported)
from .model import ZERO, Cell, Kind, share

NBSP = "\xa0"


def format_number(value, decimals: int = 0, *, signed: bool = False) -> str:
    """1 234,5 with a no-break space and a decimal comma; ``signed`` adds + to positives."""
    value = rounded(value, decimals)
    if value == 0:
        value = abs(value)  # no "-0,0"
    # Python's own grouping of the exactly rounded Decimal, then the Norwegian marks:
    # what Django's numberformat writes (tested against it), at a fraction of its cost
    # on a page of thousands of cells (issue 12).
    text = format(value, f",.{decimals}f").replace(",", NBSP).replace(".", ",")
    return f"+{text}" if signed and value > 0 else text


def format_cell(cell: Cell) -> str:
    """The cell as a reader sees it in HTML, PDF and DOCX."""
    return _plain(cell) + cell.marks


def _plain(cell: Cell) -> str:
    if cell.kind in (Kind.TEXT, Kind.SYMBOL):
        return str(cell.value)
    if cell.kind == Kind.COUNT and cell.value == 0 and not cell.signed:
        return ZERO
    text = format_number(cell.value, cell.decimals, signed=cell.signed)
    return f"{text}{NBSP}{cell.unit}" if cell.unit else text


def format_value(value, decimals: int = 0, unit: str = "") -> str:
    """A single figure outside a table (a page's key figure): ``format_value(9.4, 1)``."""
    if value is None:
        return ".."
    text = format_number(value, decimals)
    return f"{text}{NBSP}{unit}" if unit else text


def share_text(value, decimals: int = 1) -> str:
    """67,4 % (or the symbol it holds), for pages that print one share."""
    return format_cell(share(value, decimals))


def excel_format(cell: Cell) -> str | None:
    """The XLSX number format of a numeric cell (None for text).

    The cell's marks (``*`` provisional, `` |`` break in series) are quoted
    text in the format, so the cell stays a number and shows ``12,5 % |``.
    """
    if not cell.is_number:
        return None
    body = "#,##0" + ("." + "0" * cell.decimals if cell.decimals else "")
    suffix = f'\\ "{cell.unit}"' if cell.unit else ""
    marks = f'"{cell.marks.replace(chr(34), "")}"' if cell.marks else ""
    suffix += marks
    positive = ("+" if cell.signed else "") + body + suffix
    negative = "-" + body + suffix
    zero = (f'"{ZERO}"' + marks if cell.kind == Kind.COUNT and not cell.signed
            else body + suffix)
    return f"{positive};{negative};{zero}"


def format_date(day: date | None) -> str:
    """31.12.2020, as Norwegian documents write a date; «–» for none."""
    return day.strftime("%d.%m.%Y") if day else "–"
