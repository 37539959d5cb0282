"""Indicator sets in the browser: status tables, charts, comparison, goals, import.

Every view loads values through ``Verdi.objects.visible_to`` (the scoping
chokepoint plus the published national figures) and a unit through
``_unit``: another municipality's unit answers 404, a unit of one's own
without the needed role 403.
"""


import hashlib
import json
import uuid
import zlib
from collections import defaultdict, namedtuple
from dataclasses import dataclass
from decimal import Decimal
from html import escape  # Django's escape() is this, wrapped for lazy strings
from itertools import groupby, repeat
from operator import add, attrgetter, itemgetter

import altair as alt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.formats import localize
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rusfelt.core import audit, csrf_holes
from rusfelt.core.charts import broken_lines, cached_svg_data_uri
from rusfelt.core.dokumenter import labels
from rusfelt.core.dokumenter import render as render_document
from rusfelt.core.domain.rounding import rounded
from rusfelt.core.domain.tabular import InvalidRows, TableError
from rusfelt.core.models import AuditAction, Niva, OrgUnit
from rusfelt.core.roles import Role
from rusfelt.core.scoping import has_role, holds_any_role, scope_of, units_for
from rusfelt.core.services import predecessor_codes, reforms_of
from rusfelt.core.sessions import shared_value
from rusfelt.core.templatetags.frame import PAGE_KEY, render_page
from rusfelt.core.widgets import FrozenChoices

from . import documents, services
from .domain.change import change_between
from .forms import (
    AssessmentForm,
    CompareForm,
    ImportForm,
    StatusFilterForm,
)
from .models import Gruppe, Indikator, Indikatorsett, Maalvurdering, Verdi
from .templatetags import indikatorer_tags as cells

READ_ROLES = [Role.LESER, Role.PLANLEGGER, Role.KARTLEGGER]
WRITE_ROLES = [Role.PLANLEGGER]


def _unit(user, code: str, roles=READ_ROLES, *, national_open=True, version=None) -> OrgUnit:
    """The unit ``code`` if ``user`` may act on it with ``roles``: 404 if not theirs, 403
    without the role. The country's published figures are open to every signed-in user
    when ``national_open``.

    With ``version`` (a set's pk, data version and the shared cache's token) the unit is
    read once per version in each process: a unit written, moved or deleted is a new
    data version of every set (``models._units_changed``). The checks below run on every
    request, on the unit's path."""
    if version is None:
        unit = get_object_or_404(OrgUnit, code=code)
    else:
        unit = _kept_content(("enhet", *version, code), lambda: {
            "unit": OrgUnit.objects.filter(code=code).first()})["unit"]
        if unit is None:
            raise Http404
    return _checked(user, unit, roles, national_open=national_open)


#: What ``_checked`` reads of a unit: a kept page keeps this, not the unit's instance.
_UnitPath = namedtuple("_UnitPath", ["code", "path"])


def _checked(user, unit, roles=READ_ROLES, *, national_open=True):
    """``unit`` (an ``OrgUnit`` or a kept ``_UnitPath``) if ``user`` may act on it with
    ``roles``: 404 if it is not theirs, 403 without the role (``_unit``)."""
    if national_open and unit.code == services.NATIONAL_CODE:
        return unit
    # SECURITY: the rule of units_for, on the unit's path (the grants are read once). The
    # role asked for first: holding it (nearly every request) is holding a role there.
    if has_role(user, unit, roles):
        return unit
    if not has_role(user, unit, None):
        raise Http404
    raise PermissionDenied


def _sett_or_404(slug: str) -> Indikatorsett:
    """The set ``slug``, read by SQL written once per process (``by_key``); 404 if none."""
    sett = Indikatorsett.objects.by_key(slug=slug)
    if sett is None:
        raise Http404
    return sett


def _values(user):
    return Verdi.objects.visible_to(user, READ_ROLES)


def _years(values) -> list[int]:
    """Distinct years of ``values``, newest first (DISTINCT in the database)."""
    return list(values.order_by("-year").values_list("year", flat=True).distinct())


@dataclass(frozen=True)
class FilterChoices:
    """What a set's filters offer one user: units, years and the default unit."""

    units: FrozenChoices  # (code, "name (code)") by path: the status filters
    unit_names: FrozenChoices  # (code, name) by path: the comparison
    years: tuple[int, ...]  # newest first
    default: str


#: Seconds a process keeps a set's filter choices and their fields' markup. The set's data
#: version, the user's units and a token in the shared cache key them (a cleared cache
#: starts afresh); this bounds how long a renamed unit keeps its old name in the lists.
FILTER_CHOICES_SECONDS = 300
FILTER_TOKEN_KEY = "indikatorer:valg"


def _filter_choices(user, sett, token=None) -> FilterChoices:
    """The units and years the filters offer, from small tables and the set's cached
    coverage (``services.coverage``), not from the values themselves; kept in each
    process (``_kept``) per data version and set of units as ``FrozenChoices``, so a
    national reader's ~400 units are neither read, normalised nor written per request.
    A warm page does not ask for them: what it needs of them is kept with its filters.

    Units: those with values in the set that the user sees (their own units and
    the country's published figures, as ``Verdi.visible_to``), and the user's own
    units; years: those with values in those units, newest first. Also the
    default unit: the country when it has figures in the set, else the first
    unit (by path) that has.
    """
    token = token or _token()
    # The user's units as the paths that select them: a changed unit tree is a new data
    # version (models), so the same paths name the same units within one.
    return _kept(("valg", sett.pk, sett.data_version, token, scope_of(user, READ_ROLES)),
                 lambda: _build_filter_choices(user, sett, token), FILTER_CHOICES_SECONDS)


def _build_filter_choices(user, sett, token) -> FilterChoices:
    own = frozenset(units_for(user, READ_ROLES).values_list("pk", flat=True))
    national = dict(OrgUnit.objects.filter(level=Niva.LAND).values_list("pk", "code"))
    present = _coverage(sett, token)
    with_values = {pk for pk in present if pk in own or pk in national}
    years = tuple(sorted({y for pk in with_values for y in present[pk]}, reverse=True))
    units = list(OrgUnit.objects.filter(pk__in=with_values | own).order_by("path")
                 .values_list("pk", "code", "name"))
    if any(national.get(pk) == services.NATIONAL_CODE for pk in with_values):
        default = services.NATIONAL_CODE
    else:
        default = next((code for pk, code, _name in units if pk in with_values),
                       services.NATIONAL_CODE)
    return FilterChoices(
        # The label is OrgUnit.__str__, written without an instance per unit.
        FrozenChoices([(code, f"{name} ({code})") for _pk, code, name in units]),
        FrozenChoices([(code, name) for _pk, code, name in units]), years, default)


