"""Public directory pages and the planners' pages. Thin: scope, form, service."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from rusfelt.core import audit
from rusfelt.core.models import AuditAction
from rusfelt.core.roles import Role
from rusfelt.core.scoping import get_for_user_or_404, units_for

from . import services
from .domain import apningstider, kvalitet
from .domain.helligdager import public_holidays
from .forms import (
    ApningstidFormSet,
    OversettelseFormSet,
    SokForm,
    TjenesteForm,
    UnntakFormSet,
)
from .labels import holiday_label
from .models import Tjeneste, Weekday

PLANNER_ROLES = [Role.PLANLEGGER]

#: The filters folded away under "Avgrens søket" (open when one is in use).
FILTER_FIELDS = ("rolle", "alder", "kategori", "tilgang", "sted")


#: How the page names what it read from the question (domain.sporsmal).
UNDERSTOOD_LABELS = {
    "apen": _lazy("bare åpne nå"), "akutt": _lazy("akutt hjelp og åpne nå først"),
    "natt": _lazy("natt og overnatting først"), "parorende": _lazy("for pårørende først"),
    "ung": _lazy("for unge først"),
}


def index(request):
    """The public search: no login, GET only, every result linkable."""
    form = SokForm(request.GET if request.GET else None)
    filters = form.filters()
    now = services.now_local()
    result = services.search(filters, now)
    page = Paginator(result.ids, services.PAGE_SIZE).get_page(request.GET.get("side"))
    # The page's services and the place's emergency box, read together (issue 12).
    results, emergency = services.results_page(page.object_list, now, filters.sted,
                                               filters.units)
    query = request.GET.copy()
    query.pop("side", None)
    question = result.question
    understood = [UNDERSTOOD_LABELS[code] for code in question.understood]
    if question.age is not None:
        understood.append(_("passer for %(age)s år først") % {"age": question.age})
    total = page.paginator.count
    return render(request, "tjenester/index.html", {
        "form": form, "page": page, "results": results, "now": now,
        "filters_active": any(request.GET.get(k) for k in FILTER_FIELDS) or bool(form.errors),
        "total": total, "query": query.urlencode(), "searched": bool(request.GET),
        "understood": understood,
        "emergency": emergency,
        "broader": _broader(filters, question) if not total else [],
        # The place's units as the form read them, not again (issue 12).
        "nearby": services.for_municipality(filters.sted, at=now, limit=5, units=filters.units)
        if not total and filters.sted else [],
    })


def _broader(filters, question) -> list[tuple[str, str]]:
    """Wider searches to offer when nothing matched: (label, query string)."""
    offers = []
    narrowed = any([filters.alder is not None, filters.rolle, filters.kategori,
                    filters.tilgang, filters.apen])
    if filters.q and narrowed:
        offers.append((_("Samme søk uten filtrene"),
                       urlencode({"q": filters.q, "sted": filters.sted} if filters.sted
                                 else {"q": filters.q})))
    if len(question.words) > 1:
        for word in question.words:
            params = {"q": word, **({"sted": filters.sted} if filters.sted else {})}
            offers.append((_("Bare «%(word)s»") % {"word": word}, urlencode(params)))
    if filters.sted and (filters.q or narrowed):
        offers.append((_("Alle tilbud på stedet"), urlencode({"sted": filters.sted})))
    if filters.q or narrowed or filters.sted:
        offers.append((_("Alle tilbud i hele landet"), ""))
    return offers


def _visible(request):
    """Published services, plus a planner's own unpublished ones (a preview)."""
    qs = Tjeneste.objects.all()
    if request.user.is_authenticated:
        return qs.filter(Q(published=True) | Q(pk__in=qs.for_user(request.user, PLANNER_ROLES)))
    return qs.published()


def detail(request, slug):
    """A service's page: what, for whom, how to get in, when, where."""
    objs = services.load(_visible(request).filter(slug=slug).values_list("pk", flat=True))
    if not objs:
        raise Http404
    obj = objs[0]
    now = services.now_local()
    schedule = obj.schedule()
    listing = services.listings([obj], now)[0]
    week = [(label, [p for p in obj.periods.all() if p.weekday == day])
            for day, label in Weekday.choices]
    special = _special_days(schedule, obj, now.date())
    can_edit = request.user.is_authenticated and Tjeneste.objects.for_user(
        request.user, PLANNER_ROLES).filter(pk=obj.pk).exists()
    return render(request, "tjenester/detail.html", {
        "obj": obj, "listing": listing, "now": now, "week": week, "special": special,
        "can_edit": can_edit, "always_open": apningstider.is_always_open(schedule),
        "emergency": [e for e in services.emergency_services(obj.unit.code, now)
                      if e.tjeneste.pk != obj.pk],
    })


