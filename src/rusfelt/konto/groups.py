"""Administrators map an identity-provider group to a grant on one of their units.

Without a mapping, the provider's groups give nothing (issue 18). Pages at
/konto/grupper/, for administrators, scoped through ``core.scoping``.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from rusfelt.core import audit
from rusfelt.core.models import AuditAction, OrgUnit
from rusfelt.core.roles import Role
from rusfelt.core.scoping import get_for_user_or_404, units_for

from . import oidc
from .decorators import recent_auth_required
from .models import GroupMapping


class GroupMappingForm(forms.Form):
    group = forms.CharField(
        label=gettext_lazy("Gruppe hos identitetsleverandøren"), max_length=255,
        help_text=gettext_lazy("Verdien slik den står i gruppe-påstanden, for eksempel "
                               "en gruppe-ID fra Entra ID."),
    )
    unit = forms.ModelChoiceField(label=gettext_lazy("Enhet"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=gettext_lazy("Rolle"), choices=Role.choices)

    def __init__(self, *args, admin_units, issuer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = admin_units
        self.issuer = issuer

    def clean(self):
        cleaned = super().clean()
        if GroupMapping.objects.filter(
            issuer=self.issuer, group=cleaned.get("group"), unit=cleaned.get("unit"),
            role=cleaned.get("role"),
        ).exists():
            raise forms.ValidationError(_("Denne koblingen finnes allerede."))
        return cleaned


@transaction.atomic
def create_mapping(*, issuer, group, unit, role, by, request=None) -> GroupMapping:
    mapping = GroupMapping.objects.create(issuer=issuer, group=group, unit=unit, role=role,
                                          created_by=by)
    audit.record(AuditAction.CREATE, request=request, user=by, obj=mapping, unit=unit,
                 detail={"group_mapping": group, "role": role})
    return mapping


@transaction.atomic
def delete_mapping(mapping: GroupMapping, *, by, request=None) -> int:
    """Delete a mapping and the grants it gave; return how many grants went."""
    grants = list(mapping.grants.select_related("user", "unit"))
    for grant in grants:
        audit.record(AuditAction.REVOKE, request=request, user=by, obj=grant, unit=grant.unit,
                     detail={"grantee": grant.user.get_username(), "role": grant.role,
                             "via": "oidc_group", "group": mapping.group})
        grant.delete()
    audit.record(AuditAction.DELETE, request=request, user=by, obj=mapping, unit=mapping.unit,
                 detail={"group_mapping": mapping.group, "grants_removed": len(grants)})
    mapping.delete()
    return len(grants)


def _admin_units(user):
    units = units_for(user, Role.ADMINISTRATOR)
    if not units.exists():
        raise PermissionDenied
    return units


@login_required
@never_cache
@recent_auth_required(methods=["POST"])
def mapping_list(request):
    admin_units = _admin_units(request.user)
    cfg = oidc.config()
    mappings = GroupMapping.objects.for_user(request.user, Role.ADMINISTRATOR).select_related(
        "unit").order_by("group", "unit__path")
    form = None
    if cfg is not None:
        form = GroupMappingForm(request.POST or None, admin_units=admin_units, issuer=cfg.issuer)
        if request.method == "POST" and form.is_valid():
            create_mapping(issuer=cfg.issuer, by=request.user, request=request,
                           **form.cleaned_data)
            messages.success(request, _("Koblingen er lagret. Den gjelder fra neste innlogging."))
            return redirect("konto:group_mappings")
    return render(request, "konto/group_mappings.html", {
        "mappings": mappings, "form": form, "oidc_name": cfg.name if cfg else None,
    })


@login_required
@require_POST
@recent_auth_required
def mapping_delete(request, pk):
    _admin_units(request.user)
    mapping = get_for_user_or_404(GroupMapping.objects.all(), request.user,
                                  roles=[Role.ADMINISTRATOR], pk=pk)
    removed = delete_mapping(mapping, by=request.user, request=request)
    messages.success(request, _("Koblingen er slettet, og %(n)s tilganger den ga er fjernet.")
                     % {"n": removed})
    return redirect("konto:group_mappings")
