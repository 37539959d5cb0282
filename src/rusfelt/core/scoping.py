"""SECURITY CHOKEPOINT: every query of unit-owned data is scoped here.

A user sees a unit's data through a ``Grant`` on that unit or on a unit above
it (a grant on Oslo kommune covers its 15 bydeler). Administrators have every
role on the units granted to them. Superusers see everything.

Units through municipal reforms (issue 17). A unit that another unit took
over *whole* at a reform belongs to its successor: the successor kommune is
the data controller of the predecessor's records from the reform on. So a
grant that covers the successor also covers, with the same roles:

* the predecessor of a merger (``sammenslaing``: Stavanger 1103 took over
  Finnøy 1141 and Rennesøy 1142 in 2020) or of a new number (``nytt_nummer``:
  Bergen 4601 took over Bergen 1201);
* the units below that predecessor (its bydeler), as any grant covers the
  units below its unit;
* the predecessors of that predecessor, through chains of reforms.

It does **not** cover:

* a predecessor that was split (``deling``), nor one that more than one
  successor names whatever the kind: each successor took over only part of
  its people, so none of them may read all its records. The successor's
  published trends may still reach back through it, because they use only
  published, suppressed figures (``kartlegging.trends``), never records;
* the other direction: a grant on a predecessor (an old grant on Bergen
  1201) does not cover its successor;
* siblings: a grant on one predecessor of a merger does not cover the other
  predecessors or the successor.

Models that belong to a unit give their manager a subclass of
``UnitScopedQuerySet`` naming the path to the unit (``unit_lookup``), and
views load through ``.for_user()`` or ``get_for_user_or_404()``. Never filter
by the user's units in a view. docs/security.md, section 10, says the same
for the security officer.
"""

import functools
import json
from collections import Counter
from collections.abc import Iterable
from contextvars import ContextVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.http import Http404
from django.shortcuts import get_object_or_404

from .roles import Role


def _role_values(roles: Iterable[str] | str | None) -> list[str] | None:
    if roles is None:
        return None
    if isinstance(roles, str):
        roles = [roles]
    values = {str(r) for r in roles}
    values.add(Role.ADMINISTRATOR.value)  # administrators hold every role
    return sorted(values)


def grant_pairs(user) -> tuple[tuple[str, str], ...]:
    """``(role, unit path)`` of every grant ``user`` holds, in one query.

    A read (GET, HEAD) asks for the grants from the filters, the unit check, the
    links a page offers and the navigation, each with its own roles: all of them
    are read once per request and the roles picked out here (issue 12). A write
    may change grants, so it reads them afresh every time.
    """
    memo = _request_memo.get()
    read_only = memo is not None and memo.get("read_only")
    key = ("grants", user.pk)
    if read_only and key in memo:
        return memo[key]
    if memo is not None and "links" not in memo:
        # The reform links are asked for next (scope_of, units_for, has_role): one query.
        pairs, memo["links"] = _grants_and_links(user)
    else:
        pairs = tuple(user.grants.values_list("role", "unit__path").distinct())
    if read_only:
        memo[key] = pairs
    return pairs


def _grants_and_links(user) -> tuple[tuple[tuple[str, str], ...], list[tuple]]:
    """``grant_pairs(user)`` and ``succession_links()`` in one query (a ``UNION ALL`` of the
    two reads, the links in their model's order): a request that asks for the grants
    asks for the links right after, and each query is a round trip (issue 12).

    Written as SQL (``_GRANTS_AND_LINKS_SQL``): built through the ORM, the union of two
    querysets of eight annotated columns took several times longer to compile than to
    run, on every signed-in page (issue 12)."""
    with connection.cursor() as cursor:
        cursor.execute(_grants_and_links_sql(), [user.pk])
        return _split_grants_and_links(cursor.fetchall())


