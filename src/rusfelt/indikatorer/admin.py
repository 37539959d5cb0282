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

    def delete_model(self, request, obj):  # its values go with it
        super().delete_model(request, obj)
        Indikatorsett.values_changed(obj.sett_id)

    def delete_queryset(self, request, queryset):
        sets = set(queryset.values_list("sett_id", flat=True))
        super().delete_queryset(request, queryset)
        for sett_id in sets:
            Indikatorsett.values_changed(sett_id)


@admin.register(Verdi)
class VerdiAdmin(admin.ModelAdmin):
    list_display = ["indikator", "unit", "year", "value", "provisional", "break_in_series"]
    list_filter = ["year", "provisional", "break_in_series"]
    raw_id_fields = ["indikator", "unit"]

    # Values written here change what the set's pages cache (Indikatorsett.data_version).
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        Indikatorsett.values_changed(obj.indikator.sett_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        Indikatorsett.values_changed(obj.indikator.sett_id)

    def delete_queryset(self, request, queryset):
        sets = set(queryset.values_list("indikator__sett_id", flat=True))
        super().delete_queryset(request, queryset)
        for sett_id in sets:
            Indikatorsett.values_changed(sett_id)


@admin.register(Maalvurdering)
class MaalvurderingAdmin(admin.ModelAdmin):
    list_display = ["gruppe", "unit", "year", "updated_by", "updated_at"]
    raw_id_fields = ["unit"]
