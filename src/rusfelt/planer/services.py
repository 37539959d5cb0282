"""Plan services: status per period, overview figures, optimistic-lock
saves, status updates, import and export. Views and the CLI call these.

Counting runs in the database: the status of each measure at the end of a
period is a correlated subquery (latest update up to the period key), and
counts group on it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from rusfelt.core import audit
from rusfelt.core.dokumenter import sheets
from rusfelt.core.domain.tabular import InvalidRows, RowError, read_table, require_columns
from rusfelt.core.locking import lock_rows
from rusfelt.core.models import AuditAction, OrgUnit
from rusfelt.core.roles import Role
from rusfelt.core.scoping import units_for
from rusfelt.core.uploads import limits

from .domain import perioder, planfil
from .domain import status as st
from .domain.endringer import Amendment, text_at
from .models import Endring, Hovedmal, Omrade, Plan, PlanState, Statusoppdatering, Tiltak

READ_ROLES = [Role.PLANLEGGER, Role.LESER]
WRITE_ROLES = [Role.PLANLEGGER]


# --- Status per period -------------------------------------------------------


def status_subquery(key: int, field: str = "status", since: int | None = None):
    """The latest ``field`` of a measure's status updates up to period ``key``."""
    updates = Statusoppdatering.objects.filter(tiltak=OuterRef("pk"), period_key__lte=key)
    if since is not None:
        updates = updates.filter(period_key__gt=since)
    return Subquery(updates.order_by("-period_key", "-created_at", "-id").values(field)[:1])


def with_status(queryset, year: int):
    """Measures annotated with ``cur`` (status at the end of ``year``), ``prev``
    (end of the year before) and ``cur_comment`` (latest comment in ``year``)."""
    key = perioder.end_of_year_key(year)
    prev_key = perioder.end_of_year_key(year - 1)
    return queryset.annotate(
        cur=status_subquery(key),
        prev=status_subquery(prev_key),
        cur_comment=status_subquery(key, "comment", since=prev_key),
    )


#: Where each process keeps a plan's figures (``kept``): Django's per-process memory
#: cache, bounded in entries (settings.CACHES).
KEPT_FIGURES_CACHE = "planer"


def kept(plan: Plan, kind: str, year: int | None, build):
    """``build()``, the plan's ``kind`` of figures for ``year`` (None: of every year), kept
    in this process under the plan's ``data_version`` as read with ``plan``.

    Every write of a measure, area, main goal, amendment or status, and of a measure's
    links to main goals or indicators, raises the version (``Plan.figures_changed``),
    so a plan read after it never finds figures from before it. These figures cost one
    query of about a millisecond, most of it a round trip and planning on PostgreSQL
    (issue 12); a kept copy costs neither. Inside a transaction nothing is kept: its
    figures may count writes that are not committed yet, and may never be."""
    if connection.in_atomic_block:
        return build()
    key = f"planer:{kind}:{plan.pk}:{plan.data_version}:{year}"
    return caches[KEPT_FIGURES_CACHE].get_or_set(key, build)


def status_counts(plan: Plan, year: int) -> dict[str, int]:
    """Counts per status at the end of ``year`` (GROUP BY in the database), kept per
    plan version (``kept``).

    Only the status at the end of the year is annotated: ``with_status``'s other two
    subqueries were built and resolved on every call, then left out of the query
    (about a third of the call's time in a profile; issue 12)."""
    def count():
        rows = (
            Tiltak.objects.filter(plan=plan)
            .annotate(cur=status_subquery(perioder.end_of_year_key(year)))
            .values("cur")
            .annotate(n=Count("id"))
            .order_by()
        )
        return st.summary_from_counts({r["cur"]: r["n"] for r in rows})
    return kept(plan, "status", year, count)


def reported_years(plan: Plan) -> list[int]:
    """The years with status reports, kept per plan version (``kept``)."""
    return kept(plan, "years", None, lambda: list(
        Statusoppdatering.objects.filter(tiltak__plan=plan)
        .values_list("year", flat=True)
        .distinct()
        .order_by("year")
    ))


def plan_goals(plan: Plan) -> list[Hovedmal]:
    """The plan's main goals in its order, kept per plan version (``kept``)."""
    return kept(plan, "goals", None,
                lambda: list(Hovedmal.objects.filter(plan=plan).order_by("order", "code")))