def _split_grants_and_links(rows) -> tuple[tuple[tuple[str, str], ...], list[tuple]]:
    """``_GRANTS_AND_LINKS_SQL``'s rows, in any order, as ``grant_pairs`` and
    ``succession_links`` give them: the distinct grant pairs, and the links by reform
    date and predecessor code (``UnitSuccession.Meta.ordering``; already so ordered when
    the rows come from the SQL itself, not when they come aggregated as JSON)."""
    pairs, links = {}, []
    for is_grant, a, b, c, d, e, f, day in rows:
        if is_grant:
            pairs[(a, b)] = None
        else:
            links.append(((day, d), (a, b, c, d, e, f)))
    links.sort(key=lambda link: link[0])
    return tuple(pairs), [link for _order, link in links]


#: The user's grants as (role, unit path), then every reform link as ``succession_links``
#: gives it, by reform date and predecessor code (``UnitSuccession.Meta.ordering``).
_GRANTS_AND_LINKS_SQL = """
SELECT 1 AS is_grant, g.{role} AS a, u.{path} AS b, NULL AS c, NULL AS d, NULL AS e,
       NULL AS f, NULL AS day
FROM {grant} g JOIN {unit} u ON u.{id} = g.{grant_unit} WHERE g.{grant_user} = %s
UNION ALL
SELECT 0, su.{path}, pu.{path}, su.{code}, pu.{code}, s.{predecessor}, s.{kind}, s.{date}
FROM {succession} s JOIN {unit} su ON su.{id} = s.{successor}
     JOIN {unit} pu ON pu.{id} = s.{predecessor}
ORDER BY 1 DESC, 8, 5
"""


@functools.cache
def _grants_and_links_sql() -> str:
    """``_GRANTS_AND_LINKS_SQL`` with the models' tables and columns, quoted (written once
    per process)."""
    return _GRANTS_AND_LINKS_SQL.format(**_names())


@functools.cache
def _names() -> dict[str, str]:
    """The quoted tables and columns the SQL written here names."""
    Grant = apps.get_model("core", "Grant")
    OrgUnit = apps.get_model("core", "OrgUnit")
    UnitSuccession = apps.get_model("core", "UnitSuccession")
    quote = connection.ops.quote_name

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    return dict(
        grant=quote(Grant._meta.db_table), unit=quote(OrgUnit._meta.db_table),
        succession=quote(UnitSuccession._meta.db_table), id=column(OrgUnit, "id"),
        role=column(Grant, "role"), grant_unit=column(Grant, "unit"),
        grant_user=column(Grant, "user"), path=column(OrgUnit, "path"),
        code=column(OrgUnit, "code"), successor=column(UnitSuccession, "successor"),
        predecessor=column(UnitSuccession, "predecessor"),
        kind=column(UnitSuccession, "kind"), date=column(UnitSuccession, "reform_date"))


def _granted_paths(user, roles) -> list[str]:
    """The paths of the units ``user`` holds one of ``roles`` on (any role when None)."""
    role_values = _role_values(roles)
    pairs = grant_pairs(user)
    if role_values is None:
        return list(dict.fromkeys(path for _role, path in pairs))
    wanted = set(role_values)
    return list(dict.fromkeys(path for role, path in pairs if role in wanted))


#: Reforms at which the successor takes over the whole predecessor, records
#: included. A split (``deling``) is left out on purpose: see the module docstring.
INHERITING_REFORMS = ("sammenslaing", "nytt_nummer")


def _ancestor_paths(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]


#: The reform links read in this request (``RequestMemoMiddleware`` opens a memo per
#: request; outside a request every call reads the table).
_request_memo: ContextVar[dict | None] = ContextVar("rusfelt_request_memo", default=None)


