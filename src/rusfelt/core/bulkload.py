"""Loading many rows at once, for the imports: COPY on PostgreSQL, full batches on SQLite.

Django's ``bulk_create`` builds a model instance per row, prepares every value
through its field and, on SQLite, caps a statement at 999 variables (21 rows of
a registration): at national scale that is most of an import's time. The
imports have already checked and converted every value, so they hand this
module plain tuples:

* PostgreSQL: ``COPY … FROM STDIN`` through psycopg 3's ``cursor.copy()``
  (https://www.psycopg.org/psycopg3/docs/basic/copy.html), the bulk path the
  PostgreSQL manual recommends for loading ("Populating a Database", 14.4.2);
* SQLite: one single-row ``INSERT`` run for every row by ``executemany``, so
  SQLite compiles it once. Statements of as many rows as the connection's
  variable limit allows were tried first: each was compiled anew, after Django
  had rewritten its thousands of ``%s`` (in a profile of issue 12's benchmark
  the rewriting alone was 43 % of the insert's time).

Values that are the same on every row (the round, the time, the user) are
given once as ``constants`` and prepared by their field as Django would; the
varying values must already be what the column stores (str, int, bool,
Decimal, None). Columns not named get their field's default as ``Model()``
would give it, so a new model field with a default does not silently become
NULL here.

After a load, ``analyze_after_load`` refreshes the planner's statistics when
the rows loaded since the last ANALYZE are a tenth of the table or more
(PostgreSQL's autovacuum counts the same way, changes since the last ANALYZE
against 10 % of the table). Without statistics SQLite's planner guesses, and
at two years of registrations it chose a full scan for one year's results.
A caller that loads many small files into a table that may start empty
names a floor as well (``min_rows``, as autovacuum has its
``autovacuum_analyze_threshold``): from an empty table a tenth of it is new
again after every few small loads, and a national year of kartlegging
loaded one kommune's file (83 rows) at a time ran ANALYZE 43 times before
its 30 000th row, each reading the whole table and the row count twice,
some 8 % of that import's time. A table whose statistics hold no rows is
analysed after any load.
The rows are added up over loads: an import of many small files (one per
kommune) grows the table by far less than a tenth per file, and comparing
each file alone stopped ANALYZE after about the tenth file. The planner's row
count it compares with is kept in this process for a minute
(``ESTIMATE_SECONDS``), so that such an import does not read it again for
every file. A caller may name the columns its queries choose rows by
(``columns``): on PostgreSQL a table that already has statistics is then
analysed for those columns only (``ANALYZE t (c)``, which also renews the
row count). A whole ANALYZE of the registrations (44 columns, 30 000 sampled
rows) took 1.5 s at 90 000 rows, that of their round column 0.09 s, and a
national import crosses a tenth of the table some 60 times. The other
columns' statistics are shares of the rows, which a load of rows like the
table's does not change, and autovacuum renews them by the same 10 % rule.
SQLite's ANALYZE reads only the indexes, bounded by ``analysis_limit``.

While an import reads, checks and loads its rows it runs ``without_cycle_collection``:
Python's cyclic garbage collector then does not walk the rows it keeps.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import OperationalError, connection, models
from psycopg.adapt import PyFormat, Transformer

#: ANALYZE when a load adds at least this share of the table's rows.
ANALYZE_GROWTH = 0.10
#: Rows SQLite's ANALYZE samples per index (``PRAGMA analysis_limit``), as
#: SQLite's documentation recommends for ``PRAGMA optimize``: bounded cost.
SQLITE_ANALYSIS_LIMIT = 1_000
#: How long a table's planner row count read here is trusted without reading it again.
ESTIMATE_SECONDS = 60.0
#: (database alias, table) -> (planner row count, monotonic time it was read, rows
#: this process has loaded since that count: by its own ANALYZE, or unseen by it).
_estimates: dict[tuple[str, str], tuple[int | None, float, int]] = {}


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Python's cyclic garbage collector paused for the body (as it was, after).

    An import keeps every row it reads as a list or tuple until the rows are
    loaded: some 300 000 containers for a file of 100 000 values, none of them
    in a reference cycle. The collector runs after every 700 new containers
    and walks all that survived, the rows kept so far among them, ever more
    often into its oldest generation: in issue 12's indikatorer import it was
    about 30 % of the import's processor time (a file's CSV rows alone were read
    in about 6× the time with it as without it). Reference counting frees the
    rows all the same; what the body leaves in a cycle waits for the next
    collection after it. Python's manual (``gc``): "you can disable the collector
    if you are sure your program does not create reference cycles".
    The collector is process-wide: a second thread's pause that ends first
    turns it back on early, which costs only time.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


#: (model, fields, constants' names) -> (columns, the fields after ``fields``): an
#: import of many small files inserts the same columns for every file.
_layouts: dict[tuple, tuple[list, list]] = {}
#: (database alias, vendor, model, columns) -> the statement that loads them: quoting
#: some forty column names again for every small file of an import cost about a
#: fifth of the insert's processor time (issue 12).
_statements: dict[tuple, str] = {}


def _layout(model, fields: tuple, constant_names: frozenset) -> tuple[list, list]:
    """(database columns in order, fields whose value is given once: the constants and
    the fields neither named nor constant, which get their default)."""
    key = (model, fields, constant_names)
    if key not in _layouts:
        meta = model._meta
        named = [meta.get_field(name) for name in fields]
        given = {f.name for f in named} | constant_names
        tail = [field for field in meta.concrete_fields
                if field.name in constant_names
                or (field.name not in given and not field.primary_key)]
        _layouts[key] = [f.column for f in named] + [f.column for f in tail], tail
    return _layouts[key]


def _columns(model, fields: Sequence[str], constants: dict) -> tuple[list, list]:
    """(database columns in order, prepared constant values) for an insert."""
    columns, tail = _layout(model, tuple(fields), frozenset(constants))
    const_values = []
    for field in tail:
        if field.name in constants:
            value = constants[field.name]
        else:
            value = field.get_default()  # as Model() fills a field not given
            if value is None and not field.null:
                raise ValueError(f"{model.__name__}.{field.name} has no value and no default")
        if field.remote_field is not None and isinstance(value, models.Model):
            value = value.pk
        const_values.append(field.get_db_prep_save(value, connection))
    return columns, const_values


def _statement(model, columns: list) -> str:
    """The statement that loads ``columns`` into ``model``'s table on this connection:
    ``COPY … FROM STDIN`` on PostgreSQL, a single-row ``INSERT`` on SQLite."""
    key = (connection.alias, connection.vendor, model, tuple(columns))
    if key not in _statements:
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        column_list = ", ".join(quote(c) for c in columns)
        if connection.vendor == "postgresql":
            _statements[key] = f"COPY {table} ({column_list}) FROM STDIN"
        else:
            _statements[key] = (f"INSERT INTO {table} ({column_list}) VALUES "
                                f"({', '.join(['%s'] * len(columns))})")
    return _statements[key]


def _as_copy_text(cursor, values: tuple) -> tuple:
    """``values`` as the text psycopg sends for them in ``COPY``, each dumped once.

    ``COPY … FROM STDIN`` here is PostgreSQL's text format, where every value
    travels as text that the column's type reads. psycopg dumps every value of
    every row anew, and a time zone aware ``datetime`` costs some 6 µs to dump:
    the two time stamps a registration gets as constants were 0.36 s of a
    national year's 0.56 s of COPY formatting (issue 12). Dumped here once, by
    the dumper psycopg itself chooses for the value on this cursor, the same
    bytes reach the server on every row as a string (which ``COPY`` escapes as it
    would have escaped the dumped value). None and strings are left as they are.
    """
    transformer = Transformer.from_context(cursor)
    encoding = cursor.connection.info.encoding
    return tuple(value if value is None or isinstance(value, str)
                 else bytes(transformer.get_dumper(value, PyFormat.TEXT).dump(value))
                 .decode(encoding)
                 for value in values)


def insert_rows(model, fields: Sequence[str], rows: Iterable[tuple],
                constants: dict | None = None) -> int:
    """Insert ``rows`` (tuples in the order of ``fields``) into ``model``'s table.

    Call inside ``transaction.atomic()``. Returns the number of rows. No
    model signals are sent and no primary keys are returned. A row a constraint
    refuses raises Django's ``IntegrityError`` on both databases.
    """
    columns, tail = _columns(model, fields, constants or {})
    tail = tuple(tail)
    statement = _statement(model, columns)
    count = 0
    if connection.vendor == "postgresql":
        # psycopg's own cursor, below Django's: its errors are wrapped here, so that a
        # refused row raises Django's IntegrityError as the SQLite path does.
        with connection.cursor() as cursor, connection.wrap_database_errors:
            tail = _as_copy_text(cursor.cursor, tail)
            with cursor.cursor.copy(statement) as copy:
                write = copy.write_row
                for row in rows:
                    write(row + tail)
                    count += 1
        return count
    if connection.vendor != "sqlite":  # pragma: no cover - only the two engines are supported
        raise NotImplementedError(connection.vendor)
    # One single-row INSERT prepared once and run for every row (executemany):
    # SQLite compiles a statement of 800 rows' placeholders anew each time and
    # Django rewrites its 32 000 ``%s`` into ``?`` first, which cost more than
    # the rows' own binding (measured in issue 12's benchmark).
    params = [row + tail for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(statement, params)
    return len(params)


def table_rows_estimate(model) -> int | None:
    """The row count the planner's statistics hold for ``model``'s table (None: none)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
            row = cursor.fetchone()
            return None if row is None or row[0] < 0 else int(row[0])
        # One statement: SQLite has no sqlite_stat1 before its first ANALYZE, and a
        # failed statement leaves SQLite's transaction as it was.
        try:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        except OperationalError:
            return None
        row = cursor.fetchone()
        return None if row is None else int(row[0].split()[0])