def plan_areas(plan: Plan) -> list[Omrade]:
    """The plan's areas in its order, kept per plan version (``kept``)."""
    return kept(plan, "areas", None,
                lambda: list(Omrade.objects.filter(plan=plan).order_by("order", "code")))


def measure_record(plan: Plan, tiltak: Tiltak) -> dict:
    """What a measure's page lists of ``tiltak`` (a measure of ``plan``): its status
    ``history`` (newest first), its ``amendments`` (by date) and its main ``goals``,
    kept per plan version (``kept``): every status, amendment and goal written raises
    it. Three queries of little work each, most of their time PostgreSQL's round
    trips and planning (issue 12). The measures that answer it belong to other plans,
    whose writes do not raise this plan's version: those are read every time."""
    return kept(plan, f"measure:{tiltak.pk}", None, lambda: {
        "history": list(tiltak.statuser.order_by("-period_key", "-created_at", "-id")),
        "amendments": list(tiltak.endringer.order_by("date", "id")),
        "goals": list(tiltak.goals.all()),
    })


def indicator_links(plan: Plan) -> list[tuple[int, int, str]]:
    """(indicator id, measure id, measure number) of every indicator linked to one of the
    plan's measures, in the order they were linked, kept per plan version (``kept``):
    linking or unlinking raises it, and so does a measure saved (its number).

    Only which indicators: their titles and values belong to the indikatorer app and
    are read each time. An indicator deleted since leaves a link that finds nothing.
    Most plans link none, and then their pages ask for none (issue 12)."""
    return kept(plan, "indicator_links", None, lambda: list(
        Tiltak.indikatorer.through.objects.filter(tiltak__plan=plan).order_by("pk")
        .values_list("indikator_id", "tiltak_id", "tiltak__number")))


def measure_indicators(plan: Plan, tiltak: Tiltak) -> list:
    """The indicators linked to ``tiltak`` (a measure of ``plan``), as
    ``tiltak.indikatorer.all()`` lists them; no query when it has none
    (``indicator_links``)."""
    ids = [indicator for indicator, measure, _number in indicator_links(plan)
           if measure == tiltak.pk]
    return list(tiltak.indikatorer.filter(pk__in=ids)) if ids else []


def plan_amendments(plan: Plan) -> list[Endring]:
    """The plan's amendments by date, each with its measure (if any), kept per plan
    version (``kept``): an amendment or measure written raises it.

    A measure of this plan is given ``plan`` itself, so its links follow the plan's
    slug even after the plan was renamed (saving the plan keeps its version). One plan:
    ordered by date alone, without joining the owner that the model's order starts
    with (issue 12)."""
    amendments = kept(plan, "amendments", None, lambda: list(
        Endring.objects.filter(plan=plan).select_related("tiltak__plan")
        .order_by("date", "id")))
    for e in amendments:
        if e.tiltak_id is not None and e.tiltak.plan_id == plan.pk:
            e.tiltak.plan = plan
    return amendments


def with_areas(measures, areas: list[Omrade]):
    """``measures``, each given its area (and each area its parents) from ``areas``, the
    plan's kept areas (``plan_areas``), instead of a join or a query per level.

    PostgreSQL joined the areas of a plan's 40 measures by hashing every area of every
    plan (2 154 rows at national scale; issue 12), and ``Omrade.path_titles`` read
    each parent with a query of its own."""
    by_id = {a.pk: a for a in areas}  # the cache hands out a copy: ours to link
    for area in by_id.values():
        if area.parent_id in by_id:
            area.parent = by_id[area.parent_id]
    for t in measures:
        if t.area_id in by_id:
            t.area = by_id[t.area_id]
    return measures


def status_over_periods(plan: Plan, years: list[int] | None = None
                        ) -> list[tuple[int, dict[str, int] | None]]:
    """(year, counts) for every year from the first to the last report, for the chart
    and its table. A year between them without reports of its own has ``None``: a gap
    the chart and table show, not a status carried forward as if reported.

    One query, whatever the number of years: the database picks each measure's
    latest update within each year it was reported in (a window numbering the
    updates of a measure and year in the order ``status_subquery`` picks the latest:
    period, registered, id; on PostgreSQL its DISTINCT ON, which needs no wrapping
    query), and a measure without any comes as one row of its own.
    A measure's status at the end of a year is then its pick of that year or, in a
    year it was not reported in, of the last year before it that it was. No
    correlated subquery per measure and year and no second query for the years: on
    PostgreSQL each round trip and subplan costs more than the work (issue 12).
    ``years``: ``reported_years(plan)``, when the caller has them.
    """
    return count_over_periods(statuses_by_year(plan), years)