class RequestMemoMiddleware:
    """Gives each request its own memo, so the reform links (and, on a read, the user's
    grants) are read once per request (scoping, the trend and the navigation all need
    them) and never across requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        read_only = getattr(request, "method", None) in ("GET", "HEAD")
        token = _request_memo.set({"read_only": read_only})
        try:
            return self.get_response(request)
        finally:
            _request_memo.reset(token)


def request_memo() -> dict | None:
    """This request's memo (``RequestMemoMiddleware``), None outside a request. What is
    put in it lives until the response is written, never longer."""
    return _request_memo.get()


def succession_links() -> list[tuple[str, str, str, str, int, str]]:
    """Every reform link as ``(successor path, predecessor path, successor code,
    predecessor code, predecessor id, kind)``, in the model's order (reform date,
    predecessor code). One query per request: a few hundred rows nationally."""
    memo = _request_memo.get()
    if memo is not None and "links" in memo:
        return memo["links"]
    UnitSuccession = apps.get_model("core", "UnitSuccession")
    links = list(UnitSuccession.objects.values_list(
        "successor__path", "predecessor__path", "successor__code", "predecessor__code",
        "predecessor_id", "kind"))
    if memo is not None:
        memo["links"] = links
    return links


def forget_successions() -> None:
    """Drop this request's memo of the links (after a service has changed them)."""
    memo = _request_memo.get()
    if memo is not None:
        memo.pop("links", None)


def _successions():
    """``[(successor path, predecessor path)]`` of the reforms that hand records on.

    A predecessor that more than one successor names was split, whatever kind
    the links say, so it hands nothing on.
    """
    links = succession_links()
    memo = _request_memo.get()
    # Worked out once per read of the links (the scoping helpers, the unit check and the
    # menu each ask in one request, issue 12); links read afresh are worked out afresh.
    kept = memo.get("successions") if memo is not None else None
    if kept is not None and kept[0] is links:
        return kept[1]
    named = Counter(pred_id for _s, _p, _sc, _pc, pred_id, _k in links)
    found = [(succ, pred) for succ, pred, _sc, _pc, pred_id, kind in links
             if kind in INHERITING_REFORMS and named[pred_id] == 1]
    if memo is not None:
        memo["successions"] = (links, found)
    return found


def _with_taken_over(paths: list[str], successions=None) -> list[str]:
    """``paths`` and the paths of every unit taken over whole by a unit under them.

    Follows chains of reforms until nothing new is found (each round adds a
    path, so it ends).
    """
    links = _successions() if successions is None else successions
    memo = _request_memo.get()
    key = ("taken-over", tuple(paths))
    # The same paths are covered once per request and reform links (``_successions``):
    # scope_of, has_role and units_for ask for the same roles' paths in one request.
    kept = memo.get(key) if memo is not None else None
    if kept is not None and kept[0] is links:
        return list(kept[1])
    covered = list(paths)
    found = True
    while found:
        found = False
        for successor, predecessor in links:
            if any(predecessor.startswith(p) for p in covered):
                continue  # already covered
            if any(successor.startswith(p) for p in covered):
                covered.append(predecessor)
                found = True
    if memo is not None:
        memo[key] = (links, tuple(covered))
    return covered


def units_for(user, roles: Iterable[str] | str | None = None) -> models.QuerySet:
    """The org units ``user`` holds one of ``roles`` on (any role when None).

    SECURITY: a grant covers its unit, the units below it and the units they
    took over whole at a reform (module docstring). Returns a lazy queryset
    that the database evaluates as a subquery.
    """
    OrgUnit = apps.get_model("core", "OrgUnit")
    if user is None or not user.is_authenticated or not user.is_active:
        return OrgUnit.objects.none()
    if user.is_superuser:
        return OrgUnit.objects.all()
    covered = _covering(_granted_paths(user, roles))
    if covered is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(covered)


