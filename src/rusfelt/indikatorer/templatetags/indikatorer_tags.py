"""Indicator values, changes and judgements on the pages, written as the documents write them."""

from django import template

from rusfelt.core.dokumenter import labels
from rusfelt.core.dokumenter.formatting import format_cell

from ..documents import change_cell, value_cell

register = template.Library()


def format_change(change) -> str:
    """«1,5 %-poeng», «-16,9 %» or «..» where no change can be computed."""
    if change is None:
        return format_cell(change_cell(None, None))
    return format_cell(change_cell(change.value, change.measure))


@register.filter
def verdi(value, indikator):
    """``{{ v.value|verdi:indikator }}``: formatted by the indicator's kind and decimals."""
    return "" if value is None else format_cell(value_cell(value, indikator))


@register.filter
def endring(change):
    return format_change(change)


@register.filter
def judgement_label(judgement):
    return labels.label(judgement) if judgement in labels.TONES else ""


@register.filter
def judgement_meaning(judgement):
    return labels.JUDGEMENT_MEANINGS.get(judgement, "")


@register.inclusion_tag("indikatorer/_judgement.html")
def judgement_cell(change):
    return {"change": change}
