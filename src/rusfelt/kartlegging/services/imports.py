"""Import of registrations from CSV or XLSX, validated row by row, all or nothing."""

from __future__ import annotations

import functools
import io
import zipfile
from dataclasses import dataclass
from itertools import chain, repeat
from pathlib import PurePath

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from rusfelt.core import audit, bulkload
from rusfelt.core.domain.tabular import (
    InvalidRows,
    ParsedColumn,
    RowError,
    TableError,
    megabytes,
    read_records,
    require_columns,
    rows_of,
)
from rusfelt.core.locking import Busy, lock_row, lock_rows_in_order
from rusfelt.core.models import AuditAction
from rusfelt.core.uploads import limits
from rusfelt.screening import mapping as screening

from ..domain.levels import (
    ANBEFALTE_TILTAK,
    AREAS,
    BARN_KONTAKT,
    BOSITUASJON,
    FODESTED,
    KATEGORIER,
    KOMMUNALE_TJENESTER,
    LEVEL_KEYS,
    SPESIALIST_TJENESTER,
    TJENESTER,
    parse_choice,
    parse_level,
    parse_multi,
    parse_yes_no,
)
from ..domain.person import InvalidNumber, NumberCheck, Person, compact
from ..domain.pseudonym import RoundHasher
from ..models import Registrering, Runde, State
from .errors import KartleggingError
from .registrations import derived, pseudonym_key

REQUIRED_COLUMNS = ["fodselsnummer", "tjeneste", "kategori", *AREAS]
#: Registrations loaded before ANALYZE, besides a tenth of the table
#: (``bulkload.analyze_after_load``): files come one kommune at a time, tens to
#: hundreds of rows, and from an empty table a tenth was new again after every
#: few files (43 ANALYZEs before a national year's 30 000th row, each reading the
#: whole table: some 8 % of that import). A planner's choices do not turn on a
#: few thousand registrations more; that year now runs it three times.
ANALYZE_MIN_ROWS = 10_000
FLAG_COLUMNS = [
    "varighet_over_3_ar", "selvmordsforsok", "selvmordsfare", "overdose", "overdosefare",
    "vold_utsatt", "vold_utover", "individuell_plan", "tiltaksplan", "kriseplan",
    "ansvarsgruppe", "koordinator",
]
CHOICE_COLUMNS = {"fodested": FODESTED, "bosituasjon": BOSITUASJON,
                  "barn_kontakt": BARN_KONTAKT}
MULTI_COLUMNS = {"kommunale_tjenester": KOMMUNALE_TJENESTER,
                 "spesialist_tjenester": SPESIALIST_TJENESTER,
                 "anbefalte_tiltak": ANBEFALTE_TILTAK}
OPTIONAL_COLUMNS = [*FLAG_COLUMNS, *CHOICE_COLUMNS, *MULTI_COLUMNS, "antall_barn",
                    "informert", "ikke_informert_grunn", *screening.COLUMNS]


def _whole_number(text):
    if text and not (text.isascii() and text.isdigit()):
        raise ValueError("må være et helt tall")
    return int(text or 0)


#: The columns of a registration an import writes, in the order of ``RowCleaner``'s tuples.
INSERT_FIELDS = [
    "pseudonym", "alder", "kjonn", "tjeneste", "kategori", *AREAS, "levekarsindeks", "rop",
    *FLAG_COLUMNS, *CHOICE_COLUMNS, *MULTI_COLUMNS, "antall_barn", "informert",
    "ikke_informert_grunn",
]


@functools.lru_cache(maxsize=4 * 3 ** len(AREAS))
def _derived_for(rule: str, levels: tuple) -> tuple:
    """(levekårsindeks, ROP) of eight level keys: a pure function of 3^8 combinations."""
    d = derived(dict(zip(AREAS, levels, strict=True)), rule)
    return d["levekarsindeks"], d["rop"]


