"""One row of a model by a unique key, through SQL the ORM writes once per process.

Pages read a few rows on every request: the signed-in user by its primary key
(``konto.backends``), an indicator set by its slug and an indicator by its set
and number (``indikatorer.models.ByKeyManager``). Built through the ORM for
each request, such a query took longer to compile than to run, and a raw query
of the model still resolved its columns from the cursor and the model's fields
on every read (issue 12). ``row_by_key`` keeps, per model, key, database alias
and engine, the SQL as the ORM writes it, the selected fields and the ORM's own
converters for them, and applies those to the one row read.
"""

import functools

from django.db import connections


def row_by_key(model, using: str, **lookups):
    """``model``'s one row whose fields equal ``lookups`` (a unique key) in database
    ``using``, as ``model._default_manager.get(**lookups)`` gives it; None if none."""
    names = tuple(sorted(lookups))
    connection = connections[using]
    sql, attnames, converters = _plan(model, names, using, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [lookups[name] for name in names])
        row = cursor.fetchone()
    if row is None:
        return None
    if converters:
        row = list(row)
        for position, (functions, expression) in converters.items():
            value = row[position]
            for convert in functions:
                value = convert(value, expression, connection)
            row[position] = value
    return model.from_db(using, attnames, row)


@functools.lru_cache(maxsize=32)
def _plan(model, names: tuple[str, ...], using: str, _vendor: str):
    """The SQL of ``model``'s rows whose fields ``names`` equal its parameters (in that
    order, unordered), the attribute names of the columns it selects and the ORM's
    converters of those columns (by position), for database ``using``."""
    rows = model._default_manager.db_manager(using).order_by()
    for name in names:
        rows = rows.filter(**{name: 0})
    compiler = rows.query.get_compiler(using)
    sql, _params = compiler.as_sql()
    columns = [column for column, _sql, _alias in compiler.select]
    return sql, [column.target.attname for column in columns], compiler.get_converters(columns)