def statuses_by_year(plan: Plan) -> dict[int, dict[int, str]]:
    """Each of the plan's measures (by id) with its latest status in each year it was
    reported in, ``{}`` for a measure never reported: one query
    (``status_over_periods`` tells how). Every figure of a year's status comes from
    it without asking the database again: ``count_over_periods``, ``status_at``.
    Kept per plan version (``kept``)."""
    return kept(plan, "statuses", None, lambda: {
        measure: {year: status for year, (status, _comment) in by_year.items()}
        for measure, by_year in latest_by_year(plan).items()
    })


def latest_by_year(plan: Plan) -> dict[int, dict[int, tuple[str, str]]]:
    """``statuses_by_year`` with each pick's comment: (status, comment) of each
    measure's latest update in each year it was reported in. The same one query;
    kept per plan version (``kept``)."""
    return kept(plan, "latest", None, lambda: _latest_by_year(plan))


def _latest_by_year(plan: Plan) -> dict[int, dict[int, tuple[str, str]]]:
    measures = Tiltak.objects.filter(plan=plan)
    latest_first = ["statuser__period_key", "statuser__created_at", "statuser__id"]
    if connection.features.can_distinct_on_fields:  # PostgreSQL: DISTINCT ON, one sort
        picks = (measures.order_by("pk", "statuser__year", *(f"-{f}" for f in latest_first))
                 .distinct("pk", "statuser__year"))
    else:  # the first of a window numbering the updates of a measure and year
        picks = (measures.annotate(latest=Window(
            RowNumber(), partition_by=[F("pk"), F("statuser__year")],
            order_by=[F(f).desc() for f in latest_first])).filter(latest=1).order_by())
    rows = picks.values_list("pk", "statuser__year", "statuser__status", "statuser__comment")
    picked: dict[int, dict[int, tuple[str, str]]] = {}  # measure -> {year: its pick}
    for measure, year, status, comment in rows:
        by_year = picked.setdefault(measure, {})
        if year is not None:
            by_year[year] = (status, comment)
    return picked


def read_with_status(queryset, plan: Plan, year: int) -> list[Tiltak]:
    """``list(with_status(queryset, year))`` for measures of ``plan``: ``cur``,
    ``prev`` and ``cur_comment`` from the kept picks of every year
    (``latest_by_year``), by ``status_subquery``'s rule: the pick of the last year
    up to ``year`` (up to the year before), and the comment of ``year``'s own pick.

    The three correlated subqueries per measure took more than the rest of the
    measures' query on PostgreSQL, most of it planning (1.2 of 1.5 ms; issue 12),
    and the picks are read once per plan version."""
    picks = latest_by_year(plan)
    measures = list(queryset)
    for t in measures:
        by_year = picks.get(t.pk, {})
        cur, prev = status_at(by_year, year), status_at(by_year, year - 1)
        t.cur = cur[0] if cur else None
        t.prev = prev[0] if prev else None
        t.cur_comment = by_year.get(year, (None, None))[1]
    return measures


def count_over_periods(picked: dict[int, dict[int, str]], years: list[int] | None = None
                       ) -> list[tuple[int, dict[str, int] | None]]:
    """``status_over_periods`` from ``statuses_by_year``'s picks (no query)."""
    if years is None:
        years = sorted({year for by_year in picked.values() for year in by_year})
    if not years:
        return []
    counted: dict[int, dict[str | None, int]] = {year: {} for year in years}
    for by_year in picked.values():
        own = sorted(by_year)  # the years the measure was reported in
        status, at = None, 0  # None: before the measure's first report
        for year in years:
            while at < len(own) and own[at] <= year:
                status, at = by_year[own[at]], at + 1
            counted[year][status] = counted[year].get(status, 0) + 1
    return [(year, st.summary_from_counts(counted[year]) if year in counted else None)
            for year in range(years[0], years[-1] + 1)]


#: A measure's pick of a year: its status, or (status, comment).
Pick = TypeVar("Pick")


def status_at(by_year: dict[int, Pick], year: int) -> Pick | None:
    """A measure's status at the end of ``year`` from its picks (``statuses_by_year``,
    or ``latest_by_year``'s with their comments): its pick of the last year up to
    ``year`` it was reported in (``status_subquery``'s rule), None before its first
    report."""
    reported = [y for y in by_year if y <= year]
    return by_year[max(reported)] if reported else None


