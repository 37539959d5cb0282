"""Writing the audit log. Every write goes through ``record()``.

Callers pass what happened and to which object; the user and address come
from the request when there is one. ``detail`` must never hold a
fødselsnummer or other record-level content: counts, field names, reasons.
"""

from django.db import connection, models

from .models import AuditAction, AuditEvent, OrgUnit
from .scoping import UnitScopedQuerySet


def client_ip(request) -> str | None:
    """The client's address as Django sees it (REMOTE_ADDR).

    Behind a proxy, the proxy must set REMOTE_ADDR (e.g. gunicorn
    --forwarded-allow-ips); X-Forwarded-For is not trusted here.
    """
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: str,
    *,
    request=None,
    user=None,
    obj: models.Model | None = None,
    unit: OrgUnit | None = None,
    detail: dict | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one event to the audit log and return it."""
    event = _event(action, request=request, user=user, obj=obj, unit=unit, detail=detail,
                   username=username)
    _insert(event)
    return event


def record_many(action: str, entries: list[tuple[models.Model, dict]], *, request=None,
                user=None, username: str = "") -> list[AuditEvent]:
    """Append one event per (object, detail) of ``entries``, as ``record`` would one by
    one, and return them in order, with their keys.

    One ``INSERT`` of many rows (Django's ``bulk_create``, which fills ``at`` as
    ``save()`` would and returns the keys on both databases), not one statement per
    event: a batch import writes an event per file, and its 359 statements, even sent
    together in one pipeline, were executed one by one by the server (issue 12).
    """
    events = [_event(action, request=request, user=user, obj=obj, detail=detail,
                     username=username) for obj, detail in entries]
    return AuditEvent.objects.bulk_create(events)


def _event(action: str, *, request=None, user=None, obj: models.Model | None = None,
           unit: OrgUnit | None = None, detail: dict | None = None,
           username: str = "") -> AuditEvent:
    """The unsaved event ``record`` writes."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    if unit is None and obj is not None:
        unit = _unit_of(obj)
    return AuditEvent(
        action=AuditAction(action),
        user=user,
        username=username or (user.get_username() if user else ""),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        unit=unit,
        ip_address=client_ip(request),
        detail=detail or {},
    )


def _insert(event: AuditEvent) -> None:
    """Write a new event as one plain ``INSERT``, as ``save()`` would write it.

    Each value is prepared by its field exactly as the ORM's insert prepares it
    (``pre_save`` fills ``at``, ``get_db_prep_save`` adapts it), but the statement
    is built once per database, not compiled from a query on every event: an
    import of many small files writes one event per file, and building the ORM's
    insert cost more than the insert itself (issue 12). No model signals are sent
    (nothing listens to AuditEvent's); the log stays append-only.
    """
    fields, sql = _insert_statement()
    params = [f.get_db_prep_save(f.pre_save(event, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if connection.features.can_return_columns_from_insert:
            event.pk = cursor.fetchone()[0]
        else:  # pragma: no cover - both supported databases return it
            event.pk = cursor.lastrowid
    event._state.adding = False
    event._state.db = connection.alias


def _insert_statement() -> tuple[list, str]:
    key = (connection.alias, connection.vendor)
    if key not in _STATEMENTS:
        meta = AuditEvent._meta
        quote = connection.ops.quote_name
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        sql = (f"INSERT INTO {quote(meta.db_table)} "
               f"({', '.join(quote(f.column) for f in fields)}) "
               f"VALUES ({', '.join(['%s'] * len(fields))})")
        if connection.features.can_return_columns_from_insert:
            sql += f" RETURNING {quote(meta.pk.column)}"
        _STATEMENTS[key] = (fields, sql)
    return _STATEMENTS[key]


_STATEMENTS: dict = {}


def record_export(detail: dict, *, request=None, user=None, obj: models.Model | None = None,
                  unit: OrgUnit | None = None) -> AuditEvent:
    """An export leaving the system: from the web (``request``) or the command line.

    Commands pass no request; the event is then made by ``--bruker``/``--som``
    when given, else by ``kommandolinje``, with the same ``detail`` as the web.
    """
    return record(AuditAction.EXPORT, request=request, user=user, obj=obj, unit=unit,
                  detail=detail, username="" if (user or request) else "kommandolinje")


def _unit_of(obj) -> OrgUnit | None:
    """The unit an object belongs to, by its queryset's ``unit_lookup``."""
    if isinstance(obj, OrgUnit):
        return obj
    queryset_class = getattr(type(obj)._default_manager, "_queryset_class", None)
    if not (queryset_class and issubclass(queryset_class, UnitScopedQuerySet)):
        return None
    value = obj
    for part in queryset_class.unit_lookup.split("__"):
        value = getattr(value, part, None)
    return value if isinstance(value, OrgUnit) else None
