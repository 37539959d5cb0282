"""Cells formatted once in Python give the markup the per-cell template tags gave."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from rusfelt.indikatorer.domain.change import Change, Judgement, Measure
from rusfelt.indikatorer.models import Indikator, Kind, Verdi
from rusfelt.indikatorer.templatetags import indikatorer_tags as cells

# The templates' cells as they were before (issue 12), rendered by Django's engine, with
# issue 15's change: a missing value is SSB's «..» with its reason, never «N/A».
OLD_STATUS = Template(
    '{% load i18n indikatorer_tags %}<td class="num">{% if v is None %}<span class="muted">..'
    '</span>{% elif v.value is None %}<abbr title="{{ v.missing_reason }}">..</abbr>{% else %}'
    '{{ v.value|verdi:ind }}{% if v.provisional %}<sup title="{% translate \'foreløpig\' %}">*'
    '</sup>{% endif %}{% if v.break_in_series %}<span title="{% translate \'brudd i serien\' %}">'
    ' |</span>{% endif %}{% endif %}</td>')
OLD_DETAIL = Template(
    '{% load indikatorer_tags %}<td class="num">{% if v is None %}..{% elif v.value is None %}'
    '<abbr title="{{ v.missing_reason|default:\'mangler\' }}">..</abbr>{% else %}'
    '{{ v.value|verdi:ind }}{% endif %}'
    '</td>')
OLD_COMPARE = Template(
    '{% load indikatorer_tags %}<td class="num">{% if v.value is None %}'
    '<abbr title="{{ v.missing_reason|default:\'mangler\' }}">..</abbr>{% else %}'
    '{{ v.value|verdi:ind }}{% endif %}</td>')
OLD_JUDGEMENT = Template("{% load indikatorer_tags %}{% judgement_cell change %}")

INDICATORS = [
    Indikator(number=1, kind=Kind.ANDEL, decimals=None),
    Indikator(number=2, kind=Kind.ANTALL, decimals=0),
    Indikator(number=3, kind=Kind.RATIO, decimals=2),
]
VALUES = [
    None,
    Verdi(value=None, missing_reason='Prikket "små" tall <5'),
    Verdi(value=Decimal("59.0000")),
    Verdi(value=Decimal("13936.4000"), provisional=True),
    Verdi(value=Decimal("-3.4149"), break_in_series=True, provisional=True),
    Verdi(value=Decimal("0.0000")),
]


@pytest.mark.parametrize("ind", INDICATORS, ids=lambda i: i.kind)
@pytest.mark.parametrize("v", VALUES)
def test_value_cells_are_the_templates_cells(v, ind):
    context = Context({"v": v, "ind": ind})
    assert cells.status_value_td(v, ind) == OLD_STATUS.render(context)
    assert cells.detail_value_td(v, ind) == OLD_DETAIL.render(context)
    if v is not None:
        assert cells.compare_value_td(v, ind) == OLD_COMPARE.render(context)


@pytest.mark.parametrize("change", [
    Change(2025, 2026, Decimal("1.5"), Measure.PROSENTPOENG, Judgement.GRONN),
    Change(2025, 2026, Decimal("-16.94"), Measure.PROSENT, Judgement.ROD),
    Change(2023, 2026, None, Measure.PROSENT, Judgement.GRA),
    Change(2025, 2026, Decimal("0.2"), Measure.PROSENTPOENG, Judgement.GUL),
])
def test_judgement_cells_are_the_inclusion_tags_cells(change):
    assert cells.judgement_td(change) == OLD_JUDGEMENT.render(Context({"change": change}))