def _export_choices(user, sett, query, token) -> FilterChoices:
    """``_filter_choices`` as far as an export's ``query`` reads them: its unit among the
    units if it is one of them, its year among the years if it is one, and the default
    unit. An export shows none of the choices, only the table they select: each is read
    from that unit's or year's own rows, not from the set's coverage, whose scan of every
    value was half of the first export after an import (issue 12). The bound form
    validates the query to the same cleaned data as against every choice
    (``test_an_exports_filters_are_the_pages``)."""
    units, years = [], ()
    values = Verdi.objects.filter(indikator__sett=sett)
    code = query.get("enhet")
    if code:
        # SECURITY: as ``_build_filter_choices``: the user's own units, and the country's
        # published figures where it has values in the set.
        found = OrgUnit.objects.filter(code=code).annotate(
            own=Exists(units_for(user, READ_ROLES).filter(pk=OuterRef("pk"))),
            has_values=Exists(values.filter(unit=OuterRef("pk"))),
        ).values_list("name", "level", "own", "has_values").first()
        if found and (found[2] or (found[1] == Niva.LAND and found[3])):
            units = [(code, f"{found[0]} ({code})")]
    til = query.get("til")
    if til and til.isascii() and til.isdigit() and str(int(til)) == til:
        # A year of the units with values that the user sees (``Verdi.visible_to``).
        shown = Q(unit__in=units_for(user, READ_ROLES)) | Q(unit__level=Niva.LAND)
        if values.filter(shown, year=int(til)).exists():
            years = (int(til),)
    if values.filter(unit__code=services.NATIONAL_CODE, unit__level=Niva.LAND).exists():
        default = services.NATIONAL_CODE
    else:  # the first unit by path with values: rare enough to read every choice
        default = _filter_choices(user, sett, token).default
    return FilterChoices(FrozenChoices(units), FrozenChoices([]), years, default)


def _new_token() -> str:
    return uuid.uuid4().hex


def _token() -> str:
    """The shared cache's token that keys what a process keeps per data version: a
    cleared cache (or a database restored to an earlier version) starts afresh. Read
    with the request's session (settings.RUSFELT_READ_WITH_SESSION), once a request."""
    return shared_value(FILTER_TOKEN_KEY, _new_token, None)


def _fields_html(request, form, fields, key, sep="") -> str:
    """``fields`` of ``form`` as ``core/_field.html`` writes them, kept in each process.

    SECURITY: ``key`` must name everything the choices are built from (the set, its
    data version, the token and the user's units, as ``_filter_choices``); the bound
    values and their errors come from the query, which is in the key with the language.
    The same few filters are shown again and again: their labels, errors and a select
    of every unit cost a warm page more than its cached table (issue 12).
    """
    return _kept(
        ("felt", *key, tuple(fields), sep, get_language(), get_script_prefix(),
         request.GET.urlencode()),
        lambda: mark_safe(sep.join(  # noqa: S308 - rendered by our template, autoescaped
            render_to_string("core/_field.html", {"field": form[name]}) for name in fields)),
        FILTER_CHOICES_SECONDS)


@login_required
def index(request):
    sets = Indikatorsett.objects.all()
    return render(request, "indikatorer/index.html", {"sets": sets})


def _status_context(request, sett, *, filters=True, build=True, token=None, scope=None,
                    export=False):
    """Filter form, unit and the filtered status table (shared by HTML, PDF, XLSX).

    With ``filters`` False only the unit and year apply (goal summaries count
    every indicator of every goal). With ``build`` False the table is left out
    and ``table_key`` names it in the cache instead (``_table_key``), for the
    views that keep what they make of it per data version. ``token`` and ``scope`` (the
    user's units, ``scope_of``) are read here unless given. With ``export`` the form
    and the table's years are read as an export needs them, without the set's coverage
    (``_export_choices``, ``_selection``); its ``empty_note`` is empty (a file shows none).
    """
    token = token or _token()
    scope = scope_of(request.user, READ_ROLES) if scope is None else scope
    # Read from the process's cache only when the form is built or the kept filters are.
    if export:
        choices = SimpleLazyObject(
            lambda: _export_choices(request.user, sett, request.GET, token))
    else:
        choices = SimpleLazyObject(lambda: _filter_choices(request.user, sett, token))

    def bound_form():
        groups, sources = _definitions(sett, token)
        form = StatusFilterForm(
            request.GET or None, units=choices.units, years=choices.years,
            groups=groups, sources=sources,
        )
        form.is_valid()  # validated once; its cleaned data and errors are only read
        return form

    # The form is built from what ``_filter_choices`` is (the set, its data version, the
    # token, the user's units) and the query: its cleaned data and the default unit are
    # kept under those, the form itself built only when its fields are written (a page's
    # content) or exported.
    form = SimpleLazyObject(bound_form)
    kept = _kept_content(("filtre-eksport" if export else "filtre", sett.pk,
                          sett.data_version, token, scope, request.GET.urlencode()),
                         lambda: {"data": form.cleaned_data if form.is_valid() else {},
                                  "default": choices.default})
    data = kept["data"]
    if not filters:
        data = {k: v for k, v in data.items() if k in ("enhet", "til")}
    code = data.get("enhet") or request.GET.get("enhet") or kept["default"]
    unit = _unit(request.user, code, version=(sett.pk, sett.data_version, token))
    # SECURITY: the unit is checked above on every request; what the table shows of it and
    # of the units it took over is kept under the user's units (``scope``) and the unit.
    last = data.get("til")
    chosen = _kept_content(
        ("utvalg-eksport" if export else "utvalg", sett.pk, sett.data_version, token,
         scope, unit.pk, unit.code, last, sett.baseline_year),
        lambda: _selection(request.user, sett, unit, last, token, note=not export))
    taken_over, first, last = chosen["taken_over"], chosen["first"], chosen["last"]
    context = {
        "sett": sett, "form": form, "unit": unit,
        # What the filters' choices are built from (``_fields_html``).
        "filter_key": ("status", sett.pk, sett.data_version, token, scope),
        "empty_note": chosen["empty_note"],
        # Written only into a status table's content, built anew once per data version.
        "legend": SimpleLazyObject(_legend),
        "query": request.GET.urlencode(),
    }
    if build:
        context["table"] = _build_table(request.user, sett, unit, first, last, data)
    else:
        context["table_key"] = _table_key(sett, unit, taken_over, first, last, data, token)
        context["build_table"] = lambda: _build_table(request.user, sett, unit, first,
                                                      last, data)
    return context


def _legend() -> list[tuple[str, str, str]]:
    """(judgement, its word, its meaning) of each judgement: the status table's legend."""
    return [(j, labels.label(j), labels.JUDGEMENT_MEANINGS[j]) for j in labels.JUDGEMENTS]


