"""The neutral shape of a knowledge-base report (no Django).

A report is sections of tables, charts and notes. The HTML page, the PDF and
the command line all render this one structure, so they cannot disagree.
Cells are strings, already formatted, so SSB's table symbols (``:``
suppressed, ``..`` missing, ``.`` cannot occur, ``-`` zero) pass through
untouched (DESIGN.md, "Small numbers are never published").
"""

from __future__ import annotations

from dataclasses import dataclass, field

SUPPRESSED = ":"
MISSING = ".."
NOT_APPLICABLE = "."
ZERO = "-"


@dataclass(frozen=True)
class Mark:
    """A cell with a judgement: its text label, and a key the page colours it by.

    The label is always printed, so the judgement never rests on colour alone.
    """

    text: str
    key: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    #: Columns (by index) holding figures, right-aligned.
    numeric: set[int] = field(default_factory=set)


@dataclass
class Chart:
    title: str
    #: A data: URI of the rendered SVG.
    src: str
    #: Text alternative: what the chart shows; the same figures stand in a table.
    alt: str


@dataclass
class Section:
    key: str
    title: str
    intro: str = ""
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Shown when the section has nothing to report.
    empty: str = ""

    @property
    def has_content(self) -> bool:
        return bool(self.tables or self.charts)


@dataclass
class Report:
    title: str
    unit_code: str
    unit_name: str
    year: int
    sections: list[Section]
    #: Named rules used by the figures (e.g. levekarsindeks-v1), printed on the report.
    rules: list[str] = field(default_factory=list)


def cell(value) -> str:
    """A figure as a cell: None -> missing, 0 -> zero, strings (symbols) as they are."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        return value
    if value == 0:
        return ZERO
    return str(value)


def percent(value) -> str:
    """A share in percent with a decimal comma, keeping table symbols."""
    text = cell(value)
    if text in (SUPPRESSED, MISSING, NOT_APPLICABLE, ZERO):
        return text
    return text.replace(".", ",") + " %"


def decimal_comma(value) -> str:
    text = cell(value)
    if text in (SUPPRESSED, MISSING, NOT_APPLICABLE, ZERO):
        return text
    return text.replace(".", ",")