def previous_reported_year(plan: Plan, year: int) -> int | None:
    """The latest year before ``year`` with a status report: what a change is «fra»."""
    return (Statusoppdatering.objects.filter(tiltak__plan=plan, year__lt=year)
            .aggregate(last=Max("year"))["last"])


def current_year(plan: Plan, today: date | None = None) -> int:
    """The plan's period today: this year inside the plan, its last year after it ended,
    its first before it starts."""
    today = today or timezone.localdate()
    return min(max(today.year, plan.period_from), plan.period_to)


def default_year(plan: Plan, years: list[int] | None = None) -> int:
    """The last reported year, else the plan's current one (``years``: ``reported_years``)."""
    years = reported_years(plan) if years is None else years
    return years[-1] if years else current_year(plan)


def area_progress(plan: Plan, year: int, measures: list[Tiltak] | None = None,
                  areas: list[Omrade] | None = None) -> list[dict]:
    """Counts per status for each top-level area, its sub-areas included.

    ``measures``: the plan's measures already read ``with_status`` for ``year``
    (the yearly report has them), counted here instead of asking the database
    again: on PostgreSQL a round trip costs more than the count (issue 12).
    Without them, the figures are kept per plan version (``kept``).
    ``areas``: ``plan_areas(plan)``, when the caller has them."""
    if measures is None:
        return kept(plan, "progress", year, lambda: _area_progress(plan, year, None))
    return _area_progress(plan, year, measures, areas)


def _area_progress(plan: Plan, year: int, measures: list[Tiltak] | None,
                   areas: list[Omrade] | None = None) -> list[dict]:
    areas = plan_areas(plan) if areas is None else areas
    by_id = {a.pk: a for a in areas}

    def top(area_id):
        area = by_id.get(area_id)
        while area is not None and area.parent_id:
            area = by_id[area.parent_id]
        return area

    if measures is None:
        rows = (
            # Only the status at the end of the year: ``with_status``'s other two
            # subqueries would be built (and thrown away) for nothing.
            Tiltak.objects.filter(plan=plan)
            .annotate(cur=status_subquery(perioder.end_of_year_key(year)))
            .values_list("area", "cur")
            .annotate(n=Count("id"))
            .order_by()
        )
    else:
        rows = Counter((t.area_id, t.cur) for t in measures)
        rows = [(area_id, cur, n) for (area_id, cur), n in rows.items()]
    groups: dict[int | None, dict] = {}
    for area_id, cur, n in rows:
        area = top(area_id)
        counts = groups.setdefault(area.pk if area else None, {})
        counts[cur] = counts.get(cur, 0) + n
    result = []
    for area in [a for a in areas if a.parent_id is None] + [None]:
        key = area.pk if area else None
        if key not in groups:
            continue
        counts = st.summary_from_counts(groups[key])
        result.append({
            "area": area, "counts": counts, "total": sum(counts.values()),
            "done_pct": st.percent_done(counts),
        })
    return result


def overdue(plan: Plan, today: date | None = None, *, year_closed: bool = False,
            measures: list[Tiltak] | None = None) -> list[Tiltak]:
    """Measures past their deadline or last year and not finished. A measure without a
    deadline or last year of its own runs to the end of the plan. ``year_closed``: the
    report closing ``today``'s year (``today`` is 31.12), where a last year is over.

    ``measures``: all the plan's measures already read ``with_status`` for
    ``today``'s year (the yearly report has them), judged here without a query."""
    today = today or timezone.localdate()
    if measures is None:
        last = today.year if year_closed else today.year - 1  # the last year that is over
        due = Q(deadline__lt=today) | Q(deadline__isnull=True, period_to__lte=last)
        if plan.period_to <= last:  # the plan has ended: what is left undone is late
            due |= Q(deadline__isnull=True, period_to__isnull=True)
        # Not ``exclude(cur__in=…)``: SQL's NOT IN is unknown for a measure never
        # reported (NULL), and such a measure past its deadline is late too.
        measures = (with_status(Tiltak.objects.filter(plan=plan).filter(due), today.year)
                    .filter(Q(cur__isnull=True) | ~Q(cur__in=st.CLOSED))
                    .select_related("area", "plan"))
    late = []
    for t in measures:  # is_overdue is the whole rule; the query above only narrows
        if st.is_overdue(t.cur, today, t.deadline, t.period_to, plan_end=plan.period_to,
                         year_closed=year_closed):
            t.due_year = t.period_to or plan.period_to
            late.append(t)
    return late


