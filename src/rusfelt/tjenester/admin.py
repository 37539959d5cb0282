from django.contrib import admin
from django.db import models

from .models import Apningstid, Tjeneste, TjenesteOversettelse, Unntak


class ApningstidInline(admin.TabularInline):
    model = Apningstid
    extra = 0


class UnntakInline(admin.TabularInline):
    model = Unntak
    extra = 0


class OversettelseInline(admin.StackedInline):
    model = TjenesteOversettelse
    extra = 0


@admin.register(Tjeneste)
class TjenesteAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "category", "kind", "published", "verified_on"]
    list_filter = ["published", "category", "kind"]
    search_fields = ["name", "slug", "provider_name"]
    raw_id_fields = ["unit", "provider_unit", "verified_by"]
    inlines = [ApningstidInline, UnntakInline, OversettelseInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_search_index()
