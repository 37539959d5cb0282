"""Searching and maintaining the directory. Views call these; so do the API
and the command line.

The public search is not scoped: published services are public. Changes go
through ``save_tjeneste`` / ``mark_verified``, which audit every write.
"""

import collections
import functools
import operator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    TimeField,
    Value,
    When,
)
from django.db.models.functions import Cast, StrIndex
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from rusfelt.core import audit
from rusfelt.core.dokumenter import sheets
from rusfelt.core.models import AuditAction, Niva, OrgUnit

from .domain import apningstider, kvalitet, sporsmal
from .domain.helligdager import is_public_holiday
from .fields import as_list, contains_value
from .models import (
    PARORENDE_GROUPS,
    Apningstid,
    Category,
    Tjeneste,
    Unntak,
)
from .search import backend as search_backend

PAGE_SIZE = 20


class ConcurrentEditError(Exception):
    """Someone else saved the service after this form was opened."""


def now_local() -> datetime:
    """The wall-clock time in Europe/Oslo, naive (tests move it with time-machine)."""
    return timezone.localtime().replace(tzinfo=None)


@dataclass
class Filters:
    """The public search's parameters (the same for the page and the API)."""

    q: str = ""
    alder: int | None = None
    rolle: str = ""  # "bruker" (for myself) or "parorende" (I am a relative)
    kategori: str = ""
    tilgang: str = ""
    apen: bool = False
    sted: str = ""  # OrgUnit code of a kommune or bydel
    #: The ids of the units ``sted`` is served from, when the caller has them
    #: (``forms.Places.served``, read once per unit version); None: ``filtered``
    #: reads them. Never set without ``sted``.
    units: tuple[int, ...] | None = None

    @classmethod
    def from_cleaned(cls, data: dict) -> "Filters":
        return cls(
            q=data.get("q") or "",
            alder=data.get("alder"),
            rolle=data.get("rolle") or "",
            kategori=data.get("kategori") or "",
            tilgang=data.get("tilgang") or "",
            apen=bool(data.get("apen")),
            sted=data.get("sted") or "",
        )


def filtered(filters: Filters):
    """Published services matching every filter except the text and "open now"."""
    qs = Tjeneste.objects.published()
    if filters.kategori:
        qs = qs.filter(category=filters.kategori)
    if filters.tilgang:
        qs = qs.filter(access_routes__contains=contains_value(filters.tilgang))
    if filters.alder is not None:
        qs = qs.filter(
            Q(age_min__isnull=True) | Q(age_min__lte=filters.alder),
            Q(age_max__isnull=True) | Q(age_max__gte=filters.alder),
        )
    if filters.rolle == "parorende":
        relatives = Q(category="parorende")
        for group in PARORENDE_GROUPS:
            relatives |= Q(target_groups__contains=contains_value(group))
        qs = qs.filter(relatives)
    elif filters.rolle == "bruker":
        # Leave out what is only for relatives.
        only_relatives = {f",{','.join(c)}," for c in (
            ["parorende"], ["barn_parorende"], ["parorende", "barn_parorende"],
            ["barn_parorende", "parorende"])}
        qs = qs.exclude(target_groups__in=only_relatives)
    if filters.sted:
        units = filters.units if filters.units is not None else _units_serving(filters.sted)
        if units is None:
            return qs.none()
        return qs.filter(unit__in=units)
    return qs


def served_unit_ids(path: str, units) -> tuple[int, ...]:
    """The place rule: ids of the units a place with ``path`` is served from, among
    ``units`` ((pk, code, name, level, path) rows): the place's own and its
    bydeler's, and those of the units above it but the country (a kommune-wide
    service serves every bydel). The path holds the codes from the top.

    The one rule of the search's places: ``filtered`` applies it to the units
    it reads (``_units_serving``), ``forms.Places`` to the units it read once."""
    above = {code for code in path.strip("/").split("/") if code}
    return tuple(pk for pk, code, _name, level, unit_path in units
                 if unit_path.startswith(path) or (code in above and level != Niva.LAND))