@functools.lru_cache(maxsize=32)
def _column_parsers(tjenester: frozenset) -> dict:
    """{kind of column: (parser, {text: its answer})} for a round offering ``tjenester``.

    The answers are those for the vocabulary as a template writes it (and the
    blank), worked out once per process and set of services: each file of an
    import of many small ones parsed the same few dozen texts anew before its
    first row (a tenth of checking a file of 83 rows, issue 12). They are
    constants, never a file's cells: each import copies them into ``ParsedColumn``s
    of its own, which alone keep what its cells add.
    """

    def tjeneste(text):
        value = parse_choice(text, TJENESTER, blank_ok=False)
        return value if value in tjenester else _NotInRound(value)

    kinds = {
        "tjeneste": (tjeneste, TJENESTER),
        "kategori": (functools.partial(parse_choice, allowed=KATEGORIER, blank_ok=False),
                     KATEGORIER),
        "level": (lambda t: parse_level(t).key, LEVEL_KEYS),
        "flag": (parse_yes_no, ("ja", "nei")),
        **{name: (functools.partial(parse_choice, allowed=allowed), allowed)
           for name, allowed in CHOICE_COLUMNS.items()},
        **{name: (lambda t, a=allowed: " ".join(parse_multi(t, a)), allowed)
           for name, allowed in MULTI_COLUMNS.items()},
        "antall_barn": (_whole_number, ("0", "1", "2", "3")),
        "informert": (functools.partial(parse_yes_no, default=False), ("ja", "nei")),
    }
    parsers = {}
    for kind, (parse, texts) in kinds.items():
        answers = ParsedColumn(parse)
        for text in ("", *texts):
            answers[text]  # noqa: B018 - the look-up parses and keeps the answer
        parsers[kind] = (parse, dict(answers))
    return parsers


