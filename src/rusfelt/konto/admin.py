from django.contrib import admin

from .models import ExternalIdentity, GroupMapping


@admin.register(GroupMapping)
class GroupMappingAdmin(admin.ModelAdmin):
    """Map an identity-provider group to a grant; applied at each sign-in."""

    list_display = ["issuer", "group", "unit", "role", "created_by", "created_at"]
    list_filter = ["role"]
    exclude = ["grants", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """Read-only: identities are made by the first sign-in."""

    list_display = ["user", "issuer", "subject", "created_at", "last_login_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