def _units_serving(code: str) -> tuple[int, ...] | None:
    """``served_unit_ids`` of the place ``code`` (None: no such unit), from the
    units on its path and under it, read in one query with the place's path."""
    place = OrgUnit.objects.filter(code=code).values("path")[:1]
    rows = list(OrgUnit.objects.annotate(place=Subquery(place))
                .filter(Q(path__startswith=F("place")) | Q(place__startswith=F("path")))
                .values_list("pk", "code", "name", "level", "path", "place"))
    if not rows:
        return None
    return served_unit_ids(rows[0][-1], [row[:5] for row in rows])


def open_now_ids(qs, at: datetime) -> list[int]:
    """Ids in ``qs`` of services open at local time ``at``, in ``qs``'s order.

    SQL applies the weekly periods and the holiday rule exactly (the same
    rule as ``domain.apningstider``, proved equal in test_open_now_sql.py);
    only services with a dated exception yesterday or today are then checked
    by the domain rule itself, so the work stays small at 5 000 services.
    """
    running, excepted = _open_now_parts(at)
    running, excepted = running.values("tjeneste_id"), excepted.values("tjeneste_id")
    rows = list(qs.filter(Q(pk__in=running) | Q(pk__in=excepted))
                .annotate(excepted=Q(pk__in=excepted)).values_list("pk", "excepted"))
    ids = [pk for pk, _excepted in rows]
    closed = _closed_by_exception([pk for pk, excepted in rows if excepted], at)
    return [pk for pk in ids if pk not in closed]


def _open_now_parts(at: datetime):
    """The SQL half of the open-now rule at ``at`` (``open_now_ids``): the weekly
    periods running then, with the holiday rule, and the dated exceptions of
    yesterday and today, whose services the domain rule decides."""
    t, today = at.time(), at.date()
    yesterday = today - timedelta(days=1)
    started_today = Q(weekday=today.weekday(), opens__lte=t) & (
        Q(closes__gt=t) | Q(closes__lte=F("opens")))
    from_yesterday = Q(weekday=yesterday.weekday(), closes__gt=t, closes__lte=F("opens"))
    if is_public_holiday(today):
        started_today &= Q(tjeneste__open_on_holidays=True)
    if is_public_holiday(yesterday):
        from_yesterday &= Q(tjeneste__open_on_holidays=True)
    return (Apningstid.objects.filter(started_today | from_yesterday),
            Unntak.objects.filter(day__in=[yesterday, today]))


def _closed_by_exception(ids, at: datetime) -> set[int]:
    """Of services ``ids`` with a dated exception yesterday or today, those the
    domain rule finds closed at ``at``."""
    schedules = schedules_for(ids)
    return {pk for pk in ids if not apningstider.is_open(schedules[pk], at)}


def schedules_for(ids, holidays: dict[int, bool] | None = None,
                  ) -> dict[int, apningstider.Schedule]:
    """Domain schedules of some services, in two queries and no model instances
    (one when their ``holidays``, open_on_holidays by id, are known).

    The weekly periods and the dated exceptions are read together, as one
    ``UNION ALL`` of two ``values_list`` queries (``_hours``): a page of
    results pays this on every request (issue 12).
    """
    ids = list(ids)
    if not ids:
        return {}
    periods: dict[int, list] = {i: [] for i in ids}
    exceptions: dict[int, list] = {i: [] for i in ids}
    if holidays is None:
        holidays = dict(Tjeneste.objects.filter(pk__in=ids)
                        .values_list("pk", "open_on_holidays"))
    for kind, tid, weekday, day, closed, opens, closes, note in _hours(ids):
        if kind == 0:
            periods[tid].append(apningstider.Period(weekday, opens, closes))
        else:
            exceptions[tid].append(apningstider.DayException(day, closed, opens, closes, note))
    return {
        i: apningstider.Schedule(tuple(periods[i]), tuple(exceptions[i]), holidays.get(i, False))
        for i in ids
    }