def _selection(user, sett, unit, last, token, *, note=True) -> dict:
    """The units ``unit`` took over that ``user`` sees, the years of its table (up to
    ``last`` if given) and why it is empty, if it is: kept per data version, the user's
    units and the unit (``_status_context``), so a warm page reads no coverage. Without
    ``note`` (an export, which shows none) the years are read from the units' own rows,
    not from the set's coverage, and ``empty_note`` is empty."""
    # The units the unit took over (Bergen 1201 for 4601) whose values the user sees:
    # their values join the unit's table.
    predecessors = predecessor_codes(unit.code)  # from the reform links read once
    taken_over = sorted(units_for(user, READ_ROLES).filter(
        code__in=predecessors).values_list("pk", flat=True)) if predecessors else []
    coverage = _coverage(sett, token) if note else None
    first = None
    if last:
        first = max(last - 2, sett.baseline_year or last - 2)
        if first >= last:
            first = last - 1
    else:
        # The unit's own years with values (the unit is one the user sees), and
        # those of the units it took over that the user sees.
        if note:
            present = sorted({y for pk in [unit.pk, *taken_over]
                              for y in coverage.get(pk, ())})
        else:
            present = services.years_of_units(sett, [unit.pk, *taken_over])
        found = services.span_of(sett, present[0], present[-1]) if present else None
        if found is not None:
            first, last = found
    return {"taken_over": taken_over, "first": first, "last": last,
            "empty_note": _empty_note(sett, unit, coverage) if note else ""}


def _coverage(sett, token) -> dict[int, tuple[int, ...]]:
    """``services.coverage(sett)``, kept in each process per data version (``_kept``):
    read from the shared cache once, not on every request (callers only read it)."""
    return _kept(("dekning", sett.pk, sett.data_version, token),
                 lambda: services.coverage(sett))


def _definitions(sett, token) -> tuple[list, list[str]]:
    """The groups and sources the filters offer, read once per data version in each
    process (``_kept``; a written indicator or group is a new data version, ``models``)."""
    return _kept(("definisjoner", sett.pk, sett.data_version, token), lambda: (
        list(sett.grupper.all()),
        sorted(set(sett.indikatorer.values_list("source", flat=True)) - {""})))


def _build_table(user, sett, unit, first, last, data) -> services.StatusTable:
    """The status table of ``unit`` from the values ``user`` sees, filtered by ``data``."""
    indicators = sett.indikatorer.all()
    if data.get("gruppe"):
        indicators = indicators.filter(gruppe__code=data["gruppe"])
    if data.get("type"):
        indicators = indicators.filter(type=data["type"])
    if data.get("kilde"):
        indicators = indicators.filter(source=data["kilde"])
    table = services.status_table(
        sett, unit, _values(user), first_year=first, last_year=last, indicators=indicators
    )
    if data.get("vurdering"):
        column = table.latest_column
        for group in table.groups:
            group.rows = [
                r for r in group.rows if r.changes[column].judgement == data["vurdering"]
            ]
        table.groups = [g for g in table.groups if g.rows]
    return table


#: Seconds a status table's markup or goal counts stay cached. The key holds the set's
#: data version (every write of a value or definition is a new one), the unit and its
#: name, the years, the filters and the language; this bounds how long a reform's new
#: wording or a predecessor's renaming stays in the notes.
STATUS_TABLE_SECONDS = 10 * 60


def _table_key(sett, unit, taken_over, first, last, data, token) -> str:
    """The cache key of what a status table shows. SECURITY: the table is built from the
    published values of ``unit`` (which the user may read, ``_unit``) and of the units it
    took over that the user sees (``taken_over``); both are in the key, so users who see
    different values never share a table."""
    return "indikatorer:status:" + hashlib.sha256(json.dumps([
        sett.pk, sett.data_version, str(sett.share_threshold), str(sett.number_threshold),
        sett.baseline_year, unit.pk, unit.code, unit.name, taken_over, first, last,
        {k: data.get(k) for k in ("gruppe", "type", "kilde", "vurdering")},
        get_language(), get_script_prefix(), token,
    ], default=str).encode()).hexdigest()


def _empty_note(sett, unit, present) -> str:
    """Why a unit's table is all «..»: the levels the set has figures for (issue 15);
    ``present`` is the set's coverage (``services.coverage``)."""
    if present.get(unit.pk):
        return ""
    levels = set(OrgUnit.objects.filter(pk__in=list(present)).order_by()
                 .values_list("level", flat=True).distinct())
    if levels == {Niva.LAND}:
        return _("Dette settet har bare tall for landet. Velg Norge for å se dem.")
    if not levels:
        return _("Dette settet har ingen tall ennå.")
    names = ", ".join(str(label) for value, label in Niva.choices if value in levels)
    return _("Dette settet har ingen tall for %(unit)s, bare for: %(levels)s.") % {
        "unit": unit.name, "levels": names}


def _query(request) -> str:
    """The request's query as it was sent: its GET parameters are parsed from it, so a
    key naming it names them. A warm page neither parses it nor writes it out again
    (``QueryDict.urlencode``), which cost it more than reading its kept entry."""
    return request.META.get("QUERY_STRING", "")


def _sett_state(sett) -> tuple:
    """What of a set its kept pages are built from: its data version (a value, indicator,
    group, written assessment or unit written, ``models``) and the set's own fields, which
    a save of the set changes without a new data version."""
    return (sett.pk, sett.data_version, sett.slug, sett.name, sett.description,
            str(sett.share_threshold), str(sett.number_threshold), sett.baseline_year)


@login_required
def sett_detail(request, slug):
    sett = _sett_or_404(slug)
    # A grant with a write role always covers its own unit: one look-up of the grants.
    can_import = holds_any_role(request.user, WRITE_ROLES)
    token = _token()
    scope = scope_of(request.user, READ_ROLES)

    def page():
        context = _status_context(request, sett, build=False, token=token, scope=scope)
        key = context["table_key"] + ":html"
        section = cache.get(key)
        if section is None:
            section = _status_section(request, context["build_table"]())
            cache.set(key, section, STATUS_TABLE_SECONDS)
        fields = _fields_html(request, context["form"], list(context["form"].fields),
                              context["filter_key"])
        unit = context["unit"]
        return {"unit": _UnitPath(unit.code, unit.path),
                "first_year": section["first_year"], "last_year": section["last_year"],
                "content": _kept_markup(_render_content("indikatorer/_sett_content.html", {
                    **context, **section, "filter_fields": fields,
                    "can_import": can_import}))}

    # One kept entry per state of the page, read as one: its unit, years and content.
    # SECURITY: the unit, the units it took over that the user sees, the years and the
    # filters follow from the set as it is (``_sett_state``), the token, the user's units
    # and the query; whether the import is offered is in the key too. The unit shown is
    # checked on every request, as ``_unit`` checks it.
    state = ("status-side", *_sett_state(sett), token, scope, _query(request), can_import)
    page = _kept_content(state, page)
    _checked(request.user, page["unit"])
    return render_page(request, "indikatorer/sett.html", {
        "sett": sett, "content": _markup(page["content"]),
        # The page's blocks (its title and content) are written into the kept frame under
        # the same key as the content (SECURITY: as above; core.templatetags.frame).
        PAGE_KEY: state,
        "first_year": page["first_year"], "last_year": page["last_year"],
        # The bound filters, built only if read (the tests do; the content has them).
        "form": SimpleLazyObject(lambda: _status_context(
            request, sett, build=False, token=token, scope=scope)["form"]),
    })


#: What each process keeps (``_kept``): Django's per-process memory cache, bounded in
#: entries (the least recently read go first) and time (settings.CACHES).
KEPT_CONTENT_CACHE = "sider"