class RowCleaner:
    """Checks the rows of one import into the tuples ``INSERT_FIELDS`` names.

    The rules and messages are ``clean_row``'s; what is faster is that each
    column's distinct values are parsed once (``ParsedColumn``), the derived values
    (levekårsindeks, ROP) are computed once per combination of the eight levels,
    the fødselsnummer is checked by ``NumberCheck`` (the round's reference date's
    bounds once per file) and the round's HMAC key is built once per file.

    ``clean`` is not decorated with ``sensitive_variables`` itself (a wrapper per
    row): call it only from a function that is, as ``import_registrations`` and
    ``clean_row`` are. Django's error reports hide the locals of every frame
    called from such a function (``SafeExceptionReporterFilter`` walks up the
    callers), so the number in ``clean``'s locals is hidden all the same.
    """

    def __init__(self, runde: Runde, header=None):
        self.runde = runde
        self.allow_synthetic = getattr(settings, "RUSFELT_ALLOW_SYNTHETIC_NUMBERS", False)
        self.reference_date = runde.reference_date
        self.check_number = NumberCheck(runde.reference_date,
                                        allow_synthetic=self.allow_synthetic)
        parsers = _column_parsers(frozenset(runde.tjenester))

        def column(kind):
            parse, answers = parsers[kind]
            parsed = ParsedColumn(parse)
            parsed.update(answers)
            return parsed

        self.tjeneste = column("tjeneste")
        self.kategori = column("kategori")
        level = column("level")
        self.areas = [(area, level) for area in AREAS]
        self.flags = [(name, column("flag")) for name in FLAG_COLUMNS]
        self.choices = [(name, column(name)) for name in CHOICE_COLUMNS]
        self.multis = [(name, column(name)) for name in MULTI_COLUMNS]
        self.antall_barn = column("antall_barn")
        self.informert = column("informert")
        self.rule = runde.levekarsindeks_regel
        # Without any screening column the screening check finds nothing on any row.
        self.screening = header is None or any(c in header for c in screening.COLUMNS)
        # The optional columns after the levels, in the order of INSERT_FIELDS and of
        # the errors. A column the file does not have is blank on every row: its value
        # is parsed once here, and a row reads only the columns the file has.
        optional = [*self.flags, *self.choices, *self.multis,
                    ("antall_barn", self.antall_barn), ("informert", self.informert)]
        self.rest_template = []
        self.rest_read = []  # (slot, column, parsed) of the columns read on every row
        for slot, (column, parsed) in enumerate(optional):
            ok, blank = parsed[""]
            self.rest_template.append(blank if ok else None)
            if header is None or column in header or not ok:
                self.rest_read.append((slot, column, parsed))

    def derived(self, levels: tuple) -> tuple:
        return _derived_for(self.rule, levels)

    def clean_columns(self, header: list[str], records: list, hasher) -> tuple | None:
        """The rows of ``records`` (``read_records``) checked column by column:
        (rows in the order of ``INSERT_FIELDS``, {pseudonym: line}), or None.

        None as soon as anything is refused (a cell, a number, a person twice)
        or the file has screening columns: the caller then checks the rows one by
        one with ``clean``, which gives the messages. So this path decides nothing
        of its own; it only finds faster that a file is clean: each column's
        distinct texts are parsed once and every cell is a look-up, and the
        numbers go through ``NumberCheck.fast`` (a tenth of a row's work before).
        """
        if self.screening or not records:
            return None
        n = len(records)
        position = {h: i for i, h in enumerate(header) if h}
        # Rows may be longer than the header (cells past it belong to no column).
        columns = list(zip(*[cells for _line, cells in records], strict=False))

        def cells(column):
            i = position.get(column)
            return ("",) * n if i is None else columns[i]

        def parse(column, parsed):
            # Each distinct cell is stripped and parsed once, then looked up as it
            # is: stripping every cell of every column first was a tenth of this.
            column_cells = cells(column)
            table = {}
            for text in set(column_cells):
                ok, value = parsed[text.strip()]
                if not ok or isinstance(value, _NotInRound):
                    return None
                table[text] = value
            return list(map(table.__getitem__, column_cells))

        numbers = list(map(compact, map(str.strip, cells("fodselsnummer"))))
        people = list(map(self.check_number.fast, numbers))
        if None in people:
            return None
        ages, sexes = zip(*people, strict=True)
        pseudonyms = list(map(hasher, numbers))
        seen = dict(zip(pseudonyms, [line for line, _cells in records], strict=True))
        if len(seen) < n:
            return None
        parsed = [parse("tjeneste", self.tjeneste), parse("kategori", self.kategori),
                  *(parse(area, level) for area, level in self.areas)]
        rest = [repeat(value, n) for value in self.rest_template]
        for slot, column, parser in self.rest_read:
            rest[slot] = parse(column, parser)
        if any(values is None for values in (*parsed, *rest)):
            return None
        # Each row's levels straight to the cached function, no Python call between:
        # gathering the distinct ones first and calling ``derived`` for each cost
        # twice as much, as nearly every row has levels of its own.
        levels = zip(*parsed[2:], strict=True)
        derived_values = list(zip(*map(_derived_for, repeat(self.rule, n), levels),
                                  strict=True))
        grunn = [text.strip()[:300] for text in cells("ikke_informert_grunn")]
        # ``rest`` holds repeat() for the columns the file does not have.
        rows = list(zip(pseudonyms, ages, sexes, *parsed, *derived_values, *rest, grunn,
                        strict=False))
        return rows, seen

    def clean(self, row, errors: list):
        """(compact number, sex, values tuple without the pseudonym, screening) or None.

        Appends RowErrors, in ``clean_row``'s order, for a bad row.
        """
        start = len(errors)
        line = row.line
        get = row.values.get
        value = None
        age = sex = None
        try:
            value = compact(get("fodselsnummer") or "")
            age, sex = self.check_number(value)
        except InvalidNumber as exc:
            errors.append(RowError(line, "fodselsnummer", str(exc)))
        ok, tjeneste = self.tjeneste[get("tjeneste") or ""]
        if not ok:
            errors.append(RowError(line, "tjeneste", tjeneste))
        elif isinstance(tjeneste, _NotInRound):
            errors.append(RowError(line, "tjeneste",
                                   "tjenesten kan ikke registrere i denne runden"))
        ok, kategori = self.kategori[get("kategori") or ""]
        if not ok:
            errors.append(RowError(line, "kategori", kategori))
        levels = []
        for area, parsed in self.areas:
            ok, level = parsed[get(area) or ""]
            if not ok:
                errors.append(RowError(line, area, level))
            levels.append(level)
        rest = self.rest_template.copy()
        for slot, column, parsed in self.rest_read:
            ok, item = parsed[get(column) or ""]
            if not ok:
                errors.append(RowError(line, column, item))
            rest[slot] = item
        grunn = (get("ikke_informert_grunn") or "")[:300]
        row_screening = (screening.clean_import_row(row, sex, errors)
                         if self.screening else [])
        if len(errors) > start:
            return None
        levels = tuple(levels)
        return (value, sex,
                (age, sex, tjeneste, kategori, *levels, *self.derived(levels), *rest, grunn),
                row_screening)


