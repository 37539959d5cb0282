from django.contrib import admin

from .models import AuditEvent, Grant, OrgUnit, Population


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "sex", "age_from", "age_to", "count", "approximate"]
    list_filter = ["year", "approximate"]


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    """Read-only: grants are given in Rusfelt's own administration, which audits them."""

    list_display = ["user", "unit", "role", "granted_by", "created_at"]
    list_filter = ["role"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ["at", "username", "action", "object_repr", "unit", "ip_address"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