def _kept(key: tuple, build, timeout=DEFAULT_TIMEOUT):
    """``build()``, kept in this process's ``sider`` cache under ``key`` for ``timeout``
    seconds (the cache's own by default). SECURITY: ``key`` must name everything the
    value is built from, a kind first (``"valg"``, ``"dekning"``, ...) so that two kinds
    never share an entry. Parts are written as JSON (``str`` of anything else)."""
    return caches[KEPT_CONTENT_CACHE].get_or_set(_kept_key(key), build, timeout)


def _kept_key(key: tuple) -> str:
    """A kept entry's cache key: a digest of ``key``'s parts written as JSON."""
    return "indikatorer:" + hashlib.sha256(json.dumps(list(key), default=str).encode()
                                           ).hexdigest()


#: Where each process keeps the exported files (``_kept_file``): a LocMemCache of its own,
#: bounded in entries and time (settings.CACHES), so files never push pages out of
#: ``sider``; a file above ``KEPT_FILE_MAX_BYTES`` is made again on every export instead,
#: so the files kept take at most their entries times that.
KEPT_FILES_CACHE = "filer"
KEPT_FILE_MAX_BYTES = 512 * 1024


def _kept_file(key: tuple, make) -> tuple[bytes, str]:
    """``make()`` (a file's bytes and name), kept in this process's ``filer`` cache under
    ``key`` if it is at most ``KEPT_FILE_MAX_BYTES``. SECURITY: as ``_kept``."""
    files, name = caches[KEPT_FILES_CACHE], _kept_key(key)
    found = files.get(name)
    if found is None:
        found = make()
        if len(found[0]) <= KEPT_FILE_MAX_BYTES:
            files.set(name, found)
    return found


def _kept_content(key: tuple, build) -> dict:
    """``build()`` (a page's content, rendered), kept in this process under ``key``.

    SECURITY: ``key`` must name everything the content shows: the set's data version and
    the shared cache's token (a new import or a cleared cache starts afresh), the user's
    units and the unit shown, the query and the language, as the keys of the shared
    cache's parts do. A warm page then renders only its frame (menu, user, CSRF token)
    instead of reading its markup from the shared cache and rendering it again (issue 12).
    """
    return _kept((*key, get_language(), get_script_prefix()), build)


def _kept_markup(markup: str) -> bytes:
    """A page's content as it is kept: UTF-8, which the process's cache unpickles as a
    copy; kept as text it was decoded character by character on every read (a status
    page's some 30 kB with its æ, ø and å: half the cost of reading its kept entry)."""
    return markup.encode()


def _markup(kept: bytes):
    """Kept content (``_kept_markup``) for a page's template: decoded only if written, which
    a kept frame holding the page's blocks does not (``core.templatetags.frame``)."""
    return lambda: mark_safe(kept.decode())  # noqa: S308 - our template's markup, kept


def _render_content(template: str, context: dict) -> str:
    """A page's content without the request: it must show nothing of the user's but
    what its key in ``_kept_content`` names (no CSRF token, no messages)."""
    return mark_safe(render_to_string(template, context))  # noqa: S308 - our template


def _status_section(request, table) -> dict:
    """The status table's years and its tables' markup, formatted once (then cached)."""
    for group in table.groups:
        for row in group.rows:  # formatted once here, not per cell in the template
            row.value_cells = [cells.status_value_td(v, row.indikator, brudd=brudd)
                               for v, brudd in row.cells]
            row.change_cells = [cells.judgement_td(c) for c in row.changes]
            row.html = cells.status_row_tr(row, links=True, slug=table.sett.slug)
        # The group's break notes («32, 2018 |: reason»), gathered here rather than
        # by a template loop over every cell.
        group.break_notes = [
            f"{localize(row.indikator.number)}, {v.year} |: {v.break_reason}"
            for row in group.rows for v in row.values
            if v is not None and v.break_in_series and v.break_reason]
    html = render_to_string("indikatorer/_status_tables.html",
                            {"table": table, "sett": table.sett, "links": True},
                            request=request)
    return {"first_year": table.years[0], "last_year": table.years[-1],
            "tables_html": mark_safe(html)}  # noqa: S308 - rendered by our template


def _status_export(request, slug, fmt):
    sett = _sett_or_404(slug)
    context = _status_context(request, sett, build=False, export=True)

    def made() -> tuple[bytes, str]:
        form = context["form"]
        filters = form.summary() if form.is_valid() else ""
        document = documents.status_document(context["build_table"](), filters=filters)
        return render_document.render(document, fmt), document.filename

    # The file is kept in this process per data version (in its own cache, ``filer``), as
    # the page keeps its table's markup: a second export of the same table reads no values
    # and writes no workbook again (issue 12). SECURITY: the unit is checked above on every request;
    # ``table_key`` names it, the units taken over that the user sees, the data version,
    # the filters and the language, which is all the file is made of (the filters' words
    # come from the set's definitions and the language).
    content, filename = _kept_file(("fil", fmt, context["table_key"]), made)
    _audit_export(request, sett, context["unit"], fmt)
    return render_document.download(content, fmt, filename)


@login_required
def sett_pdf(request, slug):
    return _status_export(request, slug, "pdf")


@login_required
def sett_xlsx(request, slug):
    return _status_export(request, slug, "xlsx")


def _audit_export(request, sett, unit, fmt):
    audit.record(AuditAction.EXPORT, request=request, obj=sett, unit=unit,
                 detail={"format": fmt, "sett": sett.slug})


#: Above this many units a chart shows the spread instead of one line or bar per unit.
MAX_UNITS_IN_CHART = 12


@login_required
def indikator_detail(request, slug, number):
    sett = _sett_or_404(slug)
    indikator = get_object_or_404(sett.indikatorer.select_related("gruppe"), number=number)
    # SECURITY: the user's units as the paths that limit the values (no query), as the
    # comparison keys them; the country's figures are everyone's (``Verdi.visible_to``)
    # and a unit written, moved or deleted is a new data version (``models``).
    # Everything the page's table and chart show depends on these (and the units'
    # names, which the timeout bounds): a new import is a new data version.
    # v3: the table's rows compressed (``_PAGE_ROWS_LEVEL``).
    key = "indikatorer:indikator:v3:" + hashlib.sha256(json.dumps([
        indikator.pk, sett.data_version, get_language(), scope_of(request.user, READ_ROLES),
        indikator.title, indikator.kind, indikator.decimals, indikator.direction,
        indikator.baseline_year, indikator.compute_change, indikator.unit_label,
        str(sett.share_threshold), str(sett.number_threshold),
    ], default=str).encode()).hexdigest()
    kept = cache.get(key)
    if kept is None:
        page = _indicator_page(request.user, sett, indikator)
        cache.set(key, {**page, "rows_html": zlib.compress(
            page["rows_html"].encode(), _PAGE_ROWS_LEVEL)}, INDICATOR_PAGE_SECONDS)
    else:
        page = {**kept, "rows_html": mark_safe(  # noqa: S308 - escaped when written
            zlib.decompress(kept["rows_html"]).decode())}
    return render(request, "indikatorer/indikator.html", {
        "sett": sett, "indikator": indikator, **page,
        "rule_note": indikator.kind == "ratio",
    })