def _pseudonyms_in(runde: Runde) -> set[str]:
    """The pseudonyms registered in ``runde``, by one hand-written ``SELECT``: the
    duplicate check of every file, where building the queryset cost more than the
    read (issue 12). Pseudonyms only, never a record: nothing here needs scoping."""
    meta = Registrering._meta
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(meta.get_field('pseudonym').column)} "
                       f"FROM {quote(meta.db_table)} "
                       f"WHERE {quote(meta.get_field('runde').column)} = %s", [runde.pk])
        return {pseudonym for (pseudonym,) in cursor.fetchall()}


class _NotInRound(str):
    """A known registering service that may not register in this round."""


@sensitive_variables()
def clean_row(row, runde: Runde, errors: list):
    """Validate one import row; append RowErrors; return (number, values, person) or None."""
    cleaned = RowCleaner(runde).clean(row, errors)
    if cleaned is None:
        return None
    value, _sex, values, row_screening = cleaned
    person = Person(age=values[0], sex=values[1])
    values = dict(zip(INSERT_FIELDS[1:], values, strict=True))
    for key in ("alder", "kjonn", "levekarsindeks", "rop"):
        values.pop(key)
    values["screening"] = row_screening
    return row.get("fodselsnummer"), values, person


@sensitive_variables()
def import_registrations(runde: Runde, data: bytes, filename: str = "", *, user=None,
                         request=None, progress=None, dry_run: bool = False) -> int:
    """Import registrations from CSV/XLSX; all or nothing.

    Raises ``InvalidRows`` (every bad line and column, never the number),
    ``TableError`` (unreadable or over a limit of ``core.uploads.limits()``) or
    ``KartleggingError``. ``progress(done, total)`` is called every 1 000 rows.

    The file is checked first; then, in one transaction, the round's row is
    locked (``core.locking``) and its state read again, so an import cannot
    land in a round closed meanwhile. The people already registered in the
    round are refused by the round's unique constraint on the pseudonym
    (``kartlegging_one_registration_per_round``) as the rows are written, not
    by reading them all first: the file's every row is looked up in that index
    by the insert anyway. A refusal rolls the whole file back, and only then
    are the round's people read, to name each line as before (also for a
    concurrent import of the same people, which the lock made wait).
    ``sensitive_variables``: no traceback shows this function's locals or
    those of anything it calls (the file's numbers).
    """
    if runde.state != State.OPEN:
        raise KartleggingError("Runden er ikke åpen for registrering.")
    checked = _check_file(runde, data, filename, limits(), progress)
    clashes = _store_in_one_transaction([checked], user, request, dry_run)
    if clashes:
        raise InvalidRows(clashes[0][1])
    if not dry_run:
        # The registrations are read by round (results, duplicates, the right of access).
        bulkload.analyze_after_load(Registrering, len(checked.rows), columns=["runde"],
                                    min_rows=ANALYZE_MIN_ROWS)
    return len(checked.rows)


