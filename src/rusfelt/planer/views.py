"""Plan pages. Every view loads through the scoped querysets (core.scoping):
another municipality's plan answers 404, a reader who tries to write 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from rusfelt.core import audit
from rusfelt.core.charts import cached_svg_data_uri
from rusfelt.core.dokumenter import html_writer, labels
from rusfelt.core.dokumenter import render as render_document
from rusfelt.core.domain.tabular import InvalidRows, TableError
from rusfelt.core.models import AuditAction
from rusfelt.core.scoping import get_for_user_or_404, has_role, units_for
from rusfelt.drift import jobs
from rusfelt.drift.models import JobState

from . import report as report_mod
from . import services
from .charts import status_chart_spec
from .domain import planfil
from .domain import status as st
from .forms import (
    EndringForm,
    PeriodForm,
    PlanForm,
    PlanImportForm,
    ReportForm,
    StatusFormSet,
    TextAtDateForm,
    TiltakForm,
)
from .models import Plan, Tiltak

READ, WRITE = services.READ_ROLES, services.WRITE_ROLES
# Documents made as background jobs: seconds of rendering each.
DOCUMENT_JOBS = ("pdf", "docx")


def _plan(request, slug, roles=READ):
    plan = get_for_user_or_404(Plan.objects.select_related("owner"), request.user,
                               roles=roles, slug=slug)
    plan.can_edit = has_role(request.user, plan.owner, WRITE)
    return plan


def _tiltak(plan, pk):
    # The plan is already scoped; the measure must belong to it. Its plan is that plan
    # and its area (with the area's parents) comes from the plan's kept areas: no joins.
    tiltak = get_object_or_404(
        Tiltak.objects.select_related("responsible_unit", "parent__plan"), plan=plan, pk=pk)
    tiltak.plan = plan
    return services.with_areas([tiltak], services.plan_areas(plan))[0]


@login_required
def index(request):
    plans = (
        Plan.objects.for_user(request.user, READ).select_related("owner")
        .annotate(n=Count("tiltak"))
    )
    can_import = units_for(request.user, WRITE).exists()
    return render(request, "planer/plan_list.html", {"plans": plans, "can_import": can_import})


@login_required
def plan_detail(request, slug):
    plan = _plan(request, slug)
    figures = services.plan_overview(plan, _requested_year(request))  # None: the last reported
    over_periods, counts = figures["over_periods"], figures["counts"]
    context = {
        **figures,
        "plan": plan,
        "years": list(range(plan.period_from, plan.period_to + 2)),
        "total": sum(counts.values()),
        "gap_years": [y for y, c in over_periods if c is None],
        "status_order": [(s, labels.label(s)) for s in st.SUMMARY_ORDER],
        "chart": _status_chart(over_periods) if over_periods else None,
        "goals": services.plan_goals(plan),
    }
    return render(request, "planer/plan_detail.html", context)


def _requested_year(request) -> int | None:
    """The year asked for (``?ar=``); None when none or not a number."""
    try:
        return int(request.GET.get("ar", ""))
    except ValueError:
        return None


def _year_param(request, plan, reported=None):
    year = _requested_year(request)
    return services.default_year(plan, reported) if year is None else year


def _status_chart(over_periods):
    # Rendering the chart (vl-convert) took most of the page's time (issue 12), and
    # building its spec to compute the key most of the rest: the figures and the
    # layout's version name everything the chart shows (its words are in the
    # language the key holds), so they are the key.
    return cached_svg_data_uri(["planer-status-v2", over_periods],
                               lambda: status_chart_spec(over_periods))


@login_required
def tiltak_list(request, slug):
    plan = _plan(request, slug)
    year = _year_param(request, plan)
    # One plan: its measures in its own order. The model's order starts with the plan,
    # whose order is its owner's path: two joins more, which PostgreSQL planned and ran
    # in about twice the time of the rest of the query (issue 12).
    # Their statuses from the plan's kept picks (``read_with_status``), not a
    # subquery per measure; their areas are the tree's, from the kept areas.
    # The measures they answer (in any plan, with that plan's owner) come by a query
    # of their own, and only when one of them answers another: nearly none do, and
    # joining the parent, its plan and owner to every measure took PostgreSQL three
    # times as long to plan as without them (0.28 of 0.07 ms; issue 12).
    measures = services.read_with_status(
        plan.tiltak.select_related("responsible_unit")
        .prefetch_related(Prefetch("parent", Tiltak.objects.select_related("plan__owner")))
        .order_by("order", "id"), plan, year)
    by_area = {}
    for t in measures:
        by_area.setdefault(t.area_id, []).append(t)
    tree = []

    def walk(area, depth):
        tree.append({"area": area, "depth": depth, "measures": by_area.get(area.pk, [])})
        for child in children.get(area.pk, []):
            walk(child, depth + 1)

    areas = services.plan_areas(plan)
    children = {}
    for a in areas:
        children.setdefault(a.parent_id, []).append(a)
    for a in children.get(None, []):
        walk(a, 0)
    if by_area.get(None):
        tree.append({"area": None, "depth": 0, "measures": by_area[None]})
    return render(request, "planer/tiltak_list.html", {
        "plan": plan, "tree": tree, "year": year, "labels": labels.status_labels(),
    })


@login_required
def tiltak_detail(request, slug, pk):
    plan = _plan(request, slug)
    tiltak, answering = _tiltak_and_answering(plan, pk)
    record = services.measure_record(plan, tiltak)  # history, amendments, goals: kept
    date_form = TextAtDateForm(request.GET or None)
    text_at = None
    if date_form.is_valid():
        day = date_form.cleaned_data["dato"]
        text_at = {"date": day,
                   "text": services.text_of(tiltak, day, record["amendments"])}
    return render(request, "planer/tiltak_detail.html", {
        "plan": plan, "tiltak": tiltak, "date_form": date_form, "text_at": text_at,
        **record, "children": answering,
        "indikatorer": services.measure_indicators(plan, tiltak),
    })


def _tiltak_and_answering(plan, pk) -> tuple[Tiltak, list[Tiltak]]:
    """The measure ``pk`` of ``plan`` (404 if it is not one of the plan's) as ``_tiltak``
    gives it, and the measures that answer it, in one query: a round trip less on
    PostgreSQL, where each costs more than this work (issue 12). The answering ones may
    be in any plan; they come in the model's order (their plans by owner's path, newest
    period and title; then their own order), sorted here rather than by a join of their
    plans' owners in SQL. Finding the few without reading every plan's measures on
    SQLite is the partial index ``planer_tiltak_answering``'s work (issue 12). Paths are
    ASCII, so no collation can order them otherwise. The measure this one answers, if
    any (nearly none do), comes with its plan by a query of its own: joined to every
    row, the two took PostgreSQL longer to plan than the query's work (0.48 ms of
    planning against 0.33 without the parent's plan alone; issue 12)."""
    rows = list(
        Tiltak.objects.select_related("responsible_unit", "plan__owner")
        .filter(Q(plan=plan, pk=pk) | Q(parent_id=pk)).order_by())
    tiltak = next((t for t in rows if t.pk == pk and t.plan_id == plan.pk), None)
    if tiltak is None:
        raise Http404
    if tiltak.parent_id is not None:
        tiltak.parent = Tiltak.objects.select_related("plan").get(pk=tiltak.parent_id)
    answering = sorted((t for t in rows if t.parent_id == pk),
                       key=lambda t: (t.plan.owner.path, -t.plan.period_from, t.plan.title,
                                      t.order, t.pk))
    tiltak.plan = plan
    return services.with_areas([tiltak], services.plan_areas(plan))[0], answering