#: Seconds an indicator page's table stays cached (it is keyed by the data version;
#: this bounds how long a renamed unit keeps its old name there).
INDICATOR_PAGE_SECONDS = 10 * 60
#: zlib's level for an indicator page's rows in the shared cache: a national table's
#: ~200 kB of markup is ~11 kB at level 3 in under a millisecond. Writing it whole (as
#: base64 of its pickle, ~300 kB) cost the first view after an import ~20 ms on
#: PostgreSQL, and every later view read it back (issue 12).
_PAGE_ROWS_LEVEL = 3


@dataclass(frozen=True, slots=True)
class _PageUnit:
    """What an indicator page shows of a unit (one per unit, shared by its values)."""

    code: str
    name: str
    path: str
    level: str


#: What an indicator page reads of a value, in one query: ``services.series_of`` and the
#: cells read these as they read ``Verdi`` rows, without a model instance per row.
_PageRow = namedtuple("_PageRow", ["unit_id", "code", "name", "path", "level", "year",
                                   "break_reason", "missing_reason", "merknad",
                                   "value", "break_in_series"])
_figure = attrgetter("value")
#: A row as SQLite gives it: the columns kept as they are, the figure as text, the break
#: as 0 or 1.
_as_read, _text, _broken_int = itemgetter(slice(0, 9)), itemgetter(9), itemgetter(10)
#: The stored figure's decimals (four): a figure read as text is brought to them (through
#: ``core.domain.rounding``, as every figure), as Django brings a figure it reads as a number.
_FIGURE_DECIMALS = Verdi._meta.get_field("value").decimal_places


def _page_values(values) -> list[_PageRow]:
    """Every unit's values of the page (~3 600 nationally) by unit path and year, in one
    query of the columns shown: two model instances per row, with every column converted,
    were most of the first view after an import (issue 12).

    The scoped queryset's SQL runs on the cursor and its rows are taken as the database
    driver gives them: Django's iterator hands rows over in chunks and runs its converters
    on every row that has one (on SQLite the break's, a call per row), which cost more than
    the query. PostgreSQL gives a figure as a ``Decimal`` and a break as a boolean. SQLite
    gives a decimal as a float: there the figure is read as text (``Cast``) and each
    distinct text becomes a ``Decimal`` once, at the field's four decimals, and the break
    (0 or 1) a boolean: the values the ORM reads
    (``test_an_indicator_pages_values_are_the_orms``)."""
    columns = ("unit_id", *(f"unit__{name}" for name in _PageRow._fields[1:5]),
               *_PageRow._fields[5:9])
    values = values.order_by("unit__path", "year")
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        values = values.annotate(figure=Cast("value", CharField())).values_list(
            *columns, "figure", "break_in_series")
    else:
        values = values.values_list(*columns, "value", "break_in_series")
    sql, params = values.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not sqlite:
        return list(map(tuple.__new__, repeat(_PageRow), rows))
    texts = list(map(_text, rows))
    figures = {text: None if text is None else rounded(text, _FIGURE_DECIMALS)
               for text in set(texts)}
    # Each row made a _PageRow by tuple.__new__ itself, without Python per row: the
    # columns as read, then the figure and the break.
    return list(map(tuple.__new__, repeat(_PageRow), map(add, map(_as_read, rows), zip(
        map(figures.__getitem__, texts), map(bool, map(_broken_int, rows)), strict=True))))


def _page_series(rows: list[_PageRow]) -> list[services.UnitSeries]:
    """``services.unit_series`` of the page's rows, grouped as they come (by unit path and
    year): each unit's values by year in one dict, no object per row."""
    by_code, units = {}, {}
    year = attrgetter("year")
    for _unit_id, group in groupby(rows, attrgetter("unit_id")):
        group = list(group)
        first = group[0]
        units[first.code] = _PageUnit(first.code, first.name, first.path, first.level)
        by_code[first.code] = dict(zip(map(year, group), group, strict=True))
    return services.series_of(by_code, units)