class InvalidFiles(KartleggingError):
    """A batch of import files refused as a whole: nothing of any file was stored.

    ``problems`` holds (file name, [messages]) for every file that was refused,
    in the batch's order; the messages name the line and column, never a number.
    """

    def __init__(self, problems: list[tuple[str, list[str]]]):
        self.problems = problems
        super().__init__("\n".join(f"{name}: {message}" for name, messages in problems
                                    for message in messages))

    @property
    def errors(self) -> list[str]:
        """Every message, each after its file's name («fil.csv: Linje 3, kolonne …»)."""
        return [f"{name}: {message}" for name, messages in self.problems
                for message in messages]


@sensitive_variables()
def import_batch(files: list[tuple[Runde, bytes, str]], *, user=None, request=None,
                 progress=None, dry_run: bool = False) -> list[int]:
    """Import several files, each into its own round, all or nothing over the batch.

    ``files`` are (round, content, file name). Every file is checked as
    ``import_registrations`` checks one, within the same limits, and the whole
    batch together within one file's limits (``core.uploads.limits()``: its
    bytes and rows), so a batch holds no more than one large file could. Then
    one transaction locks every round in primary key order (two batches never
    deadlock), reads their states again, writes every file's rows and one
    audit row per file, as a single import would. If any file is refused,
    nothing of any file is stored and ``InvalidFiles`` names each refused file
    with its lines and columns. A round may appear once per batch.
    ``progress(done, total)`` is called after each file is checked.

    Returns the rows imported per file, in the order given.
    """
    bounds = limits()
    problems = []
    by_round: dict[int, str] = {}
    for runde, _data, name in files:
        if runde.pk in by_round:
            problems.append((name, [f"runden {runde.code} er med to ganger i samme import "
                                    f"(også i {by_round[runde.pk]})"]))
        by_round.setdefault(runde.pk, name)
    check_batch_size(sum(len(data) for _runde, data, _name in files), bounds)
    checked = []
    rows = 0
    for done, (runde, data, name) in enumerate(files, start=1):
        try:
            if runde.state != State.OPEN:
                raise KartleggingError(
                    f"Runden {runde.code} er ikke åpen for registrering.")
            one = _check_file(runde, data, name, bounds, None)
        except InvalidRows as exc:
            problems.append((name, [str(e) for e in exc.errors]))
        except (TableError, KartleggingError) as exc:
            problems.append((name, [str(exc)]))
        else:
            checked.append(one)
            rows += len(one.rows)
        if progress:
            progress(done, len(files))
    if problems:
        raise InvalidFiles(problems)
    if rows > bounds.max_rows:
        raise KartleggingError(
            f"Filene har til sammen {rows} rader, grensen for én import er "
            f"{bounds.max_rows}. Del dem i flere importer. Ingenting er lagret.")
    clashes = _store_in_one_transaction(checked, user, request, dry_run)
    if clashes:
        raise InvalidFiles([(one.filename, [str(e) for e in errors])
                            for one, errors in clashes])
    if not dry_run:
        bulkload.analyze_after_load(Registrering, rows, columns=["runde"],
                                    min_rows=ANALYZE_MIN_ROWS)
    return [len(one.rows) for one in checked]


def check_batch_size(total_bytes: int, bounds) -> None:
    """Refuse a batch whose files are together over one file's bound (``bounds.max_bytes``).

    ``import_batch`` checks the files' bytes; the command line checks their sizes on
    disk with this, before it reads any of them.
    """
    if total_bytes > bounds.max_bytes:
        raise KartleggingError(
            f"Filene er til sammen for store: {megabytes(total_bytes)} MB, grensen for én "
            f"import er {megabytes(bounds.max_bytes)} MB. Del dem i flere importer. "
            "Ingenting er lagret.")


