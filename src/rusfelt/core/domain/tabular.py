"""Reading CSV and XLSX files into rows with line numbers, for every import.

CSV may be comma or semicolon separated (Norwegian Excel writes semicolons),
in UTF-8 with or without BOM. XLSX is read from its first sheet. Headers are
lower-cased and stripped. Line numbers count the header as line 1, as a
spreadsheet shows them, so that error reports point at the right row.

Every file is read within ``Limits`` (bytes, rows, columns and, for XLSX, the
unpacked size declared in the zip directory, checked before openpyxl opens
anything). Python's zipfile never inflates a member past the size its
directory declares (it stops there and fails the CRC check), so the declared
sizes bound the work honestly. Over a limit the whole file is refused with
a message saying which limit, before anything is stored.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import compress, islice

MB = 1024 * 1024


class TableError(ValueError):
    """The file as a whole cannot be read (not a table, wrong encoding, too large)."""


class TooLarge(TableError):
    """The file is over one of the limits; nothing was parsed past that point."""


@dataclass(frozen=True)
class Limits:
    """Bounds on one uploaded or named file (settings RUSFELT_IMPORT_*)."""

    max_bytes: int = 20 * MB
    max_rows: int = 100_000
    max_columns: int = 200
    # The sum of the sizes the zip directory declares for its members.
    max_unpacked_bytes: int = 200 * MB
    max_zip_members: int = 1_000


DEFAULT_LIMITS = Limits()


def megabytes(n: int) -> str:
    """``n`` bytes in megabytes (MiB) as every size message writes them: one decimal
    with a Norwegian comma, a whole number without one (``20``, ``1,5``, ``29,3``)."""
    return f"{n / MB:.1f}".replace(".", ",").removesuffix(",0")


def check_size(size: int, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a file of ``size`` bytes over the limit, before reading it."""
    if size > limits.max_bytes:
        raise TooLarge(
            f"Filen er for stor: {megabytes(size)} MB, grensen er "
            f"{megabytes(limits.max_bytes)} MB. Del den i flere filer. Ingenting er lagret."
        )


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


def read_table(data: bytes, filename: str = "", limits: Limits | None = None
               ) -> tuple[list[str], list[Row]]:
    """Parse ``data`` as XLSX (by name or magic bytes) or CSV, within ``limits``."""
    limits = limits or DEFAULT_LIMITS
    check_size(len(data), limits)
    if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, limits)
    return _read_csv(data, limits)


def read_records(data: bytes, filename: str = "", limits: Limits | None = None
                 ) -> tuple[list[str], Iterable[tuple[int, tuple[str, ...]]]]:
    """``read_table`` for imports of many rows: each row as (line, cells), no ``Row``.

    The cells are a tuple in the header's order: a tuple of strings, unlike the
    csv module's list, leaves the cyclic garbage collector's care at its first
    collection, so the 100 000 rows an import keeps are not walked again and
    again while it reads. CSV cells are as the file has them (not stripped: an
    import that keeps each distinct text's answer strips once per text), XLSX
    cells as ``read_table`` gives them. Blank rows are skipped, short rows
    padded, and every limit and message is ``read_table``'s: a broken row or one
    past the row limit raises here.
    """
    limits = limits or DEFAULT_LIMITS
    check_size(len(data), limits)
    if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        header, rows = _read_xlsx(data, limits)
        return header, [(row.line, tuple([row.values.get(h, "") for h in header]))
                        for row in rows]
    return _csv_records(data, limits)


def _too_many_rows(limits: Limits) -> TooLarge:
    return TooLarge(
        f"Filen har mer enn {limits.max_rows} rader. Del den i flere filer. "
        "Ingenting er lagret."
    )


def _check_header(header: list[str], limits: Limits) -> None:
    if len(header) > limits.max_columns:
        raise TooLarge(
            f"Filen har {len(header)} kolonner, grensen er {limits.max_columns}. "
            "Ingenting er lagret."
        )
    # A column named twice is ambiguous: which of its cells counts? (Unnamed columns,
    # as a spreadsheet's empty ones, are not read by name.)
    repeated = [name for name, n in Counter(h for h in header if h).items() if n > 1]
    if repeated:
        names = ", ".join(f"«{name}»" for name in repeated)
        raise TableError(f"Overskriftsraden har {names} mer enn én gang. Gi hver kolonne "
                         "sitt eget navn. Ingenting er lagret.")


