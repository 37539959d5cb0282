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


def lock_rows_in_order(model, pks, field: str) -> dict:
    """Lock ``model``'s rows ``pks`` for this transaction, in primary key order, and
    return {pk: ``field``'s value, fresh} (a missing row is left out). Call inside
    ``transaction.atomic()``.

    One statement for all the rows, which takes their locks in ascending key order
    (``ORDER BY`` under ``FOR UPDATE`` on PostgreSQL): two writers that lock
    overlapping sets this way wait for each other instead of deadlocking. SQLite
    has one lock for the whole database; its no-op ``UPDATE`` takes it at once.
    """
    meta = model._meta
    quote = connection.ops.quote_name
    table, column = quote(meta.db_table), quote(meta.get_field(field).column)
    key = quote(meta.pk.column)
    pks = sorted(set(pks))
    if not pks:
        return {}
    marks = ", ".join(["%s"] * len(pks))
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"UPDATE {table} SET {column} = {column} "
                               f"WHERE {key} IN ({marks})", pks)
                cursor.execute(f"SELECT {key}, {column} FROM {table} "
                               f"WHERE {key} IN ({marks})", pks)
            else:
                cursor.execute(f"SELECT {key}, {column} FROM {table} WHERE {key} IN ({marks}) "
                               f"ORDER BY {key} FOR UPDATE", pks)
            return dict(cursor.fetchall())
    except OperationalError as exc:
        if "lock" in str(exc).lower():
            raise Busy() from exc
        raise