def round_code_of(filename: str) -> str:
    """The round a file of a batch is named after: ``030104-2025.csv`` → ``030104-2025``."""
    return PurePath(filename).stem


def pack_files(files: list[tuple[str, bytes]]) -> bytes:
    """(name, content) of a batch's files as one zip (stored, not compressed): the
    payload of one background job. ``unpack_files`` gives them back in order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for i, (name, data) in enumerate(files):
            archive.writestr(f"{i:05d}/{name}", data)
    return buffer.getvalue()


def unpack_files(payload: bytes) -> list[tuple[str, bytes]]:
    """The (name, content) that ``pack_files`` packed, in their order."""
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        return [(info.filename.split("/", 1)[1], archive.read(info))
                for info in archive.infolist()]


@dataclass
class _CheckedFile:
    """One file checked: its rows in the order of ``INSERT_FIELDS``, {pseudonym: line},
    (pseudonym, sex, screening results) of the rows that have any, and the round's
    levekårsindeks rule."""

    runde: Runde
    filename: str
    rows: list
    seen: dict
    screenings: list
    rule: str


@sensitive_variables()
def _check_file(runde: Runde, data: bytes, filename: str, bounds, progress) -> _CheckedFile:
    """Read and check one file (nothing is written); raises as ``import_registrations``."""
    header, records = read_records(data, filename, bounds)
    records = list(records)  # every row read (and every limit checked) first
    require_columns(header, REQUIRED_COLUMNS)
    errors: list = []
    rows_out = []  # (pseudonym, values...) in the order of INSERT_FIELDS
    screenings = []  # (pseudonym, sex, screening results) of rows that have any
    seen: dict[str, int] = {}
    hasher = RoundHasher(runde.code, pseudonym_key())
    cleaner = RowCleaner(runde, header)
    total = len(records)
    # First by column, a thousand rows at a time (the progress steps); at the
    # first refusal, every row again by ``clean`` for the messages.
    reported = 0
    for start in range(0, total, 1000):
        if progress and start:
            progress(start, total)
            reported = start
        cleaned = cleaner.clean_columns(header, records[start:start + 1000], hasher)
        if cleaned is None or not seen.keys().isdisjoint(cleaned[1]):
            rows_out, seen = [], {}
            break
        rows_out += cleaned[0]
        seen.update(cleaned[1])
    rows = rows_of(header, records) if not rows_out else []
    for i, row in enumerate(rows, start=1):
        if progress and i % 1000 == 0 and i > reported:
            progress(i, total)
        cleaned = cleaner.clean(row, errors)
        if cleaned is None:
            continue
        value, sex, values, row_screening = cleaned
        pseudo = hasher(value)
        if pseudo in seen:
            errors.append(RowError(row.line, "fodselsnummer",
                                   f"samme person som på linje {seen[pseudo]}"))
            continue
        seen[pseudo] = row.line
        rows_out.append((pseudo, *values))
        if row_screening:
            screenings.append((pseudo, sex, row_screening))
    if progress:
        progress(total, total)
    if errors:
        raise InvalidRows(errors)
    if not rows_out:
        raise InvalidRows([RowError(2, "", "filen har ingen registreringer")])
    return _CheckedFile(runde, filename, rows_out, seen, screenings, cleaner.rule)


@sensitive_variables()
def _store_in_one_transaction(checked: list[_CheckedFile], user, request,
                              dry_run: bool) -> list[tuple[_CheckedFile, list]]:
    """Store checked files in one transaction (``_store``): [] when stored, else the
    files whose people the rounds already have, with a RowError for each such line
    (nothing was stored)."""
    try:
        with transaction.atomic():
            _store(checked, user, request, dry_run)
    except _AlreadyRegistered:
        # Nothing was stored (the block rolled back); name the people the rounds have.
        clashes = [(one, errors) for one in checked
                   if (errors := _clashes(one.runde, one.rows, one.seen))]
        if clashes:
            return clashes
        raise KartleggingError(  # refused by the constraint, gone by the time it was read
            "Noen av personene ble registrert i runden mens filen ble lest inn. "
            "Ingenting er lagret; last inn filen på nytt for å se hvilke.") from None
    return []


class _AlreadyRegistered(Exception):
    """The round's unique constraint refused a row: someone of the file is registered."""