@login_required
@never_cache
def tiltak_edit(request, slug, pk=None):
    plan = _plan(request, slug, WRITE)
    tiltak = _tiltak(plan, pk) if pk else None
    form = TiltakForm(request.POST or None, instance=tiltak, plan=plan,
                      initial=None if tiltak else {"version": 0})
    conflict = None
    if request.method == "POST" and form.is_valid():
        if tiltak is None:
            new = services.create_tiltak(form, plan, user=request.user, request=request)
            messages.success(request, _("Tiltaket er opprettet."))
            return redirect(new)
        data = dict(form.cleaned_data)
        try:
            services.update_tiltak(
                tiltak, form.cleaned_data["version"], data, user=request.user,
                request=request, amendment=form.amendment(),
            )
        except services.Conflict as exc:
            conflict = exc.current
            # Keep what this user typed; the next save is made against the
            # version they have now seen.
            post = request.POST.copy()
            post["version"] = str(conflict.version)
            form = TiltakForm(post, instance=tiltak, plan=plan)
            form.is_valid()
        else:
            messages.success(request, _("Tiltaket er lagret."))
            return redirect(tiltak)
    return render(request, "planer/tiltak_form.html", {
        "plan": plan, "tiltak": tiltak, "form": form, "conflict": conflict,
    })