#: The columns of ``_hours``, in the order both of its parts select them.
_HOURS_COLUMNS = ("kind", "tjeneste_id", "weekday", "day", "closed", "opens", "closes", "note")
#: Their types, to convert the values as the ORM would.
_DATE, _TIME = DateField(), TimeField()


def _hours(ids) -> list[tuple]:
    """The periods (kind 0, in the models' order: weekday, opens) and exceptions
    (kind 1: day, opens) of the services ``ids``, as one ``UNION ALL``
    (``_hours_query``), through SQL the ORM writes once per process and number of
    ids (``_hours_sql``): compiling the union took longer than running it for a
    page of 20 (issue 12). Rows of ``_HOURS_COLUMNS`` as the ORM converts them."""
    ids = list(ids)
    sql, template, slots = _hours_sql(len(ids), connection.vendor)
    params = list(template)
    for at, i in slots:
        params[at] = ids[i]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # SQLite gives dates, times and booleans as text and integers.
    date_of, time_of = _DATE.to_python, _TIME.to_python
    return [(kind, tid, weekday, date_of(day), None if closed is None else bool(closed),
             time_of(opens), time_of(closes), note)
            for kind, tid, weekday, day, closed, opens, closes, note in rows]


@functools.lru_cache(maxsize=64)
def _hours_sql(count: int, _vendor: str) -> tuple[str, tuple, tuple[tuple[int, int], ...]]:
    """``_hours_query`` of ``count`` ids as SQL, its parameters, and where the ids go
    in them ((position, index of the id)). Written with negative stand-ins for the
    ids: no service's id, nor any of the query's own constants, is negative."""
    stand_ins = [-1 - i for i in range(count)]
    query = _hours_query(stand_ins).query
    sql, params = query.get_compiler(connection=connection).as_sql()
    slots = tuple((at, -1 - value) for at, value in enumerate(params)
                  if type(value) is int and value < 0)
    return sql, tuple(params), slots


def _hours_query(ids):
    """The ORM's union behind ``_hours``. Each part types the columns the other has
    (``Value(None, output_field=...)``)."""
    periods = Apningstid.objects.filter(tjeneste_id__in=ids).order_by().annotate(
        kind=Value(0, output_field=IntegerField()),
        day=Value(None, output_field=DateField()),
        closed=Value(None, output_field=BooleanField()),
        note=Value("", output_field=CharField()),
    ).values_list(*_HOURS_COLUMNS)
    exceptions = Unntak.objects.filter(tjeneste_id__in=ids).order_by().annotate(
        kind=Value(1, output_field=IntegerField()),
        weekday=Value(None, output_field=IntegerField()),
    ).values_list(*_HOURS_COLUMNS)
    return periods.union(exceptions, all=True).order_by("kind", "weekday", "day", "opens")


@dataclass
class Result:
    """A search's answer: ids in display order and how the text was read."""

    ids: object  # a list, or a lazy queryset of ids when no text and no "open now"
    question: sporsmal.Question


def search(filters: Filters, at: datetime | None = None) -> Result:
    """The public search: filters, then the text read as a question (domain.sporsmal),
    matched through the database's text search (search.py) and ranked.

    Without text or "open now" the ids are a lazy queryset in name order, so a
    paginator asks the database for a COUNT and one page.
    """
    question = sporsmal.parse(filters.q)
    qs = filtered(filters)
    only_open = filters.apen or question.open_now
    ranked = bool(question.groups or question.understood or question.age is not None)
    if not ranked and not only_open:
        return Result(qs.order_by("name", "pk").values_list("pk", flat=True), question)
    at = at or now_local()
    if not ranked:
        # Only "open now": nothing to rank, so the name order of the query that
        # finds the open ones (issue 12: not a second query over every open id).
        return Result(open_now_ids(qs.order_by("name", "pk"), at), question)
    backend = None
    qs = qs.order_by()  # the ranking orders: no sort in SQL
    unmatched = qs
    if question.groups:
        backend = search_backend()
        question = sporsmal.with_corrections(question, backend.known_prefix, backend.near)
        qs = backend.matching(qs, question.groups)
    # Whether the candidates are open now, when only the open ones are wanted; an
    # urgent question's ranking reads it with them (``_ranked``).
    open_ids = set(open_now_ids(qs, at)) if only_open else None
    if only_open:
        # The open ones are the candidates: read their rows by id, without the
        # text and place conditions again (they are already among them).
        qs = Tjeneste.objects.filter(pk__in=open_ids).order_by()
    if backend is not None and backend.rank_keeps_matches and not only_open:
        qs = unmatched  # the rank's join with the text index keeps only the matches
    return Result(_ranked(qs, question, open_ids, backend, at), question)