def scope_of(user, roles: Iterable[str] | str | None = None) -> tuple[str, ...] | None:
    """What ``units_for(user, roles)`` selects, as the sorted unit paths whose units it
    covers (with those taken over at reforms); None for every unit (a superuser), ()
    for none. SECURITY: a key for what is kept per user's units: two users with the
    same scope see the same units, as long as the unit tree is the same."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ()
    if user.is_superuser:
        return None
    return tuple(sorted(_with_taken_over(_granted_paths(user, roles))))


def _covering(paths) -> models.Q | None:
    """The units at or below any of ``paths`` or taken over by one of them (None when
    there are none). SECURITY: the reform rule of the module docstring applies here."""
    if not paths:
        return None
    covered = models.Q()
    for path in sorted(_with_taken_over(list(paths))):
        covered |= models.Q(path__startswith=path)
    return covered


def users_for(admin, *, home_only: bool = False) -> models.QuerySet:
    """The users ``admin`` may list, see and change (SECURITY: the user chokepoint).

    A user belongs to the units the administrator manages when their home unit
    is one of them, or (unless ``home_only``) when they hold a grant on one of
    them. So a user without grants is visible only to the administrators of
    their home unit and the units above it (issue 18). Only users' home
    administrators may deactivate them: pass ``home_only=True`` for that.
    Non-administrators get no users.
    """
    User = get_user_model()
    if admin is None or not admin.is_authenticated or not admin.is_active:
        return User.objects.none()
    if admin.is_superuser:
        return User.objects.all()
    admin_units = units_for(admin, Role.ADMINISTRATOR)
    mine = models.Q(profile__home_unit__in=admin_units)
    if not home_only:
        mine |= models.Q(pk__in=apps.get_model("core", "Grant").objects.filter(
            unit__in=admin_units).values("user_id"))
    return User.objects.filter(mine)


def holds_any_role(user, roles: Iterable[str] | str) -> bool:
    """True if ``user`` holds one of ``roles`` on any unit (from ``grant_pairs``;
    superusers always)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(_granted_paths(user, roles))