def analyze(model, columns: Sequence[str] = ()) -> None:
    """Refresh the planner's statistics of ``model``'s table (and the count kept here).

    ``columns`` (field names): on PostgreSQL only these columns' statistics, with
    the table's row count; SQLite analyses its indexes either way.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            only = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
            cursor.execute(f"ANALYZE {table} ({only})" if only else f"ANALYZE {table}")
        else:
            cursor.execute("PRAGMA analysis_limit")
            (old_limit,) = cursor.fetchone()
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT:d}")
            try:
                cursor.execute(f"ANALYZE {table}")
            finally:
                cursor.execute(f"PRAGMA analysis_limit = {int(old_limit):d}")
    _estimates[connection.alias, model._meta.db_table] = (table_rows_estimate(model),
                                                          time.monotonic(), 0)


def analyze_after_load(model, added: int, columns: Sequence[str] = (),
                       min_rows: int = 0) -> bool:
    """ANALYZE ``model``'s table once the rows loaded since its last ANALYZE, ``added``
    with those of earlier loads in this process, are a tenth of it or more, and at
    least ``min_rows``; True if run.

    ``columns``: the fields the table's queries choose rows by; on PostgreSQL a table
    with statistics is analysed for these only (see the module's text).
    """
    if added <= 0:
        return False
    key = (connection.alias, model._meta.db_table)
    known, read_at, pending = _estimates.get(key, (None, -ESTIMATE_SECONDS, 0))
    pending += added
    if (known and pending < max(ANALYZE_GROWTH * known, min_rows)
            and time.monotonic() - read_at < ESTIMATE_SECONDS):
        _estimates[key] = (known, read_at, pending)
        return False  # small loads into a large table, by the count read here lately
    # Read the count afresh before deciding. If it moved, an ANALYZE elsewhere counted
    # the rows loaded before it; only this load is surely new to it.
    fresh = table_rows_estimate(model)
    if fresh != known:
        pending = added
    _estimates[key] = (fresh, time.monotonic(), pending)
    if fresh and pending < max(ANALYZE_GROWTH * fresh, min_rows):
        return False
    analyze(model, columns if fresh is not None else ())
    return True


def update_rows(model, fields: Sequence[str], rows: Iterable[tuple],
                constants: dict | None = None) -> int:
    """Update rows of ``model`` by primary key: ``rows`` are (pk, *values of ``fields``).

    The bulk path for many changed rows, where ``bulk_update`` writes one
    ``CASE WHEN`` per field and row: on PostgreSQL the rows are copied
    (``COPY``) into a temporary table shaped like the model's and applied by
    one ``UPDATE … FROM``; on SQLite one single-row ``UPDATE … WHERE pk``
    prepared once and run for every row (``executemany``). ``constants`` are
    set on every row, prepared by their field; the values must already be
    what the column stores, as for ``insert_rows``. Call inside
    ``transaction.atomic()``; no signals are sent. Returns the number of rows.
    """
    qn = connection.ops.quote_name
    meta = model._meta
    table, pk = qn(meta.db_table), qn(meta.pk.column)
    columns = [qn(meta.get_field(name).column) for name in fields]
    fixed, fixed_values = [], []
    for name, value in (constants or {}).items():
        field = meta.get_field(name)
        if field.remote_field is not None and isinstance(value, models.Model):
            value = value.pk
        fixed.append(qn(field.column))
        fixed_values.append(field.get_db_prep_save(value, connection))
    if connection.vendor == "postgresql":
        temp = qn(f"_update_{meta.db_table}")
        sets = [f"{c} = u.{c}" for c in columns] + [f"{c} = %s" for c in fixed]
        count = 0
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS "
                           f"SELECT {pk}, {', '.join(columns)} FROM {table} WITH NO DATA")
            with cursor.cursor.copy(f"COPY {temp} ({pk}, {', '.join(columns)}) FROM STDIN"
                                    ) as copy:
                write = copy.write_row
                for row in rows:
                    write(row)
                    count += 1
            cursor.execute(f"UPDATE {table} AS t SET {', '.join(sets)} FROM {temp} AS u "
                           f"WHERE t.{pk} = u.{pk}", fixed_values)
            cursor.execute(f"DROP TABLE {temp}")
        return count
    if connection.vendor != "sqlite":  # pragma: no cover - only the two engines are supported
        raise NotImplementedError(connection.vendor)
    tail = tuple(fixed_values)
    params = [(*row[1:], *tail, row[0]) for row in rows]
    sets = ", ".join(f"{c} = %s" for c in columns + fixed)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", params)
    return len(params)
