"""Django admin for superusers; everyone else works through the scoped views."""

from django.contrib import admin

from .models import Gruppe, Indikator, Indikatorsett, Maalvurdering, Verdi


class GruppeInline(admin.TabularInline):
    model = Gruppe
    extra = 0


@admin.register(Indikatorsett)
class IndikatorsettAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "share_threshold", "number_threshold", "baseline_year"]
    inlines = [GruppeInline]


@admin.register(Indikator)
class IndikatorAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "sett", "gruppe", "type", "kind", "direction", "source"]
    list_filter = ["sett", "type", "kind", "direction"]
    search_fields = ["title", "source"]


@admin.register(Verdi)
class VerdiAdmin(admin.ModelAdmin):
    list_display = ["indikator", "unit", "year", "value", "provisional", "break_in_series"]
    list_filter = ["year", "provisional", "break_in_series"]
    raw_id_fields = ["indikator", "unit"]


@admin.register(Maalvurdering)
class MaalvurderingAdmin(admin.ModelAdmin):
    list_display = ["gruppe", "unit", "year", "updated_by", "updated_at"]
    raw_id_fields = ["unit"]