def plan_overview(plan: Plan, year: int | None = None, today: date | None = None) -> dict:
    """The plan page's figures: the status over the periods, the counts and the areas'
    progress at the end of ``year`` (None: ``default_year``), what is overdue
    ``today`` and the measures without anyone responsible.

    Three queries, whatever the number of measures and years: the statuses of each
    year (``statuses_by_year``), the measures and the areas; none while the figures
    are kept (``kept``, per plan version, year and day). Each figure comes from
    them as its own query would count it; four more round trips made the page
    slower on PostgreSQL than its work (issue 12)."""
    today = today or timezone.localdate()
    return kept(plan, f"overview:{today.isoformat()}", year,
                lambda: _plan_overview(plan, year, today))


def _plan_overview(plan: Plan, year: int | None, today: date) -> dict:
    picked = statuses_by_year(plan)
    over_periods = count_over_periods(picked)
    reported = [y for y, counts in over_periods if counts is not None]
    year = default_year(plan, reported) if year is None else year
    counts = count_over_periods(picked, [year])[0][1]
    measures = list(plan.tiltak.order_by("order", "id"))  # each knows its plan (URLs)
    for t in measures:
        t.cur = status_at(picked.get(t.pk, {}), year)
    progress = area_progress(plan, year, measures)
    for t in measures:  # what is overdue today goes by the status today
        t.cur = status_at(picked.get(t.pk, {}), today.year)
    return {
        "year": year, "over_periods": over_periods, "counts": counts,
        "progress": progress, "overdue": overdue(plan, today, measures=measures),
        "without_responsible": [t for t in measures
                                if t.responsible_unit_id is None and not t.responsible_text],
    }


def without_responsible(plan: Plan):
    return Tiltak.objects.filter(
        plan=plan, responsible_unit__isnull=True, responsible_text=""
    ).select_related("area", "plan")  # plan: each measure links to its page


# --- Changes -----------------------------------------------------------------


class Conflict(Exception):
    """Someone else saved the measure after this form was opened."""

    def __init__(self, current: Tiltak):
        self.current = current
        super().__init__("conflict")


TILTAK_FIELDS = [
    "number", "text", "area", "responsible_unit", "responsible_text", "deadline",
    "period_from", "period_to", "cost", "financing", "kind", "parent",
]


@transaction.atomic
def create_tiltak(form, plan: Plan, *, user, request=None) -> Tiltak:
    """Save a new measure from a valid ``TiltakForm``; after adoption also its amendment."""
    tiltak = form.save(commit=False)
    tiltak.plan = plan
    tiltak.order = (plan.tiltak.count() + 1) * 10
    tiltak.save()
    form.save_m2m()
    amendment = form.amendment()
    if amendment:  # a measure added after adoption did not exist before
        Endring.objects.create(
            plan=plan, tiltak=tiltak, date=amendment["date"],
            decision_ref=amendment["decision_ref"],
            description=_("Nytt tiltak lagt til etter vedtak."),
            old_text="", new_text=tiltak.text, created_by=user,
        )
    audit.record(AuditAction.CREATE, request=request, user=user, obj=tiltak)
    return tiltak


@transaction.atomic
def record_amendment(form, plan: Plan, *, user, request=None) -> Endring:
    """Save an amendment of the plan from a valid ``EndringForm``."""
    endring = form.save(commit=False)
    endring.plan, endring.created_by = plan, user
    endring.save()
    audit.record(AuditAction.CREATE, request=request, user=user, obj=endring)
    return endring


@transaction.atomic
def update_plan(form, *, user, request=None) -> Plan:
    """Save a valid ``PlanForm``."""
    plan = form.save()
    audit.record(AuditAction.UPDATE, request=request, user=user, obj=plan,
                 detail={"fields": sorted(form.changed_data)})
    return plan


