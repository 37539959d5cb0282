"""Serialising writes on a row: one lock helper for PostgreSQL and SQLite.

Call inside ``transaction.atomic()``. On PostgreSQL ``SELECT … FOR UPDATE``
locks the rows until the transaction ends; a second writer waits there and
then reads what the first committed. SQLite has no row locks and ignores
``FOR UPDATE``; there a no-op ``UPDATE`` takes the database's write lock at
once (a deferred transaction otherwise takes it only at its first write,
after it has read stale state), so the second writer waits for the first to
commit, up to the connection's busy timeout (5 s), and is then refused with
``Busy`` rather than an error page.

``lock_row`` does the same for one row by primary key and returns one
column, with hand-written SQL instead of a queryset: an import of many small
files takes the lock once per file, and building the queryset cost more than
the statements.
"""

from django.db import OperationalError, connection
from django.db.models import F


class Busy(Exception):
    """The rows stayed locked by another writer for longer than the wait allows."""


def lock_rows(queryset, field: str) -> list:
    """Lock the rows of ``queryset`` for this transaction and return them, fresh.

    ``field`` is any concrete column; on SQLite it is set to itself.
    """
    try:
        if connection.vendor == "sqlite":
            queryset.update(**{field: F(field)})
            return list(queryset)
        return list(queryset.select_for_update())
    except OperationalError as exc:
        if "locked" in str(exc) or "lock" in str(exc).lower():
            raise Busy() from exc
        raise


def lock_row(model, pk, field: str):
    """Lock ``model``'s row ``pk`` for this transaction and return ``field``'s value,
    fresh (None if there is no such row). Call inside ``transaction.atomic()``.

    One ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the no-op ``UPDATE``
    of ``lock_rows``, which returns the value itself (``RETURNING``, SQLite
    3.35 and later; before, a ``SELECT`` after it).
    """
    meta = model._meta
    quote = connection.ops.quote_name
    table, column = quote(meta.db_table), quote(meta.get_field(field).column)
    key = quote(meta.pk.column)
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite" and connection.features.can_return_columns_from_insert:
                cursor.execute(f"UPDATE {table} SET {column} = {column} WHERE {key} = %s "
                               f"RETURNING {column}", [pk])
            elif connection.vendor == "sqlite":  # pragma: no cover - SQLite before 3.35
                cursor.execute(f"UPDATE {table} SET {column} = {column} WHERE {key} = %s",
                               [pk])
                cursor.execute(f"SELECT {column} FROM {table} WHERE {key} = %s", [pk])
            else:
                cursor.execute(f"SELECT {column} FROM {table} WHERE {key} = %s FOR UPDATE",
                               [pk])
            row = cursor.fetchone()
    except OperationalError as exc:
        if "lock" in str(exc).lower():
            raise Busy() from exc
        raise
    return None if row is None else row[0]