def _clashes(runde: Runde, rows_out: list, seen: dict) -> list:
    """RowErrors, by line, for the rows whose person ``runde`` has registered already."""
    existing = _pseudonyms_in(runde)
    return sorted((RowError(seen[r[0]], "fodselsnummer",
                            "personen er allerede registrert i runden")
                   for r in rows_out if r[0] in existing), key=lambda e: e.line)


@sensitive_variables()
def _store(checked: list[_CheckedFile], user, request, dry_run: bool) -> None:
    """The import's transaction: every file's round locked (in primary key order) and
    its state read again, the rows, their screening results and one audit row per
    file. Raises ``_AlreadyRegistered`` when a round's unique constraint refuses a
    row; a dry run reads the rounds' people instead (it writes nothing for the
    constraint to refuse)."""
    try:
        if len(checked) == 1:
            states = {checked[0].runde.pk: lock_row(Runde, checked[0].runde.pk, "state")}
        else:
            states = lock_rows_in_order(Runde, [one.runde.pk for one in checked], "state")
    except Busy:
        raise KartleggingError(
            "Runden er opptatt med en annen import. Prøv igjen om litt.") from None
    for one in checked:
        if states.get(one.runde.pk) != State.OPEN:
            closed = "Runden" if len(checked) == 1 else f"Runden {one.runde.code}"
            raise KartleggingError(f"{closed} er ikke åpen for registrering (den ble lukket "
                                   "mens filen ble kontrollert). Ingenting er lagret.")
    if dry_run:
        if any(_clashes(one.runde, one.rows, one.seen) for one in checked):
            raise _AlreadyRegistered
        return
    now = timezone.now()
    # No savepoint of its own: the refusal leaves the caller's block and rolls back
    # the whole import, which is what all or nothing asks.
    try:
        if len(checked) == 1:
            one = checked[0]
            bulkload.insert_rows(Registrering, INSERT_FIELDS, one.rows, constants={
                "runde": one.runde, "levekarsindeks_regel": one.rule,
                "created_by": user, "created_at": now, "updated_at": now})
        else:
            # One load for the whole batch: the round and its rule vary by file, put
            # before each of its rows by ``map`` (a generator unpacking every row and
            # reading ``runde.pk`` for each was 5 % of a national year's import).
            bulkload.insert_rows(
                Registrering, ["runde", "levekarsindeks_regel", *INSERT_FIELDS],
                chain.from_iterable(map((one.runde.pk, one.rule).__add__, one.rows)
                                    for one in checked),
                constants={"created_by": user, "created_at": now, "updated_at": now})
    except IntegrityError:
        raise _AlreadyRegistered from None
    entries = []  # (round, audit detail) per file
    for one in checked:
        n_screening = 0
        if one.screenings:
            ids = dict(Registrering.objects.filter(runde=one.runde, pseudonym__in=[
                p for p, _sex, _s in one.screenings]).values_list("pseudonym", "pk"))
            n_screening = screening.bulk_attach(
                [(Registrering(pk=ids[p], kjonn=sex), s) for p, sex, s in one.screenings],
                user=user)
        entries.append((one.runde, {"import": "registreringer", "rows": len(one.rows),
                                    "screening": n_screening}))
    username = "" if user else "kommandolinje"
    if len(entries) == 1:
        audit.record(AuditAction.IMPORT, request=request, user=user, obj=entries[0][0],
                     username=username, detail=entries[0][1])
    else:  # one audit row per file, sent together
        audit.record_many(AuditAction.IMPORT, entries, request=request, user=user,
                          username=username)