def _special_days(schedule, obj, today, days=45):
    """Holidays and exceptions in the coming weeks, with that day's hours."""
    end = today + timedelta(days=days)
    dates = {e.day for e in obj.exceptions.all() if today <= e.day <= end}
    for year in {today.year, end.year}:
        dates |= {d for d in public_holidays(year) if today <= d <= end}
    holidays = {**public_holidays(today.year), **public_holidays(end.year)}
    notes = {e.day: e.note for e in obj.exceptions.all() if e.note}
    return [
        {"day": d, "name": notes.get(d) or holiday_label(holidays.get(d, "")),
         "intervals": apningstider.day_intervals(schedule, d)}
        for d in sorted(dates)
    ]


# --- Planners -----------------------------------------------------------------


def _require_planner(user):
    if not units_for(user, PLANNER_ROLES).exists():
        raise PermissionDenied


@login_required
def planner_list(request):
    """The services of the planner's units, stale ones first."""
    _require_planner(request.user)
    today = services.now_local().date()
    objects = (Tjeneste.objects.for_user(request.user, PLANNER_ROLES)
               .select_related("unit", "verified_by").order_by("unit__path", "name"))
    rows = [(o, o.is_stale(today)) for o in objects]
    rows.sort(key=lambda r: not r[1])
    return render(request, "tjenester/planner_list.html", {
        "rows": rows, "stale_count": sum(1 for _o, s in rows if s),
    })


QUALITY_FORMATS = {"csv": "text/csv; charset=utf-8",
                   "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@login_required
@never_cache
def planner_quality(request):
    """Services of the planner's units missing phone, address, web or hours, or not
    verified for 12 months, per unit; ``?format=csv|xlsx`` exports the same rows."""
    _require_planner(request.user)
    today = services.now_local().date()
    rows = services.quality_rows(Tjeneste.objects.for_user(request.user, PLANNER_ROLES), today)
    fmt = request.GET.get("format", "")
    if fmt:
        if fmt not in QUALITY_FORMATS:
            return HttpResponseBadRequest(_("Ukjent format: bruk csv eller xlsx."))
        body = services.quality_csv(rows) if fmt == "csv" else services.quality_xlsx(rows)
        audit.record(AuditAction.EXPORT, request=request,
                     detail={"export": "tjenester-kvalitet", "format": fmt, "rows": len(rows)})
        response = HttpResponse(body, content_type=QUALITY_FORMATS[fmt])
        response["Content-Disposition"] = (
            f'attachment; filename="tjenester-mangler-{today.isoformat()}.{fmt}"')
        return response
    units: dict = {}
    for row in rows:
        units.setdefault(row.tjeneste.unit, []).append(row)
    counts = {code: sum(code in r.gaps for r in rows) for code in kvalitet.GAPS}
    return render(request, "tjenester/quality.html", {
        "units": units.items(), "total": len(rows), "counts": counts,
        "gap_labels": GAP_LABELS,
    })


GAP_LABELS = {"telefon": _lazy("telefon"), "adresse": _lazy("adresse med postnummer"),
              "nettside": _lazy("nettside"), "apningstider": _lazy("åpningstider"),
              "ikke_kontrollert": _lazy("ikke kontrollert siste 12 måneder")}


def _formsets(request, obj):
    data = request.POST if request.method == "POST" else None
    return [
        ApningstidFormSet(data, instance=obj, prefix="apningstider"),
        UnntakFormSet(data, instance=obj, prefix="unntak"),
        OversettelseFormSet(data, instance=obj, prefix="oversettelser"),
    ]


def _edit(request, obj, template_title):
    form = TjenesteForm(request.POST or None, instance=obj, user=request.user)
    formsets = _formsets(request, obj if obj.pk else None)
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in formsets):
        try:
            obj = services.save_tjeneste(
                form, formsets, request=request,
                expected_version=form.cleaned_data.get("version"),
            )
        except services.ConcurrentEditError:
            form.add_error(None, _("Noen andre har endret tjenesten mens du redigerte. "
                                   "Åpne den på nytt og gjør endringene igjen."))
        else:
            messages.success(request, _("Tjenesten er lagret."))
            return redirect("tjenester:planner_list")
    return render(request, "tjenester/form.html", {
        "form": form, "formsets": formsets, "obj": obj, "title": template_title,
    })


@login_required
def create(request):
    _require_planner(request.user)
    return _edit(request, Tjeneste(), _("Ny tjeneste"))


@login_required
def edit(request, slug):
    obj = get_for_user_or_404(Tjeneste.objects.all(), request.user, roles=PLANNER_ROLES,
                              slug=slug)
    return _edit(request, obj, _("Endre %(name)s") % {"name": obj.name})


@login_required
@require_POST
def verify(request, slug):
    obj = get_for_user_or_404(Tjeneste.objects.all(), request.user, roles=PLANNER_ROLES,
                              slug=slug)
    services.mark_verified(obj, request=request)
    messages.success(request, _("%(name)s er markert som kontrollert i dag.") % {"name": obj.name})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "tjenester:planner_list"
    return redirect(target)