def has_role(user, unit, roles: Iterable[str] | str) -> bool:
    """True if ``user`` holds one of ``roles`` on ``unit`` or a unit above it.

    SECURITY: the same rule as ``units_for(user, roles)`` (its paths and the units
    taken over at reforms), checked on ``unit.path`` without a query of its own.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return covers(_granted_paths(user, roles), unit)


def covers(paths: Iterable[str], unit) -> bool:
    """True if ``unit`` is at or below one of ``paths`` or was taken over whole by a unit
    there (the rule ``units_for`` writes as SQL)."""
    return any(unit.path.startswith(path) for path in _with_taken_over(list(paths)))


class UnitScopedQuerySet(models.QuerySet):
    """Base queryset for unit-owned data. Subclasses set ``unit_lookup``."""

    #: The ORM path from this model to its ``OrgUnit`` ("unit", "runde__unit").
    unit_lookup = "unit"

    def for_user(self, user, roles: Iterable[str] | str | None = None):
        """Rows whose unit ``user`` may see with one of ``roles`` (any role when None).

        SECURITY: this is the one place record-level data is limited to the
        user's units.
        """
        return self.filter(**{f"{self.unit_lookup}__in": units_for(user, roles)})

    def for_user_on(self, user, unit, roles: Iterable[str] | str | None = None):
        """``for_user(user, roles)`` of one ``unit``'s rows: the same rule checked on the
        unit's path (``has_role``, from the grants read once), so the query names the unit
        alone rather than a subquery of every unit the user sees (issue 12).

        SECURITY: no rows unless ``user`` may see ``unit`` with one of ``roles``.
        """
        if not has_role(user, unit, roles):
            return self.none()
        return self.filter(**{self.unit_lookup: unit})


def get_for_user_or_404(queryset, user, roles=None, **lookup):
    """Load one unit-owned object for ``user``.

    Another unit's object answers 404 (its existence is not revealed); an
    object of the user's own units that needs a role the user lacks answers
    403.

    On a read (GET, HEAD) that has not read the user's grants yet, one query: the
    object under a unit of the user's grants, with the grants (``_with_grants``).
    Otherwise, or when that finds nothing, two: the user's grants (role and unit
    path), then the object within the units of any grant. The role is then checked on
    the object's unit path against the grants of those roles, as
    ``for_user(user, roles)`` would check it in the database.
    """
    if (roles is None or user is None or not user.is_authenticated or not user.is_active
            or user.is_superuser):
        obj = get_object_or_404(queryset.for_user(user), **lookup)
        if roles is not None and not queryset.for_user(user, roles).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj
    memo = _request_memo.get()
    found = None
    if (memo is not None and memo.get("read_only") and ("grants", user.pk) not in memo
            and "links" not in memo):
        found = _with_grants(queryset, user, lookup, memo)
    if found is not None:
        obj, pairs = found
        unit = _unit_of(obj, queryset.unit_lookup)
    else:
        pairs = grant_pairs(user)
        covered = _covering({path for _role, path in pairs})
        if covered is None:
            raise Http404
        OrgUnit = apps.get_model("core", "OrgUnit")
        obj = get_object_or_404(
            queryset.filter(**{f"{queryset.unit_lookup}__in": OrgUnit.objects.filter(covered)}),
            **lookup)
        unit = _unit_of(obj, queryset.unit_lookup)
    allowed = set(_role_values(roles))
    allowed_paths = _with_taken_over([path for role, path in pairs if role in allowed])
    if not any(unit.path.startswith(path) for path in allowed_paths):
        raise PermissionDenied
    return obj


def _unit_of(obj, unit_lookup: str):
    unit = obj
    for part in unit_lookup.split("__"):
        unit = getattr(unit, part)
    return unit


#: The attribute the object read with its user's grants carries them in, until read.
_GRANTS_COLUMN = "_rusfelt_grants_and_links"


def _with_grants(queryset, user, lookup, memo):
    """``(object, grant pairs)``: the object ``lookup`` finds in ``queryset`` at or below a
    unit ``user`` holds a grant on, and the user's grants, in one query; None when there
    is no such object. The grants and the reform links (``_grants_and_links``) come as
    one JSON column of the object's row and are put in the request's memo as
    ``grant_pairs`` and ``succession_links`` would put them. A read otherwise asks for
    the grants and then for the object: two round trips, each costing PostgreSQL more
    in travel and planning than its work (issue 12).

    SECURITY: the row is read only under a unit of the user's own grants
    (``_GrantedUnder``), so it is covered; the caller checks the roles. None sends the
    caller to the two reads, which also find an object of a unit taken over at a
    reform, or answer 404."""
    try:
        obj = (queryset.filter(_GrantedUnder(models.F(f"{queryset.unit_lookup}__path"), user.pk))
               .annotate(**{_GRANTS_COLUMN: models.expressions.RawSQL(
                   _grants_json_sql(), [user.pk])})
               .get(**lookup))
    except queryset.model.DoesNotExist:
        return None
    found = obj.__dict__.pop(_GRANTS_COLUMN)
    pairs, memo["links"] = _split_grants_and_links(
        json.loads(found) if isinstance(found, str) else (found or []))
    memo[("grants", user.pk)] = pairs
    return obj, pairs


class _GrantedUnder(models.Expression):
    """True where a unit path (``path``) is at or below a unit the user ``user_id`` holds a
    grant on (``_GRANTED_UNDER_SQL``): the units of the user's grants, before the reform
    rule (``covers``) and the roles. Written as SQL: built through the ORM, an ``Exists``
    took longer to compile than the rest of the read (issue 12)."""

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, path, user_id):
        super().__init__()
        self.path, self.user_id = path, user_id

    def get_source_expressions(self):
        return [self.path]

    def set_source_expressions(self, exprs):
        (self.path,) = exprs

    def as_sql(self, compiler, connection):
        path, params = compiler.compile(self.path)
        return _granted_under_sql().format(path=path), [self.user_id, *params]


#: A grant of the user (the first parameter) on the unit at ``{path}`` or a unit above it.
_GRANTED_UNDER_SQL = """EXISTS (SELECT 1 FROM {grant} cg JOIN {unit} cu ON cu.{id} = cg.{grant_unit}
WHERE cg.{grant_user} = %s AND SUBSTR({{path}}, 1, LENGTH(cu.{path})) = cu.{path})"""


@functools.cache
def _granted_under_sql() -> str:
    """``_GRANTED_UNDER_SQL`` with the models' tables and columns, quoted (once per
    process)."""
    return _GRANTED_UNDER_SQL.format(**_names())


@functools.cache
def _grants_json_sql_for(vendor: str) -> str:
    body = _grants_and_links_sql().rsplit("ORDER BY", 1)[0]
    columns = "x.is_grant, x.a, x.b, x.c, x.d, x.e, x.f, x.day"
    if vendor == "postgresql":
        return f"SELECT json_agg(json_build_array({columns}))::text FROM ({body}) x"
    return f"SELECT json_group_array(json_array({columns})) FROM ({body}) x"


def _grants_json_sql() -> str:
    """``_GRANTS_AND_LINKS_SQL``'s rows as one JSON array of arrays (the database's own
    JSON aggregate), for ``_with_grants``."""
    return _grants_json_sql_for(connection.vendor)


def grants_covering(user, roles: Iterable[str] | str | None = None) -> models.QuerySet:
    """Grants that give access to the units ``user`` holds ``roles`` on.

    Those are the grants on those units and below them, the grants on the
    units above them (a grant on a kommune also covers its bydeler), and,
    through reforms, the grants on a successor that took one of those units
    over and on the units above it (module docstring). For the data
    protection officer's overview of who had access.
    """
    Grant = apps.get_model("core", "Grant")
    if user is None or not user.is_authenticated or not user.is_active:
        return Grant.objects.none()
    if user.is_superuser:
        return Grant.objects.all()
    links = _successions()
    paths = _with_taken_over(_granted_paths(user, roles), links)
    covering = models.Q()
    for path in paths:
        covering |= models.Q(unit__path__startswith=path) | models.Q(
            unit__path__in=_ancestor_paths(path))
    # Successors that took over a covered unit, and theirs (chains of reforms).
    takers = [succ for succ, pred in links if any(pred.startswith(p) for p in paths)]
    seen: set[str] = set()
    while takers:
        succ = takers.pop()
        if succ in seen or any(succ.startswith(p) for p in paths):
            continue
        seen.add(succ)
        covering |= models.Q(unit__path__in=[succ, *_ancestor_paths(succ)])
        takers += [s for s, pred in links if pred == succ]
    return Grant.objects.filter(covering) if covering else Grant.objects.none()


def audit_events_for(user, roles: Iterable[str] | str | None = None, *,
                     within=None) -> models.QuerySet:
    """The audit events ``user`` may read with ``roles`` (``within`` a unit, if given).

    Events on the user's units, and events without a unit (logins, look-ups of a
    person) by users who hold a grant on those units, or (failed logins, which
    have no user) tried with such a user's name. A superuser, or a role on the
    country, reads every event.
    """
    AuditEvent = apps.get_model("core", "AuditEvent")
    units = units_for(user, roles)
    if within is not None:
        units = units.filter(path__startswith=within.path)
    elif user is not None and user.is_authenticated and (
            user.is_superuser or units.filter(level="land").exists()):
        return AuditEvent.objects.all()
    # Users of these units: grant holders, and (issue 18) users whose home unit it is.
    holders = get_user_model().objects.filter(
        models.Q(grants__unit__in=units) | models.Q(profile__home_unit__in=units))
    return AuditEvent.objects.filter(
        models.Q(unit__in=units)
        | models.Q(unit__isnull=True, user__in=holders)
        | models.Q(unit__isnull=True, user__isnull=True,
                   username__in=holders.values("username")))