@transaction.atomic
def update_tiltak(tiltak: Tiltak, version: int, data: dict, *, user, request=None,
                  amendment: dict | None = None) -> Tiltak:
    """Save ``data`` if nobody saved since ``version`` (filter-update-count).

    With ``amendment`` (date, decision_ref, description) and a changed text,
    the old and new text are kept as an ``Endring``.
    """
    # The form may have changed ``tiltak`` in memory; the stored text is the old one.
    old_text = Tiltak.objects.filter(pk=tiltak.pk).values_list("text", flat=True).first()
    values = {f: data[f] for f in TILTAK_FIELDS if f in data}
    changed = Tiltak.objects.filter(pk=tiltak.pk, version=version).update(
        **values, version=F("version") + 1
    )
    if changed != 1:
        raise Conflict(Tiltak.objects.get(pk=tiltak.pk))
    Plan.figures_changed(tiltak.plan_id)  # an update() sends no signal
    if "goals" in data:
        tiltak.goals.set(data["goals"])
    if "indikatorer" in data:
        tiltak.indikatorer.set(data["indikatorer"])
    tiltak.refresh_from_db()
    if amendment and tiltak.text != old_text:
        Endring.objects.create(
            plan=tiltak.plan, tiltak=tiltak, date=amendment["date"],
            decision_ref=amendment.get("decision_ref", ""),
            description=amendment.get("description", ""),
            old_text=old_text, new_text=tiltak.text, created_by=user,
        )
    audit.record(
        AuditAction.UPDATE, request=request, user=user, obj=tiltak,
        detail={"fields": sorted(values), "version": tiltak.version},
    )
    return tiltak


class StatusConflict(Exception):
    """Someone reported a status for the same measure and period after this form was opened.

    ``current`` maps each clashing measure's id to the latest status row now.
    Nothing of the form was stored.
    """

    def __init__(self, current: dict[int, Statusoppdatering]):
        self.current = current
        super().__init__("status conflict")


def latest_status_ids(plan: Plan, year: int, tertial: int) -> dict[int, int]:
    """The id of each measure's latest status row in exactly this period."""
    rows = (Statusoppdatering.objects.filter(tiltak__plan=plan,
                                             period_key=perioder.period_key(year, tertial))
            .values("tiltak").annotate(last=Max("id")))
    return {r["tiltak"]: r["last"] for r in rows}


@transaction.atomic
def record_statuses(plan: Plan, year: int, tertial: int, rows: list[dict], *, user,
                    request=None) -> int:
    """Store the status rows of one form for one period, all or none.

    Each row holds ``tiltak``, ``status``, ``comment`` and ``seen``: the id of
    the latest status of that measure and period when the form was opened (0
    for none). The measures are locked first, so two forms saved at once are
    serialised; if anyone reported on one of these measures for this period
    since, ``StatusConflict`` is raised and nothing is stored.
    """
    ids = sorted(r["tiltak"].pk for r in rows)
    if not ids:
        return 0
    lock_rows(Tiltak.objects.filter(plan=plan, pk__in=ids).order_by("pk"), "version")
    now = latest_status_ids(plan, year, tertial)
    clashes = [r["tiltak"].pk for r in rows if now.get(r["tiltak"].pk, 0) != (r["seen"] or 0)]
    if clashes:
        current = Statusoppdatering.objects.in_bulk([now[pk] for pk in clashes if pk in now])
        raise StatusConflict({u.tiltak_id: u for u in current.values()})
    for r in rows:
        record_status(r["tiltak"], year, tertial, r["status"], r["comment"], user=user,
                      request=request)
    return len(rows)


def record_status(tiltak: Tiltak, year: int, tertial: int, status: str, comment: str, *,
                  user, request=None) -> Statusoppdatering:
    update = Statusoppdatering.objects.create(
        tiltak=tiltak, year=year, tertial=tertial, status=status, comment=comment,
        created_by=user, created_by_name=user.get_username() if user else "",
    )
    audit.record(
        AuditAction.CREATE, request=request, user=user, obj=update,
        detail={"period": update.period_label, "status": status},
    )
    return update


def text_of(tiltak: Tiltak, day: date, amendments: list[Endring] | None = None
            ) -> str | None:
    """The measure's text on ``day``; ``amendments``: its amendments, when the caller has
    them (``measure_record``)."""
    amendments = tiltak.endringer.all() if amendments is None else amendments
    return text_at(tiltak.text, [Amendment(e.date, e.old_text, e.new_text, e.pk)
                                 for e in amendments], day)


# --- Import and export -------------------------------------------------------


@dataclass
class PlanFields:
    slug: str
    title: str
    owner: OrgUnit
    period_from: int
    period_to: int
    decision_ref: str = ""
    adopted_on: date | None = None
    state: str | None = None  # None: new plans are drafts, existing ones keep theirs


