"""Privacy: information text, right of access and correction, access overview."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from rusfelt.core import audit
from rusfelt.core import services as core_services
from rusfelt.core.dokumenter import sheets
from rusfelt.core.forms import DateRangeForm
from rusfelt.core.models import AuditAction
from rusfelt.core.roles import Role
from rusfelt.core.scoping import (
    audit_events_for,
    get_for_user_or_404,
    grants_covering,
    units_for,
)
from rusfelt.konto.decorators import recent_auth_required

from .. import services
from ..forms import CorrectionForm, DeleteForm, LookupForm
from ..models import AREA_FIELDS, Registrering, Runde
from . import ANY_ROLE, load_round


@login_required
def information(request, code):
    """The information text for the people registered in a round."""
    runde = load_round(request, code, ANY_ROLE)
    return render(request, "kartlegging/information.html", {
        "runde": runde, "retention_days": getattr(settings, "RUSFELT_RETENTION_DAYS", 365),
    })


@login_required
@never_cache
@recent_auth_required
@sensitive_post_parameters("fodselsnummer")
@sensitive_variables()
def access_lookup(request):
    """Right of access: find a person's registrations by computing each round's pseudonym."""
    if not units_for(request.user, Role.PLANLEGGER).exists():
        raise PermissionDenied
    form = LookupForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        rounds = Runde.objects.for_user(request.user, Role.PLANLEGGER).filter(
            records_deleted_at__isnull=True)
        found = services.find_person(form.cleaned_data["fodselsnummer"], rounds)
        audit.record(AuditAction.READ, request=request,
                     detail={"innsyn": True, "rounds_searched": rounds.count(),
                             "found": len(found)})
        form = LookupForm()  # do not send the number back to the page
    return render(request, "kartlegging/access_lookup.html", {
        "form": form, "found": found, "area_fields": AREA_FIELDS,
    })


def _load_registration(request, pk):
    return get_for_user_or_404(Registrering.objects.select_related("runde__unit"),
                               request.user, roles=[Role.PLANLEGGER], pk=pk)


@login_required
@never_cache
@recent_auth_required
def correct(request, pk):
    registrering = _load_registration(request, pk)
    initial = {name: getattr(registrering, name) for name, _l in AREA_FIELDS}
    initial["kategori"] = registrering.kategori
    initial["informert"] = registrering.informert
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "GET":
        audit.record(AuditAction.READ, request=request, obj=registrering,
                     detail={"innsyn": True})
    if form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "begrunnelse"}
        services.update_registration(registrering, values, user=request.user,
                                     reason=form.cleaned_data["begrunnelse"], request=request)
        messages.success(request, _("Registreringen er rettet, og rettingen er logget."))
        return redirect("kartlegging:access_lookup")
    return render(request, "kartlegging/correct.html", {
        "registrering": registrering, "form": form,
        "delete_form": DeleteForm(), "area_fields": AREA_FIELDS,
    })


@login_required
def delete(request, pk):
    registrering = _load_registration(request, pk)
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.delete_registration(registrering, user=request.user,
                                     reason=form.cleaned_data["begrunnelse"], request=request)
        messages.success(request, _("Registreringen er slettet, og slettingen er logget."))
        return redirect("kartlegging:access_lookup")
    if request.method == "POST":
        messages.error(request, _("Oppgi en begrunnelse for slettingen."))
    return redirect("kartlegging:correct", pk=registrering.pk)


def _overview(user):
    """Grants covering the officer's units, and kartlegging events on them (core.scoping)."""
    if not units_for(user, Role.PERSONVERNOMBUD).exists():
        raise PermissionDenied
    grants = (grants_covering(user, Role.PERSONVERNOMBUD)
              .select_related("user", "unit", "granted_by")
              .order_by("unit__path", "user__username"))
    on_units = Q(unit__isnull=False) & (
        Q(object_type__startswith="kartlegging.")
        | Q(action__in=[AuditAction.READ, AuditAction.EXPORT, AuditAction.GRANT,
                        AuditAction.REVOKE]))
    # Person look-ups (right of access) span rounds and carry no unit; the scoping
    # shows those made by users who hold a grant on the officer's units.
    lookups = Q(unit__isnull=True, detail__innsyn=True)
    events = (audit_events_for(user, Role.PERSONVERNOMBUD).filter(on_units | lookups)
              .select_related("unit").order_by("-at", "-pk"))
    return grants, events


@login_required
@never_cache
def access_overview(request):
    """For the data protection officer: who had access, who read or exported what."""
    _grants, events = _overview(request.user)
    period = DateRangeForm(request.GET or None)
    first, last = _period(period)
    holdings = core_services.access_holdings(request.user, first, last)
    if first:
        events = events.filter(at__date__gte=first)
    if last:
        events = events.filter(at__date__lte=last)
    rounds = Runde.objects.for_user(request.user, Role.PERSONVERNOMBUD).select_related("unit")
    audit.record(AuditAction.READ, request=request, detail={"tilgangsoversikt": True})
    return render(request, "kartlegging/access_overview.html", {
        "holdings": [(h, dict(Role.choices).get(h.role, h.role)) for h in holdings],
        "period": period, "events": events[:200], "rounds": rounds,
        "query": request.GET.urlencode(),
    })


def _period(form):
    if form.is_bound and form.is_valid():
        return form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return None, None


@login_required
@never_cache
def access_overview_csv(request):
    _grants, events = _overview(request.user)
    first, last = _period(DateRangeForm(request.GET or None))
    if first:
        events = events.filter(at__date__gte=first)
    if last:
        events = events.filter(at__date__lte=last)
    header = ["type", "tidspunkt", "bruker", "rolle_eller_handling", "enhet", "objekt", "detalj"]
    grant_rows = [["tilgang", h.start or "", h.username, h.role, h.unit, "",
                   f"til {h.end}" if h.end else "har fortsatt tilgangen"]
                  for h in core_services.access_holdings(request.user, first, last)]
    event_rows = (["hendelse", e.at, e.username, e.action, e.unit.code if e.unit else "",
                   e.object_repr, ";".join(f"{k}={v}" for k, v in sorted(e.detail.items()))]
                  for e in events.iterator())
    content = sheets.csv_bytes([header, *grant_rows, *event_rows], bom=False)
    audit.record(AuditAction.EXPORT, request=request, detail={"export": "tilgangsoversikt"})
    response = HttpResponse(content, content_type=sheets.CSV_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="tilgangsoversikt.csv"'
    return response
