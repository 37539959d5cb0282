"""Cells formatted once in Python give the markup the per-cell template tags gave."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from rusfelt.core.dokumenter.formatting import format_cell
from rusfelt.indikatorer.documents import value_cell
from rusfelt.indikatorer.domain.change import Change, Judgement, Measure
from rusfelt.indikatorer.models import Indikator, Indikatorsett, Kind, Verdi
from rusfelt.indikatorer.services import StatusRow
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


# The status table's row as _status_tables.html wrote it before (issue 12).
OLD_ROW = Template(
    '{% load i18n %}{% for row in rows %}\n'
    '    <tr>\n'
    '      <td>{{ row.indikator.number }}</td>\n'
    '      <td>{% if links %}<a href="{{ row.indikator.get_absolute_url }}">'
    '{{ row.indikator.title }}</a>{% else %}{{ row.indikator.title }}{% endif %}\n'
    '        {% if row.indikator.unit_label and row.indikator.unit_label != "%" %}'
    '<span class="muted">({{ row.indikator.unit_label }})</span>{% endif %}\n'
    '        {% if row.rule_met is not None %}<br><span class="muted">'
    '{% translate "Gylne regel oppfylt:" %} {% if row.rule_met %}{% translate "ja" %}'
    '{% else %}{% translate "nei" %}{% endif %}</span>{% endif %}\n'
    '      </td>\n'
    '      <td>{{ row.indikator.get_type_display }}</td>\n'
    '      <td>{{ row.indikator.source }}</td>\n'
    '      {% for cell in row.value_cells %}{{ cell }}{% endfor %}\n'
    '      {% for cell in row.change_cells %}{{ cell }}{% endfor %}\n'
    '    </tr>\n'
    '    {% endfor %}')


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("links", [True, False])
@pytest.mark.parametrize("rule_met", [None, True, False])
@pytest.mark.parametrize("ind", [
    Indikator(number=16, title='Andel <b>"brukere"</b> & pårørende', kind=Kind.ANDEL,
              unit_label="%", type="resultat", source="SSB"),
    Indikator(number=1203, title="Årsverk", kind=Kind.ARSVERK, unit_label="årsverk",
              type="innsats", source="KOSTRA <3>"),
    Indikator(number=6, title="Gylne regel", kind=Kind.RATIO, unit_label="", type="ukjent"),
], ids=["andel", "arsverk", "ratio"])
def test_status_rows_are_the_templates_rows(ind, rule_met, links, language):
    ind.sett = Indikatorsett(slug="opptrappingsplanen-2016-2020")
    values = [VALUES[2], None, VALUES[4]]
    row = StatusRow(indikator=ind, values=values, changes=[], rule_met=rule_met)
    row.value_cells = [cells.status_value_td(v, ind) for v in values]
    row.change_cells = [cells.judgement_td(None), cells.judgement_td(
        Change(2025, 2026, Decimal("-16.94"), Measure.PROSENT, Judgement.ROD))]
    with translation.override(language):
        old = OLD_ROW.render(Context({"rows": [row], "links": links}))
        assert cells.status_row_tr(row, links=links, slug=ind.sett.slug) == old


@settings(max_examples=200, deadline=None)
@given(value=st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=4,
                         allow_nan=False, allow_infinity=False),
       kind=st.sampled_from([k.value for k in Kind]),
       decimals=st.one_of(st.none(), st.integers(min_value=0, max_value=3)))
def test_a_stored_value_is_written_as_its_document_cell(value, kind, decimals):
    """``verdi``'s short way for stored figures writes what the documents' cell writes."""
    indikator = Indikator(kind=kind, decimals=decimals)
    assert cells.verdi(value, indikator) == format_cell(value_cell(value, indikator))
