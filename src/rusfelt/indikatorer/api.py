"""JSON API of indikatorer: an indicator's series per unit, with breaks and gaps.

``GET /api/indikatorer/<set>/<number>/serier/`` (signed in): for each unit the
user may see (and the country), every year from the first to the last with
its value, SSB's symbol (``|`` at a break, ``..`` without a value), the
reasons, the unit the value comes from (a predecessor before a reform), the
continuous segments, and the last change or why none is computed.
"""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from rusfelt.core.domain.serier import BREAK_SYMBOL, MISSING

from . import services
from .domain.change import change_between
from .models import Indikatorsett, Verdi


def _number(value):
    return None if value is None else float(value)


def series_json(entry, spec, thresholds) -> dict:
    years = []
    for item in entry.series:
        verdi = entry.values.get(item.year)
        years.append({
            "ar": item.year,
            "etikett": item.label,
            "verdi": _number(verdi.value) if verdi else None,
            "symbol": BREAK_SYMBOL if item.has_break else (
                MISSING if verdi is None or verdi.value is None else ""),
            "brudd": [b.reason for b in item.breaks],
            "mangler_arsak": item.missing_reason if verdi is None
            else verdi.missing_reason,
            "merknad": verdi.merknad if verdi else "",
            "fra_enhet": entry.sources.get(item.year) if verdi else None,
        })
    last = max(entry.values)
    change = change_between(spec, entry.points, last - 1, last, thresholds)
    return {
        "enhet": entry.unit.code,
        "navn": entry.unit.name,
        "ar": years,
        "segmenter": entry.series.segments,
        "siste_endring": {
            "fra": last - 1, "til": last, "verdi": _number(change.value),
            "vurdering": str(change.judgement),
            "hvorfor_ingen": entry.series.why_not_comparable(last - 1, last)
            if change.value is None and entry.series.get(last - 1) else "",
        },
    }


@require_GET
@login_required
def series(request, slug, number):
    sett = get_object_or_404(Indikatorsett, slug=slug)
    indikator = get_object_or_404(sett.indikatorer, number=number)
    values = (Verdi.objects.visible_to(request.user).filter(indikator=indikator)
              .select_related("unit").order_by("unit__path", "year"))
    spec, thresholds = services.spec_of(indikator), services.thresholds_of(sett)
    return JsonResponse({
        "sett": sett.slug,
        "indikator": indikator.number,
        "tittel": indikator.title,
        "tegn": {BREAK_SYMBOL: "brudd i serien", MISSING: "mangler"},
        "serier": [series_json(e, spec, thresholds) for e in services.unit_series(values)],
    }, json_dumps_params={"ensure_ascii": False})