def check_xlsx_directory(data: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a zip bomb from the zip directory alone, before any XML is parsed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise TableError("Filen kan ikke leses som et Excel-ark (.xlsx).") from exc
    if len(members) > limits.max_zip_members:
        raise TooLarge("Excel-filen har for mange deler til å være et vanlig regneark. "
                       "Ingenting er lagret.")
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_unpacked_bytes:
        raise TooLarge(
            f"Excel-filen pakkes ut til {megabytes(unpacked)} MB, grensen er "
            f"{megabytes(limits.max_unpacked_bytes)} MB. Lagre arket som CSV eller del det opp. "
            "Ingenting er lagret."
        )


def _clean_header(cells) -> list[str]:
    return [str(c or "").strip().lstrip("\ufeff").lower() for c in cells]


def _read_csv(data: bytes, limits: Limits) -> tuple[list[str], list[Row]]:
    header, records = _csv_records(data, limits)
    return header, rows_of(header, records)


def rows_of(header: list[str], records: Iterable[tuple[int, list[str]]]) -> list[Row]:
    """``read_table``'s rows of ``read_records``' records, cells stripped: for an
    import that reads by column first and needs the rows only for its messages."""
    rows = []
    width = len(header)
    # Columns with a name, by position (a blank header cell names no column).
    named = [(i, h) for i, h in enumerate(header) if h]
    if len(named) == width:
        for line, values in records:
            rows.append(Row(line, dict(zip(header, map(str.strip, values), strict=False))))
    else:
        for line, values in records:
            rows.append(Row(line, {h: values[i].strip() for i, h in named}))
    return rows


def _csv_records(data: bytes, limits: Limits
                 ) -> tuple[list[str], list[tuple[int, tuple[str, ...]]]]:
    """The header, decoded and checked, and the rows as (line, cells)."""
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

    def reader():
        return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    rows = reader()
    try:
        header = _clean_header(next(rows))
    except csv.Error as exc:
        raise TableError("Filen kan ikke leses som CSV.") from exc
    _check_header(header, limits)
    return header, _csv_rows(rows, reader, len(header), limits)


def _csv_rows(reader, again, width: int, limits: Limits
              ) -> list[tuple[int, tuple[str, ...]]]:
    """The rows after the header as (line, cells), blank rows left out, short rows padded.

    The rows up to one past the row limit are read by the csv module in one go
    and checked by ``map`` over them all, no Python per row: so is a file of
    one line per row within the limit (at 100 000 rows reading them one by one
    cost more than the csv module's own reading). Anything else (a cell over
    several lines, a blank row at the limit, a row the csv module refuses) is
    read again from the start by ``_csv_rows_one_by_one`` (``again()``: a new
    reader), which counts each row's line and stops at the limit or the broken
    row with its message, as every file was read before.

    Each row's list becomes a tuple as it is read, so that the list is freed at
    once and the tuple of strings leaves the garbage collector's care at its next
    collection: with the lists kept, reading 100 000 rows with the collector on
    cost about four times the reading with it off (issue 12).
    """
    first = reader.line_num  # the header's last line
    try:
        rows = list(map(tuple, islice(reader, limits.max_rows + 1)))
    except csv.Error:
        return list(_csv_rows_one_by_one(again(), width, limits))
    lines = range(first + 1, first + 1 + len(rows))
    if reader.line_num != first + len(rows):  # a cell over more lines than one
        return list(_csv_rows_one_by_one(again(), width, limits))
    if not all(map(str.strip, map("".join, rows))):  # blank rows: skipped, lines kept
        if len(rows) > limits.max_rows:  # are there more rows than the limit?
            return list(_csv_rows_one_by_one(again(), width, limits))
        kept = list(map(str.strip, map("".join, rows)))
        rows, lines = list(compress(rows, kept)), list(compress(lines, kept))
    if len(rows) > limits.max_rows:
        raise _too_many_rows(limits)
    if rows and min(map(len, rows)) < width:
        rows = [values + ("",) * (width - len(values)) if len(values) < width else values
                for values in rows]
    return list(zip(lines, rows, strict=True))


def _csv_rows_one_by_one(reader, width: int, limits: Limits
                         ) -> Iterator[tuple[int, tuple[str, ...]]]:
    """``_csv_rows`` for any file, row by row from the header on, each row with the line
    it ends on; raises at the row past the limit or at a row the csv module refuses."""
    next(reader)  # the header, read once already
    count, max_rows = 0, limits.max_rows
    try:
        for values in reader:
            if not "".join(values).strip():
                continue
            count += 1
            if count > max_rows:
                raise _too_many_rows(limits)
            if len(values) < width:
                values += [""] * (width - len(values))
            yield reader.line_num, tuple(values)
    except csv.Error as exc:
        raise TableError(f"Filen kan ikke leses som CSV (linje {reader.line_num}).") from exc


def _read_xlsx(data: bytes, limits: Limits) -> tuple[list[str], list[Row]]:
    from openpyxl import load_workbook

    check_xlsx_directory(data, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableError("Filen kan ikke leses som et Excel-ark (.xlsx).") from exc
    try:
        return _xlsx_rows(workbook, limits)
    finally:  # every way out, a refused header included, lets go of the archive
        workbook.close()


def _xlsx_rows(workbook, limits: Limits) -> tuple[list[str], list[Row]]:
    rows_iter: Iterator = workbook.worksheets[0].iter_rows(values_only=True)
    try:
        header = _clean_header(next(rows_iter))
    except StopIteration as exc:
        raise TableError("Arket er tomt.") from exc
    except Exception as exc:  # a damaged sheet
        raise TableError("Filen kan ikke leses som et Excel-ark (.xlsx).") from exc
    while header and not header[-1]:
        header.pop()
    _check_header(header, limits)
    rows = []
    try:
        for line, values in enumerate(rows_iter, start=2):
            if values is None or not any(v not in (None, "") for v in values):
                continue
            if len(rows) >= limits.max_rows:
                raise _too_many_rows(limits)
            cells = {h: _cell_text(v) for h, v in zip(header, values, strict=False) if h}
            rows.append(Row(line, cells))
    except TableError:
        raise
    except Exception as exc:  # a damaged sheet: CRC mismatch, bad XML, a lying zip
        raise TableError("Filen kan ikke leses som et Excel-ark (.xlsx).") from exc
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


class ParsedColumn(dict):
    """One column's parser with its answers kept: a file has few distinct values per column.

    ``memo[text]`` is ``(True, value)`` or ``(False, message)`` where ``parse``
    raised one of ``errors``; the parser runs once per distinct text, so
    checking a column costs a dict look-up per row (a national file repeats
    few indicator numbers, unit codes, years and flags). Never for a column
    whose values are all distinct or must not be kept, like the fødselsnummer.
    """

    def __init__(self, parse, errors: type[Exception] | tuple = ValueError):
        super().__init__()
        self.parse = parse
        self.errors = errors

    def __missing__(self, text):
        try:
            result = (True, self.parse(text))
        except self.errors as exc:
            result = (False, str(exc))
        self[text] = result
        return result
