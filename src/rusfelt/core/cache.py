"""The shared cache in the database: Django's ``DatabaseCache``, its reads made cheaper.

Every signed-in page reads its session (with the keys read along with it,
``core.sessions``) from this cache. Django's ``get_many`` built, on every read, a
``DateTimeField`` and an expression for the entries' expiry and asked the database
backend for their converters, and wrote its SQL anew: more than the query itself took
(some 45 µs of a warm page's server time, issue 12). Here the expression and converters
are made once per database connection and the SQL once per connection and number of
keys; what is read, how an expiry is compared and what is deleted are Django's.
"""

import base64
import pickle
import weakref

from django.core.cache.backends import db
from django.db import connections, models, router
from django.utils.timezone import now as tz_now

#: Per database connection: the expiry's expression and converters, and the SQL by the
#: number of keys (``_reading``).
_READING: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _reading(connection, table: str) -> tuple:
    """The expression and converters ``get_many`` reads an expiry with on ``connection``,
    and its SQL for ``table`` by the number of keys (filled as they are asked for)."""
    found = _READING.get(connection)
    if found is None or found[0] != table:
        expression = models.Expression(output_field=models.DateTimeField())
        converters = (connection.ops.get_db_converters(expression)
                      + expression.get_db_converters(connection))
        found = _READING[connection] = (table, expression, converters, {})
    return found


class DatabaseCache(db.DatabaseCache):
    """Django's database cache whose ``get_many`` (and so ``get``) reads as Django's does,
    without building the expiry's field and converters and its SQL on every read."""

    def get_many(self, keys, version=None):
        if not keys:
            return {}
        key_map = {self.make_and_validate_key(key, version=version): key for key in keys}
        connection = connections[router.db_for_read(self.cache_model_class)]
        _table, expression, converters, sqls = _reading(connection, self._table)
        sql = sqls.get(len(key_map))
        if sql is None:
            quote_name = connection.ops.quote_name
            sql = sqls[len(key_map)] = "SELECT {}, {}, {} FROM {} WHERE {} IN ({})".format(
                quote_name("cache_key"), quote_name("value"), quote_name("expires"),
                quote_name(self._table), quote_name("cache_key"),
                ", ".join(["%s"] * len(key_map)))
        with connection.cursor() as cursor:
            cursor.execute(sql, list(key_map))
            rows = cursor.fetchall()
        result = {}
        expired_keys = []
        for key, value, expires in rows:
            for converter in converters:
                expires = converter(expires, expression, connection)
            if expires < tz_now():
                expired_keys.append(key)
            else:
                value = connection.ops.process_clob(value)
                value = pickle.loads(base64.b64decode(value.encode()))  # noqa: S301 - Django's
                result[key_map.get(key)] = value
        self._base_delete_many(expired_keys)
        return result
