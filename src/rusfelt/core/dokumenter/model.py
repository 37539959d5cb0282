"""The neutral document every report and export is built as (plain Python, no Django).

An app builds a :class:`Document` once (sections of headings, paragraphs,
facts, tables and charts) and hands it to ``core.dokumenter.render``; the
writers for HTML, PDF, DOCX, XLSX and CSV only format it, so the formats
cannot disagree (STYLE.md section 5; CamCOPS' ``Report``).

Table cells are typed, not preformatted: a count stays an ``int``, a share a
``Decimal`` in percent, so the XLSX writer can store numbers as numbers and
the text writers format them the Norwegian way in one place
(``formatting.py``). Where no number exists a cell holds one of Statistics
Norway's symbols (``:`` suppressed, ``..`` missing, ``.`` cannot occur, ``|``
break in series); zero is the number 0, which the writers print as SSB's
``-``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

SUPPRESSED = ":"
MISSING = ".."
NOT_APPLICABLE = "."
ZERO = "-"
BREAK = "|"
#: SSB's table symbols with their meaning (https://www.ssb.no/en/help/table-symbols).
SYMBOLS = {
    SUPPRESSED: "prikket for personvern",
    MISSING: "mangler",
    NOT_APPLICABLE: "kan ikke forekomme",
    ZERO: "null",
    BREAK: "brudd i serien",
}


class Kind(StrEnum):
    COUNT = "count"  # a whole number of things: 1 234
    SHARE = "share"  # a percentage, stored in percent: 67,4 %
    RATE = "rate"  # per 1 000 inhabitants: 9,4
    MONEY = "money"  # Norwegian kroner: 1 500 000 kr
    NUMBER = "number"  # any other figure, with its decimals and unit
    TEXT = "text"
    SYMBOL = "symbol"  # no number exists: one of SYMBOLS


NUMERIC_KINDS = frozenset({Kind.COUNT, Kind.SHARE, Kind.RATE, Kind.MONEY, Kind.NUMBER})


@dataclass(frozen=True)
class Cell:
    """One typed table cell.

    ``tone`` names a judgement or status (``gronn``, ``pagar``, ...); the
    writers colour the cell from ``labels.TONES`` and always print its word.
    ``marks`` follow the figure in text (``*`` provisional, `` |`` break in
    series); ``comment`` explains the cell (a missing value's reason).
    """

    kind: Kind
    value: int | Decimal | str | None
    decimals: int = 0
    unit: str = ""
    signed: bool = False
    tone: str = ""
    marks: str = ""
    comment: str = ""

    @property
    def is_number(self) -> bool:
        return self.kind in NUMERIC_KINDS

    def __str__(self) -> str:  # the plain value, for CSV and tests
        return "" if self.value is None else str(self.value)


def _number(value, kind: Kind, decimals: int, unit: str = "", signed: bool = False) -> Cell:
    """A numeric cell, or a symbol cell where ``value`` is None or one of SYMBOLS."""
    if value is None or value == "":
        return symbol(MISSING)
    if isinstance(value, str):
        if value == ZERO:
            value = 0
        elif value in SYMBOLS:
            return symbol(value)
        else:
            try:
                value = Decimal(value)
            except InvalidOperation as exc:
                raise ValueError(f"not a number or an SSB symbol: {value!r}") from exc
    if isinstance(value, float):
        value = Decimal(str(value))
    if kind == Kind.COUNT:
        value = int(value)
    return Cell(kind, value, decimals, unit, signed)


def count(value, *, signed: bool = False) -> Cell:
    return _number(value, Kind.COUNT, 0, signed=signed)


def share(value, decimals: int = 1, *, signed: bool = False, unit: str = "%") -> Cell:
    """A percentage given in percent (67.4 for 67,4 %); ``unit`` "p.p." for point changes."""
    return _number(value, Kind.SHARE, decimals, unit, signed)


def rate(value, decimals: int = 1) -> Cell:
    return _number(value, Kind.RATE, decimals)


def money(value) -> Cell:
    return _number(value, Kind.MONEY, 0, "kr")


def number(value, decimals: int = 1, unit: str = "", *, signed: bool = False) -> Cell:
    return _number(value, Kind.NUMBER, decimals, unit, signed)


def text(value, tone: str = "", *, marks: str = "", comment: str = "") -> Cell:
    return Cell(Kind.TEXT, "" if value is None else str(value), tone=tone, marks=marks,
                comment=comment)


def year(value: int, *, brudd: bool = False, comment: str = "") -> Cell:
    """A year heading a row of a trend; ``brudd`` marks a break in series (``2015 |``)."""
    return text(value, marks=f" {BREAK}" if brudd else "", comment=comment)


def symbol(value: str) -> Cell:
    if value not in SYMBOLS:
        raise ValueError(f"not an SSB symbol: {value!r}")
    return Cell(Kind.SYMBOL, value)


def as_cell(value) -> Cell:
    """Plain values in a row: a Cell as it is, an int as a count, anything else as text."""
    if isinstance(value, Cell):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return count(value)
    return text(value)


@dataclass
class Paragraph:
    text: str
    #: A note (smaller, after the thing it explains).
    note: bool = False


@dataclass
class Facts:
    """Label and value pairs, such as the owner and period of a plan."""

    items: list[tuple[str, Cell]]

    def __post_init__(self):
        self.items = [(str(label), as_cell(value)) for label, value in self.items]


@dataclass
class Table:
    """A table with one header row; the first column names each row."""

    caption: str
    header: list[str]
    rows: list[list[Cell]]
    notes: list[str] = field(default_factory=list)
    #: Whether the first column heads its row (``<th scope="row">``).
    row_headers: bool = True

    def __post_init__(self):
        self.header = [str(h) for h in self.header]
        self.rows = [[as_cell(v) for v in row] for row in self.rows]
        for row in self.rows:
            if len(row) != len(self.header):
                raise ValueError(f"{self.caption}: a row has {len(row)} cells, "
                                 f"the header {len(self.header)}")

    def symbols_used(self) -> list[str]:
        """The SSB symbols in the table, in SYMBOLS' order: symbol cells, a count
        of zero (printed «-») and the break mark (``2015 |``, ``12,5 % |``)."""
        used = set()
        for row in self.rows:
            for cell in row:
                if cell.kind == Kind.SYMBOL:
                    used.add(cell.value)
                elif cell.kind == Kind.COUNT and cell.value == 0 and not cell.signed:
                    used.add(ZERO)
                if BREAK in cell.marks:
                    used.add(BREAK)
        return [s for s in SYMBOLS if s in used]

    def numeric_columns(self) -> set[int]:
        """Columns whose cells are all figures or symbols, right-aligned by the writers."""
        return {i for i in range(len(self.header))
                if self.rows and all(r[i].is_number or r[i].kind == Kind.SYMBOL
                                     for r in self.rows)}


@dataclass
class Chart:
    """A chart (a Vega-Lite spec), its text alternative and the table of its figures."""

    title: str
    spec: dict
    alt: str
    table: Table

    def __post_init__(self):
        if not self.alt.strip():
            raise ValueError(f"the chart {self.title!r} needs a text alternative")


Block = Paragraph | Facts | Table | Chart


@dataclass
class Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)
    #: The anchor of the section in HTML (``id``).
    key: str = ""

    def add(self, *blocks: Block) -> Section:
        self.blocks.extend(blocks)
        return self

    def tables(self) -> list[Table]:
        return [b.table if isinstance(b, Chart) else b for b in self.blocks
                if isinstance(b, Table | Chart)]


@dataclass
class Document:
    """A report or export: title, metadata and sections."""

    title: str
    sections: list[Section] = field(default_factory=list)
    subtitle: str = ""
    #: The unit the document is about or from; the DOCX and PDF author.
    author: str = ""
    subject: str = ""
    language: str = "nb-NO"
    #: Named, versioned rules behind the figures (levekarsindeks-v1), printed at the end.
    rules: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: A file name without extension.
    filename: str = "rapport"
    #: Wide tables: the PDF is printed on landscape pages.
    landscape: bool = False

    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables()]

    def symbols_used(self) -> list[str]:
        """The SSB symbols that occur in the tables (zero included), in SYMBOLS' order."""
        used = {s for table in self.tables() for s in table.symbols_used()}
        return [s for s in SYMBOLS if s in used]