def import_plan(data: bytes, filename: str, fields: PlanFields, *, user=None,
                request=None) -> Plan:
    """Create or fill the plan ``fields.slug`` from a plan file (all or nothing).

    Existing goals, areas and measures are matched by code and updated.
    Raises ``InvalidRows`` (by line and column) or ``TableError``.
    """
    header, rows = read_table(data, filename, limits())
    require_columns(header, planfil.REQUIRED)
    parsed, problems = planfil.parse(rows)
    errors = [RowError(p.line, p.column, p.message) for p in problems]
    units = {}
    allowed_units = units_for(user, WRITE_ROLES) if user is not None else OrgUnit.objects.all()
    for m in parsed.measures:
        if m.responsible_unit:
            unit = OrgUnit.objects.filter(code=m.responsible_unit).first()
            if unit is None:
                errors.append(RowError(m.line, "ansvarlig_enhet",
                                       f"enheten «{m.responsible_unit}» finnes ikke"))
            units[m.responsible_unit] = unit
        if m.parent and "/" in m.parent:
            slug, number = m.parent.split("/", 1)
            if not Tiltak.objects.filter(plan__slug=slug, number=number).exists():
                errors.append(RowError(m.line, "overordnet_tiltak",
                                       f"tiltak «{number}» i planen «{slug}» finnes ikke"))
    existing = Plan.objects.filter(slug=fields.slug).first()
    if existing is not None and (
        user is not None and not allowed_units.filter(pk=existing.owner_id).exists()
    ):
        errors.append(RowError(1, "", f"kortnavnet «{fields.slug}» er i bruk av en annen plan"))
    if errors:
        raise InvalidRows(sorted(errors, key=lambda e: e.line))
    with transaction.atomic():
        values = {
            "title": fields.title, "owner": fields.owner, "period_from": fields.period_from,
            "period_to": fields.period_to, "decision_ref": fields.decision_ref,
            "adopted_on": fields.adopted_on, "state": fields.state,
        }
        if existing is not None:
            # Empty decision fields keep what the plan has (a re-import from the
            # command line must not turn an adopted plan back into a draft).
            values = {k: v for k, v in values.items()
                      if v or k not in ("decision_ref", "adopted_on", "state")}
        else:
            values["state"] = values["state"] or PlanState.DRAFT
        plan, _created = Plan.objects.update_or_create(slug=fields.slug, defaults=values)
        store_plan_file(plan, parsed, units)
        audit.record(
            AuditAction.IMPORT, request=request, user=user, obj=plan,
            detail={"goals": len(parsed.goals), "areas": len(parsed.areas),
                    "measures": len(parsed.measures)},
        )
    return plan


def store_plan_file(plan: Plan, parsed: planfil.PlanFile, units: dict | None = None) -> None:
    """Write a parsed plan file into ``plan``, keyed on codes (used by demo too)."""
    units = units or {}
    goals = {}
    for i, g in enumerate(parsed.goals):
        goals[g.code], _ = Hovedmal.objects.update_or_create(
            plan=plan, code=g.code, defaults={"text": g.text, "order": i, "kilde": g.kilde}
        )
    areas: dict[str, Omrade] = {}
    for i, a in enumerate(parsed.areas):
        areas[a.code], _ = Omrade.objects.update_or_create(
            plan=plan, code=a.code,
            defaults={"title": a.title, "kind": a.kind, "order": i, "kilde": a.kilde,
                      "parent": areas.get(a.parent)},
        )
    measures: dict[str, Tiltak] = {}
    for i, m in enumerate(parsed.measures):
        defaults = {
            "text": m.text, "area": areas.get(m.area), "order": i, "kilde": m.kilde,
            "responsible_unit": units.get(m.responsible_unit) if m.responsible_unit else None,
            "responsible_text": m.responsible_text, "deadline": m.deadline,
            "period_from": m.period_from, "period_to": m.period_to, "cost": m.cost,
            "financing": m.financing, "kind": m.kind,
        }
        tiltak = Tiltak.objects.filter(plan=plan, number=m.number).first()
        if tiltak is None:
            tiltak = Tiltak.objects.create(plan=plan, number=m.number, **defaults)
        else:
            changed = any(getattr(tiltak, k) != v for k, v in defaults.items())
            if tiltak.text != m.text and plan.state != PlanState.DRAFT:
                # An adopted plan keeps the old wording (text at a date).
                Endring.objects.create(
                    plan=plan, tiltak=tiltak, date=timezone.localdate(),
                    description="Teksten endret ved import av planfil.",
                    old_text=tiltak.text, new_text=m.text,
                )
            if changed:
                for k, v in defaults.items():
                    setattr(tiltak, k, v)
                tiltak.version += 1
                tiltak.save()
        if {g.pk for g in tiltak.goals.all()} != {goals[c].pk for c in m.goals}:
            tiltak.goals.set([goals[c] for c in m.goals])
        measures[m.number] = tiltak
    for m in parsed.measures:
        if not m.parent:
            parent = None
        elif "/" in m.parent:
            slug, number = m.parent.split("/", 1)
            parent = Tiltak.objects.get(plan__slug=slug, number=number)
        else:
            parent = measures[m.parent]
        tiltak = measures[m.number]
        if tiltak.parent_id != (parent.pk if parent else None):
            tiltak.parent = parent
            tiltak.save(update_fields=["parent"])