#: Alternatives per bit mask column (the masks are 64-bit integers in SQL).
MASK_BITS = 60
#: Periods that make a service open some night: past midnight, all day, or at 02:00.
AT_NIGHT = Q(closes__lte=F("opens")) | Q(opens__lte=time(2), closes__gt=time(2))


def _ranked(qs, question, open_ids: set[int] | None, backend, at: datetime) -> list[int]:
    """Ids of ``qs`` in the order of ``domain.sporsmal.rank_keys``, then of the text
    rank (``backend``'s, in the same query: a column of the row on PostgreSQL,
    FTS5's bm25 joined by id on SQLite), name and id.

    The database says where each term stands (" term" is in the index
    " word word " exactly when a word starts with the term) as one bit per
    alternative in a name mask and a text mask, so a row is a few integers
    rather than a list of flags built in Python. Rows alike to the rule (the
    same masks, and the same of what the question's intents look at) are
    ranked once, weighed by their number (``counts``): a search with
    thousands of candidates has a handful of kinds (issue 12).

    ``open_ids``: the candidates open now, or None: an urgent question reads
    whether each is open with them (``_open_now_parts`` as two columns), as
    ``open_now_ids`` would in a query of its own.
    """
    alternatives = sporsmal.alternatives(question)
    terms = sorted({t for alt in alternatives for t in alt})
    slot = {t: i for i, t in enumerate(terms)}
    positions = {}
    for i, term in enumerate(terms):
        positions[f"n{i}"] = StrIndex("name_index", Value(f" {term}"))
        positions[f"t{i}"] = StrIndex("search_index", Value(f" {term}"))
    masks = {}
    for c in range(0, len(alternatives), MASK_BITS):
        chunk = list(enumerate(alternatives[c:c + MASK_BITS]))
        for side in "nt":
            masks[f"{side}m{c}"] = functools.reduce(operator.add, [
                Case(When(Q(**{f"{side}{slot[t]}__gt": 0 for t in alt}), then=Value(1 << bit)),
                     default=Value(0)) for bit, alt in chunk])
    # What the intents look at (``sporsmal._with_intents``): the columns a row's
    # kind is made of besides its masks, read only when an intent looks at them,
    # so that alike rows share one kind.
    q = question
    categories = {"akutt"} if q.urgent else set()
    categories |= {"parorende"} if q.relatives else set()
    needs_groups = q.relatives or q.young
    needs_ages = q.young or q.age is not None
    # Open some night: a column of the rows ranked, through the hours' index by
    # service (issue 12: a query of its own matched the text again, 5.8 ms of
    # «akutt overnatting»'s 2 126 matches on SQLite; 2.5 ms more as a column).
    if q.overnight:
        qs = qs.annotate(at_night=Exists(Apningstid.objects.filter(AT_NIGHT,
                                                                   tjeneste=OuterRef("pk"))))
    # The text rank is the last column: an expression of the row (PostgreSQL,
    # none without words), or added by ``with_rank`` (SQLite's bm25).
    rank = backend.rank_expression(q.groups) if backend else Value(0.0)
    # A row: (pk, name, *its kind's columns, [runs now, has an exception today], text
    # rank); the rank is last whether it is a column here or added by ``with_rank``.
    kind_columns = [*masks, *(["category"] if categories else []),
                    *([Cast("target_groups", CharField())] if needs_groups else []),  # ",a,b,"
                    *(["age_min", "age_max"] if needs_ages else []),
                    *(["at_night"] if q.overnight else [])]
    kind_of_row = slice(2, 2 + len(kind_columns))
    runs_now, has_exception = kind_of_row.stop, kind_of_row.stop + 1
    text_rank = -1
    columns = ["pk", "name", *kind_columns]
    # Open now, for an urgent question not limited to the open ones: the rule's SQL
    # half as columns (issue 12: a query of its own matched the text again).
    open_in_sql = q.urgent and open_ids is None
    if open_in_sql:
        running, excepted = _open_now_parts(at)
        qs = qs.annotate(running=Exists(running.filter(tjeneste=OuterRef("pk"))),
                         excepted=Exists(excepted.filter(tjeneste=OuterRef("pk"))))
        columns += ["running", "excepted"]
    if rank is not None:
        qs, columns = qs.annotate(text_rank=rank), [*columns, "text_rank"]
    query = qs.annotate(**positions).annotate(**masks).values_list(*columns).query
    # The plain rows, without Django's converter calls per value: every column
    # here is an integer or a text as the database gives it.
    try:
        sql, params = query.sql_with_params()
    except EmptyResultSet:  # nothing can match (say "open now" and none is)
        return []
    if rank is None:
        sql, params = backend.with_rank(sql, params, q.groups)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        result = cursor.fetchall()
    # A row's kind is its kind's columns, with whether it is open now when the
    # question looks at that (issue 12: a kind per row was built in a Python loop
    # over every match).
    if open_in_sql:
        closed = _closed_by_exception([row[0] for row in result if row[has_exception]], at)
        open_ids = {row[0] for row in result
                    if (row[runs_now] or row[has_exception]) and row[0] not in closed}
    if q.urgent:
        kind_of = {row[0]: (*row[kind_of_row], row[0] in open_ids) for row in result}
        counted = collections.Counter(kind_of.values())
    else:
        kind_of = None
        counted = collections.Counter(row[kind_of_row] for row in result)
    kinds = list(counted)
    n = len(masks)
    docs, found = [], []
    for kind in kinds:
        rest = list(kind[n:])
        category = rest.pop(0) if categories else ""
        groups = rest.pop(0) if needs_groups else ""
        low, high = (rest.pop(0), rest.pop(0)) if needs_ages else (None, None)
        at_night = bool(rest.pop(0)) if q.overnight else False  # SQLite: 0 or 1
        open_now = rest.pop(0) if q.urgent else False
        docs.append(sporsmal.Doc("", "", category if category in categories else "",
                                 tuple(as_list(groups)), low, high,
                                 open_now=open_now, open_at_night=at_night))
        n_masks, t_masks = kind[0:n:2], kind[1:n:2]
        found.append([(bool(n_masks[a // MASK_BITS] >> (a % MASK_BITS) & 1),
                       bool(t_masks[a // MASK_BITS] >> (a % MASK_BITS) & 1))
                      for a in range(len(alternatives))])
    # None: the database's prefix match was wider than the rule.
    keys = sporsmal.rank_keys(question, docs, found, [counted[kind] for kind in kinds])
    # The order of (key, -text rank, name, id): rows sorted by name and id, then
    # (stable) by text rank, higher first, then put in their key's place.
    places = {key: i for i, key in enumerate(sorted({k for k in keys if k is not None}))}
    place_of = {kind: places[key] for kind, key in zip(kinds, keys, strict=True)
                if key is not None}
    result.sort(key=operator.itemgetter(1, 0))
    result.sort(key=operator.itemgetter(text_rank), reverse=True)
    ordered: list[list[int]] = [[] for _ in places]
    for row in result:
        place = place_of.get(kind_of[row[0]] if kind_of is not None else row[kind_of_row])
        if place is not None:
            ordered[place].append(row[0])
    return [pk for part in ordered for pk in part]


def search_ids(filters: Filters, at: datetime | None = None):
    """Ids of the matching services in display order (see ``search``)."""
    return search(filters, at).ids



def load(ids, *, hours: bool = True, translations: bool = True) -> list[Tjeneste]:
    """The services ``ids`` with what a list or page shows, in the given order.

    ``hours=False`` leaves the periods and exceptions out, for a caller that
    reads them as domain values (``page_listings``); ``translations=False``
    the other languages' texts, for a page in bokmål (``in_bokmal``).
    """
    ids = list(ids)
    by_id = {o.pk: o for o in _with_shown(Tjeneste.objects.filter(pk__in=ids),
                                          hours=hours, translations=translations)}
    return [by_id[i] for i in ids if i in by_id]


def _with_shown(qs, *, hours: bool, translations: bool):
    """``qs`` reading what a list or page shows (``load``)."""
    related = ["periods", "exceptions"] if hours else []
    if translations:
        related.append("translations")
    return (
        qs.select_related("unit", "provider_unit")
        .prefetch_related(*related)
        # The search's own word lists: long, and read only by the search (a save
        # builds them anew).
        .defer("search_index", "name_index")
    )


@dataclass
class Listing:
    """One service as a result row or page: the object and its status now.

    The properties are what a result row prints, each worked out once in
    Python rather than through template tags and lookups per row (issue 12).
    """

    tjeneste: Tjeneste
    status: apningstider.Status
    stale: bool

    @cached_property
    def card_key(self) -> tuple:
        """Everything a result card's fixed parts can show: the page's language, the
        service's stored values, its units' and, on a page in another language
        than bokmål, its translations (``tjenester_tags.result_card``)."""
        t = self.tjeneste
        language = translation.get_language() or "nb"
        texts = () if in_bokmal() else tuple(_row(r) for r in t.translations.all())
        return (language, _row(t), _row(t.unit),
                _row(t.provider_unit) if t.provider_unit_id else None, texts)

    @cached_property
    def url(self) -> str:
        return self.tjeneste.get_absolute_url()

    @cached_property
    def name(self) -> str:
        return self.tjeneste.translated("name")

    @cached_property
    def description(self) -> str:
        return self.tjeneste.translated("description")

    def _lang(self, field) -> str:
        """As the ``lang_attr`` tag: ' lang="nb"' where the text shown falls back to
        bokmål on a page in another language (WCAG 3.1.2)."""
        page = (translation.get_language() or "nb").split("-")[0]
        if page == "nb" or self.tjeneste.text_language(field) == page:
            return ""
        return mark_safe(' lang="nb"')

    @cached_property
    def name_lang(self) -> str:
        return self._lang("name")

    @cached_property
    def description_lang(self) -> str:
        return self._lang("description")

    @cached_property
    def meta(self) -> str:
        """Category · provider · unit · ages: the line under a result's name."""
        t = self.tjeneste
        parts = [t.category_label]
        if t.provider_display:
            parts.append(t.provider_display)
        parts.append(t.unit.name)
        if t.age_min is not None and t.age_max is not None:
            parts.append(gettext("%(a)s–%(b)s år") % {"a": t.age_min, "b": t.age_max})
        elif t.age_min is not None:
            parts.append(gettext("fra %(a)s år") % {"a": t.age_min})
        return " · ".join(parts)


def _row(obj) -> tuple:
    """An instance's loaded column values, hashable (lists as tuples; deferred
    columns are not read)."""
    loaded = obj.__dict__
    values = (loaded.get(f.attname) for f in obj._meta.concrete_fields)
    return tuple(tuple(v) if isinstance(v, list) else v for v in values)


def listings(objects, at: datetime, schedules=None) -> list[Listing]:
    """Each service with its status at ``at``; ``schedules`` (``schedules_for``) when
    the objects were loaded without their hours."""
    return [Listing(o, apningstider.status(o.schedule() if schedules is None
                                           else schedules[o.pk], at), o.is_stale(at.date()))
            for o in objects]


def in_bokmal() -> bool:
    """The page is in bokmål: ``Tjeneste.translated`` then reads no translations."""
    return (translation.get_language() or "nb").split("-")[0] == "nb"


def page_listings(ids, at: datetime) -> list[Listing]:
    """A page of search results: the services, with their hours read as domain
    values instead of a model object per period (``schedules_for``)."""
    return results_page(ids, at)[0]


#: Emergency services shown beside 113 and 116 117 (``emergency_services``).
EMERGENCY_LIMIT = 4


def results_page(ids, at: datetime, sted: str = "", units: tuple[int, ...] | None = None,
                 ) -> tuple[list[Listing], list[Listing]]:
    """A page of search results and, with a place ``sted``, its emergency box
    (``emergency_services``), read together: the page's services and the
    place's emergency services in one query, all their hours in one more.

    The emergency services of a place are a few (the akutt services of a
    kommune with its bydeler), so they are read whole and ranked here, open
    now first, as ``for_municipality`` ranks them (issue 12: the box read
    its services, their hours and the chosen ones again, 3 queries more).
    """
    ids = list(ids)
    qs = Tjeneste.objects.filter(pk__in=ids)
    if sted:
        emergency = filtered(Filters(sted=sted, kategori=Category.AKUTT, units=units))
        emergency_ids = emergency.order_by().values("pk")
        # One id set (a UNION ALL), not "in the page OR in the box": PostgreSQL
        # reads every service for such an OR (5 000 rows for a page of 20, 2 ms
        # of a 0.5 ms query); SQLite answers both through the primary key.
        qs = (Tjeneste.objects.filter(pk__in=qs.order_by().values("pk")
                                      .union(emergency_ids, all=True))
              .annotate(emergency=Q(pk__in=emergency_ids)))
    objects = list(_with_shown(qs.order_by("name", "pk"), hours=False,
                               translations=not in_bokmal()))
    holidays = {o.pk: o.open_on_holidays for o in objects}
    schedules = schedules_for(holidays, holidays=holidays)
    found = {item.tjeneste.pk: item for item in listings(objects, at, schedules)}
    page = [found[i] for i in ids if i in found]
    # Name order (the query's), open ones first: a stable sort keeps the names'.
    box = sorted((found[o.pk] for o in objects if getattr(o, "emergency", False)),
                 key=lambda item: not item.status.is_open)
    return page, box[:EMERGENCY_LIMIT]


def for_municipality(code: str, *, category: str = "", at: datetime | None = None,
                     limit: int | None = None, units: tuple[int, ...] | None = None,
                     ) -> list[Listing]:
    """Published services for the kommune or bydel ``code`` (with those of the units
    above it), in ``category`` if given, open now first, then by name.

    For other capabilities (screening's "matching services", the no-results
    page): a plain list of ``Listing`` (service, status now, stale flag).
    Unknown codes give an empty list. ``units``: the place's units when the
    caller has them (``Filters.units``).

    The services of one place are few (tens, a few hundred for a whole city),
    so their hours are read once as domain values and "open now" is the
    domain rule itself; the page's rows reuse them (issue 12: a search with a
    place made 19-22 queries).
    """
    at = at or now_local()
    qs = filtered(Filters(sted=code, kategori=category, units=units))
    holidays = dict(qs.order_by("name", "pk").values_list("pk", "open_on_holidays"))
    ids = list(holidays)  # name order (dicts keep insertion order)
    schedules = schedules_for(ids, holidays=holidays)
    statuses = {pk: apningstider.status(schedules[pk], at) for pk in ids}
    ids.sort(key=lambda pk: not statuses[pk].is_open)  # stable: name order within each part
    objects = load(ids[:limit] if limit else ids, hours=False, translations=not in_bokmal())
    return [Listing(o, statuses[o.pk], o.is_stale(at.date())) for o in objects]


def emergency_services(code: str, at: datetime | None = None,
                       units: tuple[int, ...] | None = None) -> list[Listing]:
    """The municipality's own emergency services (category "akutt"), for the
    emergency box beside 113 and 116 117. A bydel gets its kommune's."""
    if not code:
        return []
    return for_municipality(code, category=Category.AKUTT, at=at, limit=EMERGENCY_LIMIT,
                            units=units)


# --- Data quality (planners) ----------------------------------------------------


@dataclass
class QualityRow:
    tjeneste: Tjeneste
    gaps: tuple[str, ...]


QUALITY_COLUMNS = ["enhet", "enhetskode", "tjeneste", "kortnavn", "publisert", "telefon",
                   "adresse", "nettside", "apningstider", "sist_kontrollert", "kilde"]


def quality_rows(qs, today: date) -> list[QualityRow]:
    """Services in ``qs`` (already scoped) with their gaps, by unit then name;
    services without gaps are left out."""
    with_hours = set(Apningstid.objects.filter(tjeneste__in=qs.values("pk"))
                     .values_list("tjeneste_id", flat=True))
    rows = []
    for obj in qs.select_related("unit").order_by("unit__path", "name", "pk"):
        facts = kvalitet.Facts(obj.phone, obj.street_address, obj.postal_code, obj.website,
                               obj.pk in with_hours or bool(obj.hours_note), obj.verified_on)
        found = kvalitet.gaps(facts, today)
        if found:
            rows.append(QualityRow(obj, found))
    return rows


def quality_table(rows: list[QualityRow]) -> list[list]:
    """The rows as cells (the export's layout, QUALITY_COLUMNS): "mangler" where a
    detail is missing. The shared writer (core.dokumenter.sheets) neutralises."""
    missing = "mangler"
    table = []
    for row in rows:
        t = row.tjeneste
        table.append([
            t.unit.name, t.unit.code, t.name, t.slug, "ja" if t.published else "nei",
            missing if kvalitet.PHONE in row.gaps else t.phone,
            missing if kvalitet.ADDRESS in row.gaps else f"{t.street_address}, {t.postal_code}",
            missing if kvalitet.WEBSITE in row.gaps else t.website,
            missing if kvalitet.HOURS in row.gaps else "ja",
            t.verified_on.isoformat() if t.verified_on else "aldri",
            t.source_ref,
        ])
    return table


def quality_csv(rows: list[QualityRow]) -> bytes:
    """UTF-8 CSV with a byte-order mark, through the shared formula-safe writer."""
    return sheets.csv_bytes([QUALITY_COLUMNS, *quality_table(rows)])


def quality_xlsx(rows: list[QualityRow]) -> bytes:
    """XLSX through the shared writer: every text a text cell, never a formula."""
    return sheets.xlsx_bytes([sheets.Sheet("Mangler", QUALITY_COLUMNS, quality_table(rows))])


# --- Changes (planners) -------------------------------------------------------


@transaction.atomic
def save_tjeneste(form, formsets, *, request, expected_version: int | None = None) -> Tjeneste:
    """Save a service with its hours, exceptions and translations; audit it.

    Refuses a concurrent edit: ``expected_version`` must still be current.
    """
    obj = form.instance
    creating = obj.pk is None
    if not creating:
        current = Tjeneste.objects.select_for_update().filter(pk=obj.pk).values_list(
            "version", flat=True).first()
        if expected_version is not None and current != expected_version:
            raise ConcurrentEditError
        obj.version = (current or 0) + 1
    obj = form.save()
    changed = list(form.changed_data)
    for formset in formsets:
        formset.instance = obj
        formset.save()
        if formset.has_changed():
            changed.append(formset.prefix)
    obj.refresh_search_index()
    audit.record(
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        request=request, obj=obj, detail={"fields": changed},
    )
    return obj


@transaction.atomic
def mark_verified(obj: Tjeneste, *, request, today: date | None = None) -> Tjeneste:
    """Record that the planner checked the service's information today (with its audit entry)."""
    obj.verified_on = today or now_local().date()
    obj.verified_by = request.user
    obj.version += 1
    obj.save(update_fields=["verified_on", "verified_by", "version", "updated_at"])
    audit.record(AuditAction.UPDATE, request=request, obj=obj,
                 detail={"fields": ["verified_on"]})
    return obj