def _indicator_page(user, sett, indikator) -> dict:
    """The years, the table's rows (written once as markup) and the chart of an
    indicator's page."""
    values = _values(user).filter(indikator=indikator)
    spec = services.spec_of(indikator)
    thresholds = services.thresholds_of(sett)
    page_values = _page_values(values)
    present = {v.year for v in page_values}  # the years of the rows read, not a query more
    # Every year from the first to the last: a year nobody has is shown as «..».
    years = list(range(min(present), max(present) + 1)) if present else []
    unit_rows = _page_series(page_values)
    notes = []
    marks = cells.cell_marks()
    # Each distinct cell is written once: a national page repeats most of its ~3 600
    # figures (its shares have one decimal). A figure's markup depends on its number
    # only (``value_decimals`` normalises); ``plain`` keeps a figure's own cell (no
    # break, from the unit itself), ``written`` every other kind by what it shows.
    plain: dict[Decimal, str] = {}
    written: dict[tuple, str] = {}
    judged: dict[tuple, str] = {}

    def value_cells(found, broken, foreign) -> str:
        first, last = next(iter(found)), next(reversed(found))  # by year (``series_of``)
        if not broken and not foreign and last - first + 1 == len(found):
            # A figure for each of its years, no break or predecessor (nearly every
            # unit): its cells looked up by figure without Python per cell, «..»
            # before and after its years.
            shown = list(found.values())
            figures = list(map(_figure, shown))
            if None not in figures:
                out = list(map(plain.get, figures))
                if None in out:  # a figure not written yet
                    for at, v in enumerate(shown):
                        html = plain.get(v.value)
                        if html is None:
                            html = plain[v.value] = cells.detail_value_td(
                                v, indikator, brudd=False, kilde="", marks=marks)
                        out[at] = html
                return (none_cell() * (first - years[0]) + "".join(out)
                        + none_cell() * (years[-1] - last))
        out = []
        for y in years:
            v = found.get(y)
            if v is not None and v.value is not None and y not in broken and y not in foreign:
                html = plain.get(v.value)
                if html is None:
                    html = plain[v.value] = cells.detail_value_td(
                        v, indikator, brudd=False, kilde="", marks=marks)
            else:
                brudd, kilde = y in broken, foreign.get(y, "")
                key = (None if v is None else v.value,
                       None if v is None or v.value is not None else v.missing_reason,
                       brudd, kilde)
                html = written.get(key)
                if html is None:
                    html = written[key] = cells.detail_value_td(
                        v, indikator, brudd=brudd, kilde=kilde, marks=marks)
            out.append(html)
        return "".join(out)

    def none_cell() -> str:
        """The cell of a year the unit has no row for («..»)."""
        key = (None, None, False, "")
        html = written.get(key)
        if html is None:
            html = written[key] = cells.detail_value_td(None, indikator, brudd=False, kilde="",
                                                        marks=marks)
        return html

    def change_cell(change) -> str:
        """The change's cell, written once per distinct change (its figure, measure and
        judgement are all it shows)."""
        key = (change.value, change.measure, change.judgement)
        html = judged.get(key)
        if html is None:
            html = judged[key] = cells.judgement_td(change)
        return html

    no_change = _("Ingen endring over brudd: %(why)s")
    rows = []
    for entry in unit_rows:
        last = max(entry.values)
        # The last change reads its two years only, not a point for every year.
        change = change_between(spec, entry.points_between(last - 1, last), last - 1, last,
                                thresholds)
        broken = {y.year for y in entry.series if y.breaks}
        code = entry.unit.code
        # The years whose value is a predecessor's, with its code («(1201)»).
        foreign = {y: c for y, c in entry.sources.items() if c != code}
        why = (entry.series.why_not_comparable(last - 1, last)
               if change.value is None and entry.series.get(last - 1) else "")
        merknad = entry.values[last].merknad
        # The row as indikator.html wrote it per row (the «Merknad» cell as its
        # blocktranslate did: the reason escaped into the translated text), once here:
        # the page's table is markup in the cache, not ~360 rows for the template.
        note = (no_change % {"why": escape(why)} + (". " if merknad else "")) if why else ""
        rows.append(
            f'\n    <tr>\n      <th scope="row">{escape(entry.unit.name)}</th>\n      '
            f"{value_cells(entry.values, broken, foreign)}\n      {change_cell(change)}\n"
            f"      <td>{note}{escape(merknad)}</td>\n    </tr>\n  ")
        notes.extend(entry.notes())
    title = f"{indikator.number} {indikator.title}"
    if len(unit_rows) <= MAX_UNITS_IN_CHART:
        chart_rows = [
            {"enhet": e.unit.name, "ar": y, "verdi": float(v.value)}
            for e in unit_rows for y, v in e.values.items() if v.value is not None
        ]
        series_key = [(e.unit.name, [(i.year, i.segment, i.has_break) for i in e.series])
                      for e in unit_rows]
        chart = cached_svg_data_uri(
            ["indikatorer-linje-brudd-v1", title, indikator.unit_label, chart_rows, series_key],
            lambda: broken_lines(
                chart_rows, {e.unit.name: e.series for e in unit_rows}, x="ar", y="verdi",
                color="enhet", x_title=_("År"), y_title=indikator.unit_label or _("Verdi"),
                color_title=_("Enhet"), width=640, height=300,
            ).properties(title=title) if chart_rows else None,
        )
        spread = False
    else:
        national, band_rows, mean_rows = _spread_rows(page_values)
        chart = cached_svg_data_uri(
            ["indikatorer-spenn-v1", title, indikator.unit_label, national, band_rows,
             mean_rows],
            lambda: _spread_chart(national, band_rows, mean_rows, title, indikator.unit_label),
        )
        spread = True
    return {"years": years, "rows_html": mark_safe("".join(rows)),  # noqa: S308 - escaped above
            "notes": notes, "chart": chart, "spread": spread}


def _spread_rows(page_values: list[_PageRow]):
    """The country's values, and the lowest, mean and highest unit value per year.

    With hundreds of municipalities one line each is unreadable. The spread is taken
    from the page's values already read (``_page_values``), not from the table again:
    the lowest and highest as stored, the mean exact in decimal arithmetic.
    """
    national = []
    by_year: dict[int, list[Decimal]] = defaultdict(list)
    for v in page_values:
        if v.value is None:
            continue
        if v.level == Niva.LAND:
            national.append({"ar": v.year, "verdi": float(v.value), "serie": _("Norge")})
        else:
            by_year[v.year].append(v.value)
    years = sorted(by_year)
    band_rows = [{"ar": y, "lo": float(min(by_year[y])), "hi": float(max(by_year[y]))}
                 for y in years]
    mean_rows = [{"ar": y, "verdi": float(sum(by_year[y]) / len(by_year[y])),
                  "serie": _("Gjennomsnitt for enhetene")} for y in years]
    national.sort(key=lambda r: r["ar"])
    return national, band_rows, mean_rows


def _spread_chart(national, band_rows, mean_rows, title, unit_label):
    """The country's line with the band from the lowest to the highest unit and their mean."""
    x = alt.X("ar:O", title=_("År"), axis=alt.Axis(labelAngle=0))
    band = alt.Chart(alt.Data(values=band_rows)).mark_area(opacity=0.25).encode(
        x=x, y=alt.Y("lo:Q", title=unit_label or _("Verdi")), y2="hi:Q"
    )
    names, colours = labels.neutral_scale(dict.fromkeys(r["serie"] for r in national + mean_rows))
    lines = alt.Chart(alt.Data(values=national + mean_rows)).mark_line(point=True).encode(
        x=x, y="verdi:Q", color=alt.Color("serie:N", title=None,
                                          scale=alt.Scale(domain=names, range=colours))
    )
    return (band + lines).properties(title=title, width=640, height=300)


@login_required
def compare(request, slug, number):
    # The set, then its indicator, each by SQL written once per process: either missing
    # is a 404. As one query built for each request (the indicator with its set), the
    # ORM's work took longer than both reads.
    sett = _sett_or_404(slug)
    indikator = Indikator.objects.by_key(sett=sett.pk, number=number)
    if indikator is None:
        raise Http404
    indikator.sett = sett
    token = _token()
    # SECURITY: the user's units as the paths that limit the values (no query): users
    # who see different values never share a comparison.
    base = _compare_key(sett, indikator, scope_of(request.user, READ_ROLES), token)

    def values():
        # Built only when a part is built: combining the scoped querysets cost a warm
        # view more than the rest of its own work (issue 12).
        return _values(request.user).filter(indikator=indikator).select_related("unit")

    def years_of():
        found = cache.get(base + ":ar")
        if found is None:
            found = _years(values())
            cache.set(base + ":ar", found, STATUS_TABLE_SECONDS)
        return {"years": found}

    years = _kept_content((base, "ar"), years_of)["years"]
    form = SimpleLazyObject(lambda: CompareForm(
        request.GET or None, years=years,
        units=_filter_choices(request.user, sett, token).unit_names))
    # The form's cleaned data is kept under what its choices are built from (``base``:
    # the years and the user's units) and the query; the form is built when its fields
    # are written (the content) or on a miss.
    data = _kept_content((base, "skjema", request.GET.urlencode()), lambda: {
        "data": form.cleaned_data if form.is_valid() else {}})["data"]
    year = data.get("ar") or (years[0] if years else None)
    chosen = data.get("enheter") or []
    key = base + ":" + hashlib.sha256(json.dumps([year, sorted(chosen)]).encode()).hexdigest()
    # The page keeps its markup and chart (text); its rows (a unit, value and change
    # object per unit, for the tests and the API's readers) are kept apart and read only
    # when asked for: unpickling every unit's objects cost a warm view more than the rest.

    def content():
        page = cache.get(key + ":v2")
        if page is None:
            built = _compare_page(request, sett, indikator, values(), year, chosen)
            page = {"rows_html": built["rows_html"], "chart": built["chart"]}
            cache.set(key + ":v2", page, STATUS_TABLE_SECONDS)
            cache.set(key + ":rader", built["rows"], STATUS_TABLE_SECONDS)
        return {"content": _kept_markup(_render_content("indikatorer/_compare_content.html", {
            "sett": sett, "indikator": indikator, "year": year, **page,
            # The years and units offered are those of ``base`` (the user's units in it).
            "filter_fields": _fields_html(request, form, list(form.fields),
                                          ("sammenlign", base))}))}

    def rows():
        found = cache.get(key + ":rader")
        if found is None:
            found = _compare_page(request, sett, indikator, values(), year, chosen)["rows"]
        return found

    # SECURITY: ``key`` names the user's units, the data version and the year and units
    # compared; the query gives the form's bound values.
    state = (key, request.GET.urlencode(), sett.slug, indikator.number)
    page = _kept_content(state, content)
    return render_page(request, "indikatorer/compare.html", {
        "sett": sett, "indikator": indikator, "form": form, "year": year,
        "content": _markup(page["content"]), "rows": SimpleLazyObject(rows),
        # Its title (the indicator's, in ``key``) and content are written into the kept
        # frame under the content's key (as sett_detail's).
        PAGE_KEY: state,
    })


