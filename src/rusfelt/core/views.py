from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from rusfelt.konto.decorators import recent_auth_required

from . import audit, services
from .context_processors import capabilities
from .dokumenter import render as render_document
from .forms import AuditFilterForm, GrantForm, UserCreateForm, UserSearchForm
from .models import AuditAction, Grant, OrgUnit, Population
from .roles import Role
from .scoping import audit_events_for, units_for, users_for


def bad_request(request, exception):
    """Django's 400 page (``400.html``) with the number of files one upload may hold
    (``DATA_UPLOAD_MAX_NUMBER_FILES``), the commonest reason a user meets it.

    Rendered as Django's own ``bad_request`` renders it, without the request and so
    without context processors: the request is one Django could not read.
    """
    return HttpResponseBadRequest(render_to_string(
        "400.html", {"max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES}))


def home(request):
    context = {"capabilities": capabilities()}
    if request.user.is_authenticated:
        context["grants"] = request.user.grants.select_related("unit").order_by("unit__path")
    return render(request, "core/home.html", context)


@login_required
def unit_list(request):
    units = units_for(request.user).select_related("parent")
    return render(request, "core/unit_list.html", {"units": units})


@login_required
def unit_detail(request, code):
    # Another municipality's unit answers 404 through the scoped queryset.
    unit = get_object_or_404(units_for(request.user), code=code)
    adults_by_year = (
        Population.objects.filter(unit=unit, age_from__gte=16)
        .values("year")
        .annotate(total=Sum("count"))
        .order_by("-year")
    )
    approximate = Population.objects.filter(unit=unit, approximate=True).exists()
    return render(
        request,
        "core/unit_detail.html",
        {
            "unit": unit,
            "children": unit.children.order_by("code"),
            "adults_by_year": adults_by_year,
            "approximate": approximate,
            "my_grants": request.user.grants.filter(
                unit__in=OrgUnit.objects.filter(
                    code__in=[u.code for u in unit.ancestors()]
                )
            ).select_related("unit"),
        },
    )


# --- Administration -----------------------------------------------------


def _admin_units(user):
    """Units ``user`` administers; 403 for everyone else."""
    if not user.is_authenticated:
        raise PermissionDenied
    units = units_for(user, Role.ADMINISTRATOR)
    if not units.exists():
        raise PermissionDenied
    return units


@login_required
@never_cache
def user_list(request):
    _admin_units(request.user)
    users = users_for(request.user)
    form = UserSearchForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        users = users.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
        )
    users = users.order_by("username").select_related("profile__home_unit").prefetch_related(
        "grants__unit"
    )
    return render(request, "core/user_list.html", {"users": users, "form": form})


@login_required
@never_cache
@sensitive_post_parameters("password1", "password2")
def user_create(request):
    admin_units = _admin_units(request.user)
    form = UserCreateForm(request.POST or None, admin_units=admin_units)
    if form.is_valid():
        user = services.create_user(
            form, home_unit=form.cleaned_data["home_unit"], by=request.user, request=request
        )
        messages.success(request, _("Brukeren er opprettet. Gi den nå en rolle på en enhet."))
        return redirect("core:user_detail", user_id=user.pk)
    return render(request, "core/user_form.html", {"form": form})


@login_required
@never_cache
@recent_auth_required(methods=["POST"])
def user_detail(request, user_id):
    admin_units = _admin_units(request.user)
    grantee = get_object_or_404(
        users_for(request.user).select_related("profile__home_unit"), pk=user_id
    )
    form = GrantForm(
        request.POST or None, admin_units=admin_units, grantee=grantee, granter=request.user
    )
    if request.method == "POST" and form.is_valid():
        services.grant_role(
            granter=request.user, grantee=grantee, unit=form.cleaned_data["unit"],
            role=form.cleaned_data["role"], request=request,
        )
        messages.success(request, _("Tilgangen er gitt."))
        return redirect("core:user_detail", user_id=grantee.pk)
    grants = grantee.grants.select_related("unit", "granted_by").order_by("unit__path")
    return render(
        request,
        "core/user_detail.html",
        {
            "grantee": grantee,
            "grants": grants,
            "form": form,
            "editable_units": set(admin_units.values_list("pk", flat=True)),
            "is_home_admin": users_for(request.user, home_only=True).filter(
                pk=grantee.pk).exists(),
        },
    )


@login_required
@require_POST
def user_set_active(request, user_id):
    """Deactivate or reactivate a user: only the administrators of the user's home unit."""
    _admin_units(request.user)
    target = get_object_or_404(users_for(request.user, home_only=True), pk=user_id)
    if target.pk == request.user.pk:
        raise PermissionDenied
    services.set_active(target, request.POST.get("active") == "1", by=request.user,
                        request=request)
    if target.is_active:
        messages.success(request, _("Brukeren er aktivert igjen."))
    else:
        messages.success(request, _("Brukeren er deaktivert og kan ikke logge inn."))
    return redirect("core:user_detail", user_id=target.pk)


@login_required
@require_POST
@recent_auth_required
def grant_revoke(request, grant_id):
    _admin_units(request.user)
    grant = get_object_or_404(Grant.objects.for_user(request.user, Role.ADMINISTRATOR),
                              pk=grant_id)
    if grant.user_id == request.user.pk:
        raise PermissionDenied
    user_id = grant.user_id
    services.revoke_grant(grant, by=request.user, request=request)
    messages.success(request, _("Tilgangen er fjernet."))
    return redirect("core:user_detail", user_id=user_id)


#: Who reads the audit log of a unit: its administrators and its data
#: protection officer (``units_for`` counts administrators for every role).
AUDIT_READERS = Role.PERSONVERNOMBUD


@login_required
@never_cache
def audit_log(request):
    """The audit log of the reader's units, filtered by person, action, unit and period."""
    units = units_for(request.user, AUDIT_READERS)
    if not units.exists():
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None, units=units.order_by("path"))
    data = form.cleaned_data if form.is_valid() else {}
    events = audit_events_for(request.user, AUDIT_READERS, within=data.get("unit"))
    events = services.filter_audit_events(events, data).select_related("unit")
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx") and form.is_valid():
        document = services.audit_log_document(events, data)
        audit.record(AuditAction.EXPORT, request=request, detail={
            "export": "audit_log", "format": fmt, "rows": len(document.tables()[0].rows),
            "filter": {k: str(v) for k, v in data.items() if v and k != "format"}})
        return render_document.response(document, fmt)
    page = Paginator(events, 50).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    query.pop("format", None)
    return render(
        request, "core/audit_log.html", {"page": page, "form": form, "query": query.urlencode()}
    )
