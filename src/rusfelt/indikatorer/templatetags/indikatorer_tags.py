"""Formatting of indicator values and changes, in Norwegian number format."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

from ..domain.change import Measure, rounded
from ..forms import JUDGEMENT_LABELS, JUDGEMENT_MEANINGS

register = template.Library()

#: Ratios and scores are printed with their decimals (2,0; 3,41: seed 001 L1092, L1649).
MIN_DECIMALS = {"ratio": 1, "score": 2}


def format_value(value, kind: str = "", decimals: int | None = None) -> str:
    """13 936; 3,41; 59 %: the indicator's decimals, else as stored (at most two)."""
    if value is None:
        return ""
    value = Decimal(value).normalize()
    if decimals is None:
        decimals = min(max(0, -value.as_tuple().exponent), 2)
        decimals = max(decimals, MIN_DECIMALS.get(kind, 0))
    text = floatformat(value, f"{decimals}g")
    return f"{text} %" if kind == "andel" else text


def format_change(change) -> str:
    """«1,5 %-poeng», «-16,9 %» or «N/A»."""
    if change is None or change.value is None:
        return "N/A"
    text = floatformat(rounded(change.value), "1g")
    return f"{text} %-poeng" if change.measure == Measure.PROSENTPOENG else f"{text} %"


@register.filter
def verdi(value, indikator):
    """``{{ v.value|verdi:indikator }}``: formatted by the indicator's kind and decimals."""
    return format_value(value, indikator.kind, indikator.decimals)


@register.filter
def endring(change):
    return format_change(change)


@register.filter
def judgement_label(judgement):
    return JUDGEMENT_LABELS.get(judgement, "")


@register.filter
def judgement_meaning(judgement):
    return JUDGEMENT_MEANINGS.get(judgement, "")


@register.inclusion_tag("indikatorer/_judgement.html")
def judgement_cell(change):
    return {"change": change}