def _compare_key(sett, indikator, scope: tuple[str, ...] | None, token: str) -> str:
    """The cache key of an indicator's comparisons: the set's data version, what of the
    indicator and set the page shows, the user's units (``scope``) and the language."""
    return "indikatorer:sammenlign:" + hashlib.sha256(json.dumps([
        indikator.pk, sett.data_version, indikator.title, indikator.kind, indikator.decimals,
        indikator.direction, indikator.baseline_year, indikator.compute_change,
        indikator.unit_label, str(sett.share_threshold), str(sett.number_threshold), scope,
        get_language(), get_script_prefix(), token,
    ], default=str).encode()).hexdigest()


def _compare_page(request, sett, indikator, values, year, chosen) -> dict:
    """The comparison's rows (for the tests and the API's readers), their markup and chart."""
    if chosen:
        values = values.filter(unit__code__in=chosen)
    spec = services.spec_of(indikator)
    thresholds = services.thresholds_of(sett)
    points: dict[int, dict] = {}
    units: dict[int, OrgUnit] = {}
    for v in values.filter(year__in=[year, (year or 0) - 1]):
        points.setdefault(v.unit_id, {})[v.year] = v
        units[v.unit_id] = v.unit
    rows = []
    for unit_id, by_year in points.items():
        current = by_year.get(year)
        if current is None:
            continue
        change = change_between(
            spec, {y: services.Point(v.value, v.break_in_series) for y, v in by_year.items()},
            year - 1, year, thresholds,
        )
        rows.append({"unit": units[unit_id], "verdi": current, "change": change,
                     "change_cell": cells.judgement_td(change),
                     "label": units[unit_id].name, "brudd": ""})
    # A chosen unit without a value this year is compared as «..», not dropped.
    shown = {r["unit"].code for r in rows}
    rows += [{"unit": u, "verdi": None, "change": None,
              "change_cell": cells.judgement_td(None), "label": u.name, "brudd": ""}
             for u in OrgUnit.objects.filter(code__in=set(chosen) - shown)]
    rows.sort(key=lambda r: r["unit"].path)
    # Units through reforms: a predecessor is named as such, a successor's reform
    # year carries the break (Bergen 1201 until 2019, 4601 from 2020).
    for code, reforms in reforms_of().items():
        for reform in reforms:
            for row in rows:
                if row["unit"].code in reform.predecessors:
                    row["label"] = _("%(name)s (%(code)s, før %(year)s)") % {
                        "name": row["unit"].name, "code": row["unit"].code,
                        "year": reform.year}
                elif row["unit"].code == code and reform.year == year:
                    row["brudd"] = reform.reason
    for row in rows:
        row["value_cell"] = cells.compare_value_td(
            row["verdi"], indikator,
            brudd=bool(row["brudd"]) or bool(row["verdi"] and row["verdi"].break_in_series))
    chart = None
    chart_rows = [
        {"enhet": r["unit"].name, "verdi": float(r["verdi"].value)}
        for r in rows if r["verdi"] is not None and r["verdi"].value is not None
    ]
    title = f"{indikator.title} {year}"
    if chart_rows and len(chart_rows) <= MAX_UNITS_IN_CHART * 2:
        chart = cached_svg_data_uri(
            ["indikatorer-stolper-v1", title, indikator.unit_label, chart_rows],
            lambda: alt.Chart(alt.Data(values=chart_rows), title=title)
            .mark_bar()
            .encode(y=alt.Y("enhet:N", title=_("Enhet"), sort=None),
                    x=alt.X("verdi:Q", title=indikator.unit_label or _("Verdi")))
            .properties(width=520, height=max(60, 34 * len(chart_rows))),
        )
    elif chart_rows:
        # Hundreds of units: one tick per unit, the country marked apart.
        national = _("Norge")
        for r, row in zip(chart_rows, [r for r in rows if r["verdi"] is not None
                                       and r["verdi"].value is not None],
                          strict=True):
            r["serie"] = national if row["unit"].level == "land" else _("Enhetene")
        chart = cached_svg_data_uri(
            ["indikatorer-streker-v1", title, indikator.unit_label, chart_rows],
            lambda: alt.Chart(alt.Data(values=chart_rows), title=title)
            .mark_tick(thickness=2, size=30)
            .encode(x=alt.X("verdi:Q", title=indikator.unit_label or _("Verdi")),
                    color=alt.Color("serie:N", title=None, scale=alt.Scale(
                        domain=[national, _("Enhetene")], range=list(labels.NEUTRAL[:2]))))
            .properties(width=560, height=60),
        )
    rows_html = render_to_string("indikatorer/_compare_rows.html", {"rows": rows},
                                 request=request)
    return {"rows": rows, "rows_html": mark_safe(rows_html),  # noqa: S308 - our template
            "chart": chart}


