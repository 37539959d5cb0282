"""Reading CSV and XLSX files into rows with line numbers, for every import.

CSV may be comma or semicolon separated (Norwegian Excel writes semicolons),
in UTF-8 with or without BOM. XLSX is read from its first sheet. Headers are
lower-cased and stripped. Line numbers count the header as line 1, as a
spreadsheet shows them, so that error reports point at the right row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass


class TableError(ValueError):
    """The file as a whole cannot be read (not a table, wrong encoding)."""


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]

    def get(self, column: str, default: str = "") -> str:
        return self.values.get(column, default) or default


@dataclass
class RowError:
    """One problem in one row: shown to the user as «Linje 3, kolonne niva: ...»."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return f"Linje {self.line}, kolonne {self.column}: {self.message}"
        return f"Linje {self.line}: {self.message}"


class InvalidRows(Exception):
    """All row errors of an import, raised together; nothing has been stored."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def read_table(data: bytes, filename: str = "") -> tuple[list[str], list[Row]]:
    """Parse ``data`` as XLSX (by name or magic bytes) or CSV."""
    if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    return _read_csv(data)


def _clean_header(cells) -> list[str]:
    return [str(c or "").strip().lstrip("\ufeff").lower() for c in cells]


def _read_csv(data: bytes) -> tuple[list[str], list[Row]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(
            "Filen er ikke UTF-8. Lagre den som «CSV UTF-8» og prøv igjen."
        ) from exc
    if not text.strip():
        raise TableError("Filen er tom.")
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = _clean_header(next(reader))
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        padded = list(values) + [""] * (len(header) - len(values))
        rows.append(
            Row(reader.line_num, {h: v.strip() for h, v in zip(header, padded, strict=False) if h})
        )
    return header, rows


def _read_xlsx(data: bytes) -> tuple[list[str], list[Row]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableError("Filen kan ikke leses som et Excel-ark (.xlsx).") from exc
    sheet = workbook.worksheets[0]
    rows_iter: Iterator = sheet.iter_rows(values_only=True)
    try:
        header = _clean_header(next(rows_iter))
    except StopIteration as exc:
        raise TableError("Arket er tomt.") from exc
    rows = []
    for line, values in enumerate(rows_iter, start=2):
        if values is None or not any(v not in (None, "") for v in values):
            continue
        cells = {h: _cell_text(v) for h, v in zip(header, values, strict=False) if h}
        rows.append(Row(line, cells))
    workbook.close()
    return header, rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    return str(value).strip()


def require_columns(header: list[str], required: list[str]) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidRows(
            [RowError(1, c, "kolonnen mangler i overskriftsraden") for c in missing]
        )