@login_required
@never_cache
def status_update(request, slug):
    """Report the status of every measure for one period (year or tertial)."""
    plan = _plan(request, slug, WRITE)
    period_form = PeriodForm(request.GET or {"year": services.current_year(plan), "tertial": 0},
                             plan=plan)
    if not period_form.is_valid():
        # A period outside the plan (or no year): say so, and offer nothing to save.
        if request.method == "POST":
            messages.error(request, _("Ingenting er lagret: perioden ligger utenfor planen."))
        return render(request, "planer/status_form.html", {
            "plan": plan, "period_form": period_form, "rows": [], "period_label": "",
        }, status=400 if request.method == "POST" else 200)
    year, tertial = period_form.cleaned_data["year"], period_form.cleaned_data["tertial"]
    measures = list(services.with_status(plan.tiltak.select_related("area"), year))
    seen = services.latest_status_ids(plan, year, tertial)
    initial = [{"tiltak_id": t.pk, "seen": seen.get(t.pk, 0)} for t in measures]
    formset = StatusFormSet(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and formset.is_valid():
        by_id = {t.pk: t for t in measures}
        rows = [{"tiltak": by_id[row["tiltak_id"]], "status": row["status"],
                 "comment": row.get("comment", ""), "seen": row.get("seen")}
                for row in formset.cleaned_data
                if row.get("tiltak_id") in by_id and row.get("status")]
        try:
            saved = services.record_statuses(plan, year, tertial, rows, user=request.user,
                                             request=request)
        except services.StatusConflict as exc:
            # Keep what this user typed; a second save is made against the
            # statuses they have now been shown.
            conflict = exc.current
            post = request.POST.copy()
            for i, form in enumerate(formset.forms):
                if form.cleaned_data.get("tiltak_id") in conflict:
                    post[f"{formset.prefix}-{i}-seen"] = str(
                        conflict[form.cleaned_data["tiltak_id"]].pk)
            formset = StatusFormSet(post, initial=initial)
            formset.is_valid()
            measures = list(services.with_status(plan.tiltak.select_related("area"), year))
        else:
            messages.success(request, ngettext(
                "%(n)s status er lagret for %(period)s.",
                "%(n)s statuser er lagret for %(period)s.", saved,
            ) % {"n": saved, "period": period_form.label})
            return redirect(f"{request.path}?year={year}&tertial={tertial}")
    rows = [(t, f, (conflict or {}).get(t.pk))
            for t, f in zip(measures, formset.forms, strict=True)]
    return render(request, "planer/status_form.html", {
        "plan": plan, "period_form": period_form, "formset": formset, "rows": rows,
        "period_label": period_form.label, "labels": labels.status_labels(), "conflict": conflict,
    })


@login_required
def endringer(request, slug):
    plan = _plan(request, slug, WRITE if request.method == "POST" else READ)
    form = EndringForm(request.POST or None) if plan.can_edit else None
    if request.method == "POST" and form.is_valid():
        services.record_amendment(form, plan, user=request.user, request=request)
        messages.success(request, _("Endringen er registrert."))
        return redirect("planer:endringer", plan.slug)
    return render(request, "planer/endringer.html", {
        "plan": plan, "amendments": services.plan_amendments(plan), "form": form})


@login_required
def rapport(request, slug):
    plan = _plan(request, slug)
    form = ReportForm(request.GET or {"periode": services.default_year(plan)})
    if not form.is_valid():
        return render(request, "planer/rapport.html", {"plan": plan, "form": form})
    year = form.cleaned_data["periode"]
    fmt = request.GET.get("format", "")
    if fmt in DOCUMENT_JOBS:
        # A background job (planer/jobs.py) builds and renders the document;
        # without a worker it has already run when start() returns.
        job = jobs.start("planer.rapport", user=request.user, request=request,
                         title=_("Statusrapport %(year)s for %(plan)s, %(fmt)s")
                         % {"year": year, "plan": plan.title, "fmt": fmt.upper()},
                         params={"plan": plan.pk, "year": year, "format": fmt,
                                 "back_url": request.path})
        if job.state != JobState.DONE:
            return redirect(job)
        response = HttpResponse(bytes(job.result_file), content_type=job.result_type)
        response["Content-Disposition"] = f'attachment; filename="{job.result_name}"'
        return response
    built = report_mod.build(plan, year)
    if fmt in report_mod.FORMATS:
        audit.record(AuditAction.EXPORT, request=request, obj=plan,
                     detail={"report": "statusrapport", "year": year, "format": fmt})
        return render_document.response(built, fmt)
    return render(request, "planer/rapport.html", {
        "plan": plan, "form": form, "document": html_writer.context(built), "year": year,
    })


@login_required
def eksport(request, slug, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    plan = _plan(request, slug)
    if fmt == "xlsx":
        data = services.export_xlsx(plan)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data, content_type = services.export_csv(plan), "text/csv; charset=utf-8"
    audit.record(AuditAction.EXPORT, request=request, obj=plan, detail={"format": fmt})
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}.{fmt}"'
    return response


@login_required
@never_cache
def plan_import(request):
    units = units_for(request.user, WRITE)
    if not units.exists():
        raise PermissionDenied
    form = PlanImportForm(request.POST or None, request.FILES or None, units=units)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        fields = services.PlanFields(
            slug=form.cleaned_data["slug"], title=form.cleaned_data["title"],
            owner=form.cleaned_data["owner"], period_from=form.cleaned_data["period_from"],
            period_to=form.cleaned_data["period_to"],
            decision_ref=form.cleaned_data["decision_ref"],
            adopted_on=form.cleaned_data["adopted_on"], state=form.cleaned_data["state"],
        )
        try:
            plan = services.import_plan(upload.read(), upload.name, fields,
                                        user=request.user, request=request)
        except TableError as exc:
            errors = [str(exc)]
        except InvalidRows as exc:
            errors = [str(e) for e in exc.errors]
        else:
            messages.success(request, _("Planen er importert med %(n)s tiltak.")
                             % {"n": plan.tiltak.count()})
            return redirect(plan)
    return render(request, "planer/import.html", {
        "form": form, "errors": errors, "columns": planfil.COLUMNS,
    })


@login_required
@never_cache
def plan_edit(request, slug):
    plan = _plan(request, slug, WRITE)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        services.update_plan(form, user=request.user, request=request)
        messages.success(request, _("Planen er lagret."))
        return redirect(plan)
    return render(request, "planer/plan_form.html", {"plan": plan, "form": form})