@login_required
def goals(request, slug):
    sett = _sett_or_404(slug)
    user = request.user
    token = _token()
    scope = scope_of(user, READ_ROLES)
    # SECURITY: what the page shows of the unit's written assessments depends on whether
    # the user holds any role on the unit (``for_user_on``: the country's figures are open
    # to all, its assessments only to those with a role there) and whether they may write
    # them (an editor's forms): ``has_role`` on the unit's path, which the user's units
    # with any role and with a write role (``scope_of``) decide. Both are in the key.
    rights = (scope_of(user, None), scope_of(user, WRITE_ROLES))

    def page():
        built = _goals_page(request, sett, token, scope)
        return {"unit": built["unit"], "content": _kept_markup(built["content"]),
                "assessments": built["assessments"]}

    # One kept entry per state of the page: its unit, the counts, chart and suggestion,
    # and the written assessments (with an editor's forms). SECURITY: the unit, the units
    # it took over that the user sees and the year follow from the set as it is
    # (``_sett_state``), the token, the user's units and the query; the user's rights on
    # the unit from ``rights``. The unit shown is checked on every request, as ``_unit``
    # checks it. Each form's CSRF token is the page's own, put in where the kept markup
    # has a hole (``core.csrf_holes``), as the frame's are.
    state = ("mal-side", *_sett_state(sett), token, scope, *rights, _query(request))
    kept = _kept_content(state, page)
    _checked(user, kept["unit"])
    return render_page(request, "indikatorer/goals.html", {
        "sett": sett, "content": _markup(kept["content"]),
        # Its title, content and kept forms (their CSRF holes filled per request) are
        # written into the kept frame under the content's key (as sett_detail's).
        PAGE_KEY: state,
        # Filled with the page's own token where the kept forms have holes (``csrf_filled``).
        "assessments": kept["assessments"],
        # What the page shows and its bound filters, built only if read (the tests do).
        "overview": SimpleLazyObject(
            lambda: _goals_page(request, sett, token, scope)["overview"]),
        "form": SimpleLazyObject(lambda: _status_context(
            request, sett, filters=False, build=False, token=token, scope=scope)["form"]),
    })


def _goals_page(request, sett, token, scope) -> dict:
    """A goals page's unit (checked), content, written assessments (an editor's forms with
    CSRF holes, ``core.csrf_holes``) and overview, for ``goals`` to keep."""
    context = _status_context(request, sett, filters=False, build=False, token=token,
                              scope=scope)
    key = context["table_key"] + ":mal-v2"  # v2: (counts, chart)

    def counts_and_chart():
        found = cache.get(key)
        if found is None:
            counts = services.goal_counts(context["build_table"]())
            # The chart shows the counts alone (not the written assessments): kept with them.
            found = (counts, _goals_chart(services.goal_overview(counts, [])))
            cache.set(key, found, STATUS_TABLE_SECONDS)
        return {"counts": found[0], "chart": found[1]}

    # The counts hold each goal's group (a model instance): reading them back from the
    # process's cache cost a warm page some 0.1 ms, more than the rest of its content.
    # They are kept apart, read only by the parts built anew (an editor's forms, a
    # reader's assessments), under the table's key (SECURITY: as the content's).
    kept_counts = SimpleLazyObject(lambda: _kept_content((key, "tall"), counts_and_chart))

    unit = context["unit"]

    def overview_now():
        counts = kept_counts["counts"]
        # The written assessments: only the unit's and the counted goals' (this set's
        # groups), with no join or subquery.
        assessments = Maalvurdering.objects.for_user_on(request.user, unit).filter(
            gruppe__in=[gruppe.pk for gruppe, _summary in counts.goals], year=counts.year)
        return services.goal_overview(counts, list(assessments))

    can_edit = has_role(request.user, unit, WRITE_ROLES)
    overview = SimpleLazyObject(overview_now)

    def content():
        fields = _fields_html(request, context["form"], ["enhet", "til"],
                              context["filter_key"], sep="\n  ")
        rows = [(g, _assessment_form(g) if can_edit else None) for g in overview.goals]
        written = _render_content("indikatorer/_goal_assessments.html", {
            "goal_rows": rows, "sett": sett, "unit": unit, "overview": overview,
            **csrf_holes.writing()})
        return {"content": _render_content(
            "indikatorer/_goals_content.html", {
                **context, "chart": kept_counts["chart"], "filter_fields": fields,
                # What the counts show: the written assessments are written apart.
                "overview": services.goal_overview(kept_counts["counts"], [])}),
                "assessments": csrf_holes.split(written)}

    return {"unit": _UnitPath(unit.code, unit.path), **content(), "overview": overview}


def _assessment_form(goal) -> AssessmentForm:
    """An editor's form for a goal's written assessment, holding the text and version."""
    return AssessmentForm(prefix=goal.gruppe.code, initial={
        "text": goal.assessment.text if goal.assessment else "",
        "version": goal.assessment.version if goal.assessment else 0,
    })


def _goals_chart(overview):
    """Stacked bars: the number of indicators of each colour per goal (as the table)."""
    names, colours = labels.chart_scale(labels.JUDGEMENTS)
    rows = [
        {"mal": g.gruppe.name, "vurdering": labels.label(j), "antall": getattr(g.summary, j),
         "rekkefolge": i}
        for g in overview.goals for i, j in enumerate(labels.JUDGEMENTS)
    ]
    if not rows:
        return None
    order = [g.gruppe.name for g in overview.goals]
    return cached_svg_data_uri(["indikatorer-mal-v1", rows, order, names, colours],
                               lambda: _goals_bars(rows, order, names, colours))


def _goals_bars(rows, order, names, colours):
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("mal:N", title=None, sort=order,
                    axis=alt.Axis(labelLimit=320)),
            x=alt.X("antall:Q", title=_("Antall indikatorer")),
            color=alt.Color(
                "vurdering:N", title=_("Vurdering"),
                scale=alt.Scale(domain=names, range=colours),
            ),
            order=alt.Order("rekkefolge:Q"),
        )
        .properties(width=520, height=32 * len(order))
    )


@login_required
@require_POST
def goal_assessment(request, slug, code, year, gruppe):
    sett = _sett_or_404(slug)
    unit = _unit(request.user, code, WRITE_ROLES, national_open=False)
    group = get_object_or_404(Gruppe, sett=sett, code=gruppe)
    form = AssessmentForm(request.POST, prefix=group.code)
    target = reverse("indikatorer:goals", args=[sett.slug]) + f"?enhet={unit.code}&til={year}"
    if not form.is_valid():
        messages.error(request, _("Vurderingen kunne ikke lagres."))
        return redirect(target)
    try:
        services.save_assessment(
            gruppe=group, unit=unit, year=year, text=form.cleaned_data["text"],
            version=form.cleaned_data["version"], user=request.user, request=request,
        )
    except ValueError:
        messages.error(request, _(
            "Noen andre har lagret vurderingen i mellomtiden. Les den nye teksten og prøv igjen."
        ))
        return redirect(target)
    messages.success(request, _("Vurderingen er lagret."))
    return redirect(target)


@login_required
def import_view(request, slug):
    sett = _sett_or_404(slug)
    writable = units_for(request.user, WRITE_ROLES).order_by("path")
    if not writable.exists():
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, units=writable)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["fil"]
        try:
            result = services.import_values(
                sett, upload.read(), upload.name,
                default_unit_code=form.cleaned_data["enhet"] or writable.first().code,
                allowed_units=set(writable.values_list("code", flat=True)),
                user=request.user, request=request,
            )
        except TableError as exc:
            errors = [str(exc)]
        except InvalidRows as exc:
            errors = [str(e) for e in exc.errors]
        else:
            messages.success(request, _(
                "%(rows)s verdier importert: %(created)s nye, %(updated)s endret."
            ) % result)
            return redirect(sett)
    return render(request, "indikatorer/import.html", {
        "sett": sett, "form": form, "errors": errors,
    })

