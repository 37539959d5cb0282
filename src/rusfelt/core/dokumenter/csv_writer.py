"""The CSV writer: a document's tables as a machine format.

Figures are written plainly (``67.4``, ``1234``), symbols as they are, texts
with their marks (a year at a break in series: ``2015 |``) and neutralised by
``sheets``. A document with several tables writes each after a
line with its caption and an empty line between them.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import sheets
from .model import Document


def rows(document: Document) -> Iterator[list]:
    tables = document.tables()
    for i, table in enumerate(tables):
        if len(tables) > 1:
            if i:
                yield []
            yield [table.caption]
        yield table.header
        for row in table.rows:
            yield [cell.value if cell.is_number else f"{cell.value}{cell.marks}"
                   for cell in row]


def to_csv(document: Document) -> bytes:
    return sheets.csv_bytes(rows(document))