def export_rows(plan: Plan) -> list[list[str]]:
    """The plan in the plan-file layout, header first (see ``domain.planfil``)."""
    out = [list(planfil.COLUMNS)]

    def row(**values):
        return [str(values.get(c, "") if values.get(c) is not None else "")
                for c in planfil.COLUMNS]

    for g in plan.hovedmal.all():
        out.append(row(type="hovedmal", kode=g.code, tekst=g.text, kilde=g.kilde))
    for a in _areas_parent_first(plan):
        out.append(row(type="omrade", kode=a.code, tekst=a.title, art=a.kind,
                       forelder=a.parent.code if a.parent_id else "", kilde=a.kilde))
    measures = (
        plan.tiltak.select_related("area", "responsible_unit", "parent__plan")
        .prefetch_related("goals")
    )
    for t in measures:
        parent = ""
        if t.parent_id:
            parent = (t.parent.number if t.parent.plan_id == plan.pk
                      else f"{t.parent.plan.slug}/{t.parent.number}")
        out.append(row(
            type="tiltak", kode=t.number, tekst=t.text, art=t.kind,
            omrade=t.area.code if t.area_id else "",
            hovedmal="|".join(g.code for g in t.goals.all()),
            ansvarlig_enhet=t.responsible_unit.code if t.responsible_unit_id else "",
            ansvarlig=t.responsible_text,
            frist=t.deadline.isoformat() if t.deadline else "",
            fra_ar=t.period_from, til_ar=t.period_to, kostnad=t.cost,
            finansiering=t.financing, overordnet_tiltak=parent, kilde=t.kilde,
        ))
    return out


def _areas_parent_first(plan: Plan) -> list[Omrade]:
    areas = list(plan.omrader.select_related("parent"))
    children: dict[int | None, list[Omrade]] = {}
    for a in areas:
        children.setdefault(a.parent_id, []).append(a)
    ordered: list[Omrade] = []

    def walk(parent_id):
        for a in children.get(parent_id, []):
            ordered.append(a)
            walk(a.pk)

    walk(None)
    return ordered


def export_csv(plan: Plan) -> bytes:
    """The plan file as CSV (UTF-8 with BOM); texts cannot run as formulas."""
    return sheets.csv_bytes(export_rows(plan))


def export_xlsx(plan: Plan) -> bytes:
    """The plan file as XLSX; texts are text cells, never formulas."""
    header, *rows = export_rows(plan)
    text_column = planfil.COLUMNS.index("tekst")
    return sheets.xlsx_bytes([sheets.Sheet("plan", header, rows, widths={text_column: 70})])


def list_csv(out, plans=None) -> None:
    """``slug,enhet,tittel,fra,til,antall_tiltak`` for every plan."""
    plans = (plans if plans is not None else Plan.objects.all()).select_related("owner")
    rows = [[p.slug, p.owner.code, p.title, p.period_from, p.period_to, p.n]
            for p in plans.annotate(n=Count("tiltak")).order_by("slug")]
    sheets.write_csv(out, [["slug", "enhet", "tittel", "fra", "til", "antall_tiltak"], *rows])


def plan_summaries(plans, year: int) -> list[dict]:
    """Status counts at the end of ``year`` for each plan (for other apps' reports).

    The caller scopes ``plans`` (``Plan.objects.for_user(...)``). Returns
    dicts with ``plan``, ``counts`` (status code -> count), ``total`` and
    ``done_pct``.
    """
    result = []
    for plan in plans.select_related("owner"):
        counts = status_counts(plan, year)
        result.append({"plan": plan, "counts": counts, "total": sum(counts.values()),
                       "done_pct": st.percent_done(counts)})
    return result
