"""Issue 12: the indicator pages and import at national scale, checked by rule, not by clock.

Times are the benchmark's business (``rusfelt bench indikatorer``); these tests
check what makes them: the indexes the database keeps, the number of
queries, and that the benchmark measures the code as production runs it.
"""

import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django import forms
from django.contrib.sessions.backends import cached_db
from django.core.cache import cache
from django.db import connection, reset_queries
from django.db.models.query import RawQuerySet
from django.test.utils import CaptureQueriesContext, override_settings

from rusfelt.core import services as core_services
from rusfelt.core.bench import Bench, run_sql
from rusfelt.core.models import OrgUnit
from rusfelt.core.widgets import FrozenChoices
from rusfelt.indikatorer import bench, demo, services, views
from rusfelt.indikatorer.forms import LongSelectMultiple
from rusfelt.indikatorer.models import Indikator, Indikatorsett, Verdi

pytestmark = pytest.mark.django_db


@pytest.fixture
def sett(units):
    demo.load()
    return Indikatorsett.objects.get(slug=demo.SLUG)


def _indexes(table):
    """{name: columns} of every index on ``table``, as the database's catalogue has them."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name: c["columns"] for name, c in constraints.items()
            if c["index"] or c["unique"] and not c["primary_key"]}


def test_values_keep_one_index_leading_with_the_indicator():
    """Every look-up by indicator is served by the unique (indikator, unit, year) index;
    a second index on the indicator alone only costs each imported row another insert."""
    indexes = _indexes(Verdi._meta.db_table)
    leading = [cols for cols in indexes.values() if cols and cols[0] == "indikator_id"]
    assert leading == [["indikator_id", "unit_id", "year"]], indexes


def test_the_benchmark_imports_with_debug_off_as_production_does(units):
    """With DEBUG on Django quotes every parameter of every statement for its query log:
    that cost the import's bulk insert more than the insert itself, and not the limit."""
    with override_settings(DEBUG=True):
        reset_queries()
        bench.fill(Bench("indikatorer", io.StringIO(), repeat=1), 2, 1)
        assert connection.queries == []


def _rounded(value):
    return None if value is None else round(float(value), 6)


@pytest.mark.parametrize("code", ["0", bench.KOMMUNE])
def test_the_status_limit_computes_the_figures_the_page_shows(units, code):
    """The benchmark's hand-written SQL is measured beside the page, so it must compute
    the same figures: every value, change and judgement of ``services.status_table``."""
    bench.fill(Bench("indikatorer", io.StringIO(), repeat=1), 3, 4)
    sett = Indikatorsett.objects.get(slug=demo.SLUG)
    unit = OrgUnit.objects.get(code=code)
    table = services.status_table(sett, unit, Verdi.objects.all())
    broken = next(((row.indikator.number, row.values[1]) for group in table.groups
                   for row in group.rows if row.values[1] is not None), None)
    if broken:  # a break in series with its reason, in the table's middle year
        Verdi.objects.filter(pk=broken[1].pk).update(break_in_series=True,
                                                     break_reason="Ny definisjon")
        table = services.status_table(sett, unit, Verdi.objects.all())
    assert len(table.years) == 3 and len(table.columns) == 3
    page = [
        (row.indikator.number,
         [_rounded(v.value) if v else None for v in row.values],
         [(_rounded(c.value), str(c.judgement)) for c in row.changes], row.rule_met)
        for group in table.groups for row in group.rows
    ]
    rows = _named(*bench._status_limit(sett, unit))
    limit = _limit_rows(rows)
    assert len(page) == 85
    assert limit == page
    # What the table shows beside the figures: its groups' names (captions), first year
    # and thresholds (its note), and the reasons of its breaks in series (its notes).
    assert [r["gname"] for r in rows] == [
        group.gruppe.name for group in table.groups for _row in group.rows]
    if code == "0":  # 5001 has no values here: neither shows its years then
        assert {r["y0"] for r in rows} == {table.years[0]}
    assert {(float(r["share_t"]), float(r["number_t"])) for r in rows} == {
        (float(sett.share_threshold), float(sett.number_threshold))}
    reasons = [(row.indikator.number, [v.break_reason if v and v.break_in_series else None
                                       for v in row.values])
               for group in table.groups for row in group.rows]
    assert [(r["number"], [r["r0"], r["r1"], r["r2"]]) for r in rows] == reasons
    assert not broken or (broken[0], [None, "Ny definisjon", None]) in reasons
    # The filter: one group, the rows judged red in the latest year, each with all the
    # page shows of it (figures, changes, judgements, the group's name, break reasons).
    hm3 = {row.indikator.number for group in table.groups for row in group.rows
           if group.gruppe.code == "HM3"}
    red = [row for row in page if row[2][1][1] == "rod" and row[0] in hm3]
    assert red or code == bench.KOMMUNE  # 5001 has no values here
    filtered = _named(*bench._status_limit(sett, unit, "HM3", "rod"))
    assert _limit_rows(filtered) == red
    assert [r for r in rows if r["number"] in {row[0] for row in red}] == filtered


def _limit_rows(rows):
    return [
        (r["number"], [_rounded(r["v0"]), _rounded(r["v1"]), _rounded(r["v2"])],
         [(_rounded(r["c01"]), r["j01"]), (_rounded(r["c12"]), r["j12"]),
          (_rounded(r["c02"]), r["j02"])],
         None if r["rule_met"] is None else bool(r["rule_met"]))
        for r in rows
    ]


def _named(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_the_goals_limit_computes_the_counts_the_page_shows(units):
    """The goals page shows, per goal, the number of indicators of each colour on the
    latest one-year change (its trend and the suggestion follow from those counts):
    the benchmark's limit must count the same, goal by goal."""
    bench.fill(Bench("indikatorer", io.StringIO(), repeat=1), 3, 4)
    sett = Indikatorsett.objects.get(slug=demo.SLUG)
    unit = OrgUnit.objects.get(pk=bench._kommune_ids(1)[0][0])  # one with values
    response = bench._client().get(f"/indikatorer/{demo.SLUG}/mal/", {"enhet": unit.code})
    page = {(g.gruppe.code, j): getattr(g.summary, j)
            for g in response.context["overview"].goals
            for j in ("gronn", "gul", "rod", "gra") if getattr(g.summary, j)}
    limit = {(code, j): n for code, j, n in run_sql(
        *bench._status_limit(sett, unit, select=bench.GOAL_COUNTS))}
    assert sum(page.values()) == 85 and page.keys() - {(c, "gra") for c, _j in page}
    assert limit == page


def test_the_comparison_limit_computes_the_figures_the_page_shows(units):
    bench.fill(Bench("indikatorer", io.StringIO(), repeat=1), 3, 4)
    sett = Indikatorsett.objects.get(slug=demo.SLUG)
    indikator = sett.indikatorer.get(number=16)
    response = bench._client().get(f"/indikatorer/{demo.SLUG}/16/sammenlign/",
                                   {"ar": str(bench.LAST_YEAR)})
    page = [(r["unit"].code, _rounded(r["verdi"].value), _rounded(r["change"].value),
             str(r["change"].judgement)) for r in response.context["rows"]]
    limit = [(r[0], _rounded(r[3]), _rounded(r[5]), r[6])
             for r in run_sql(bench.COMPARE_SQL, [indikator.pk, bench.LAST_YEAR])]
    assert len(page) >= 3
    assert limit == page


@pytest.fixture
def demo_sett(units):
    demo.load()


def _unit_list_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries if '"core_orgunit"."id" IN (' in q["sql"]]


def test_a_second_status_page_reads_no_unit_list_for_its_filter(client, demo_sett, make_user):
    """The filter's units (every unit for a national reader) are built once per data
    version and set of units, not read, normalised and written on every request."""
    client.force_login(make_user("evaluator", ("0", "leser")))
    base = f"/indikatorer/{demo.SLUG}/"
    _unit_list_queries(client, base)
    assert _unit_list_queries(client, base + "?enhet=0301") == []
    assert _unit_list_queries(client, base + "16/sammenlign/") == []


def test_kept_filter_choices_are_each_users_own(client, demo_sett, make_user):
    base = f"/indikatorer/{demo.SLUG}/"
    client.force_login(make_user("evaluator", ("0", "leser")))
    assert '<option value="0301">' in client.get(base).content.decode()
    client.force_login(make_user("bergen-leser", ("4601", "leser")))
    html = client.get(base).content.decode()
    assert '<option value="0301">' not in html and '<option value="4601"' in html


def test_kept_filter_choices_follow_a_new_grant_at_once(client, demo_sett, make_user, units):
    """The filter's units are kept per the paths of the user's units: a new grant is a
    new key, never the old list."""
    from rusfelt.core.models import Grant

    user = make_user("bergen-leser", ("4601", "leser"))
    client.force_login(user)
    base = f"/indikatorer/{demo.SLUG}/"
    assert '<option value="0301">' not in client.get(base).content.decode()
    Grant.objects.create(user=user, unit=units["0301"], role="leser")
    assert '<option value="0301">' in client.get(base).content.decode()


@pytest.mark.parametrize("frozen", [False, True])
@pytest.mark.parametrize("chosen", [[], ["0301"], ["0301", "4601"]])
def test_the_comparisons_unit_list_is_djangos_select_multiple(chosen, frozen):
    choices = [("0", "Norge"), ("0301", "Oslo <by>"), ("4601", 'Bergen "B"')]
    django = forms.SelectMultiple(attrs={"size": 8}, choices=choices)
    ours = LongSelectMultiple(attrs={"size": 8},
                              choices=FrozenChoices(choices) if frozen else choices)
    assert ours.render("enheter", chosen, {"id": "id_enheter"}) == django.render(
        "enheter", chosen, {"id": "id_enheter"})


def test_an_indicator_pages_first_view_reads_only_the_columns_it_shows(
        client, demo_sett, make_user):
    """The first view after an import reads every unit's values (~3 600 nationally):
    not their timestamps or the units' validity dates, and still no query per unit."""
    client.force_login(make_user("evaluator", ("0", "leser")))
    sett = Indikatorsett.objects.get(slug=demo.SLUG)
    Indikatorsett.values_changed(sett.pk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/indikatorer/{demo.SLUG}/16/")
    assert response.status_code == 200 and '<th scope="row">Oslo</th>' in (
        response.content.decode())
    reads = [q["sql"] for q in queries.captured_queries
             if q["sql"].startswith("SELECT") and '"indikatorer_verdi"."value"' in q["sql"]]
    assert reads and not [sql for sql in reads if "updated_at" in sql or "valid_from" in sql]
    assert len(queries.captured_queries) <= 20


def test_the_status_page_gives_each_values_break_reason_below_its_group(
        client, demo_sett, make_user):
    client.force_login(make_user("evaluator", ("0", "leser")))
    html = client.get(f"/indikatorer/{demo.SLUG}/").content.decode()
    notes = re.findall(r'<p class="muted status-note">(\d+, \d{4} \|: [^<]*)</p>', html)
    assert any(n.startswith("32, 2018 |: Svarkategoriene endret") for n in notes), notes


# --- A status page read again: from the cache, in a handful of queries (issue 12) -------


@pytest.mark.parametrize("query", ["", "?enhet=0301", "?enhet=0301&gruppe=HM3&vurdering=rod",
                                   "mal/?enhet=0301"])
def test_a_status_page_read_again_takes_a_handful_of_queries(
        client, demo_sett, make_user, query):
    """The table (or the goals' counts and chart) is kept per data version, unit and
    filters, and the grants are read once per request, whatever roles each part asks:
    19-26 queries before, then 9-12 (the grants three or four times, the user's units,
    a second look-up of the unit and the goals' chart). Now: the session, the user, the
    set, the grants with the reform links (and the goals' written assessments); the unit
    is kept per data version; the cache is per process in the tests."""
    client.force_login(make_user("evaluator", ("0", "leser")))
    url = f"/indikatorer/{demo.SLUG}/{query}"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) <= (5 if "mal/" in query else 4), sql
    # The grants and the reform links in one query (core.scoping).
    grants = [s for s in sql if 'FROM "core_grant"' in s]
    assert len(grants) == 1 and "core_unitsuccession" in grants[0], sql
    # The unit is read once per data version; its access is checked on every request.
    assert not [s for s in sql if '"core_orgunit"."code" = ' in s], sql


def test_a_status_page_shows_an_imported_value_at_once(client, demo_sett, make_user):
    client.force_login(make_user("evaluator", ("0", "leser")))
    sett = Indikatorsett.objects.get(slug=demo.SLUG)
    base = f"/indikatorer/{demo.SLUG}/"
    response = client.get(base)
    assert "98\xa0765" not in response.content.decode()
    year = response.context["last_year"]
    services.import_values(sett, f"indikator,enhet,ar,verdi\n16,0,{year},98765\n"
                           .encode(), "ny.csv")
    assert "98\xa0765" in client.get(base).content.decode()


def test_a_status_page_shows_a_renamed_indicator_at_once(client, demo_sett, make_user):
    client.force_login(make_user("evaluator", ("0", "leser")))
    sett = Indikatorsett.objects.get(slug=demo.SLUG)
    base = f"/indikatorer/{demo.SLUG}/"
    client.get(base)
    indikator = sett.indikatorer.get(number=16)
    indikator.title = "Et nytt navn på indikatoren"
    indikator.save()
    assert "Et nytt navn på indikatoren" in client.get(base).content.decode()


def test_the_goals_page_counts_an_imported_value_at_once(client, demo_sett, make_user):
    """The goals' counts are kept per data version: values deleted (as an import
    writes, a new data version) are counted on the next view."""
    client.force_login(make_user("evaluator", ("0", "leser")))
    sett = Indikatorsett.objects.get(slug=demo.SLUG)
    url = f"/indikatorer/{demo.SLUG}/mal/"
    before = client.get(url).context["overview"]
    # The year before the status year gone: its changes cannot be computed (grey).
    Verdi.objects.filter(indikator__sett=sett, unit__code="0", year=before.year - 1).delete()
    Indikatorsett.values_changed(sett.pk)
    after = client.get(url).context["overview"]
    assert before.year == after.year
    assert sum(g.summary.gra for g in after.goals) > sum(g.summary.gra for g in before.goals)


def test_a_written_goal_assessment_shows_at_once(client, demo_sett, make_user):
    """A written assessment is a new data version: an editor's page shows it at once."""
    user = make_user("planlegger", ("0", "planlegger"))
    client.force_login(user)
    url = f"/indikatorer/{demo.SLUG}/mal/"
    overview = client.get(url).context["overview"]
    gruppe = overview.goals[0].gruppe
    services.save_assessment(gruppe=gruppe, unit=OrgUnit.objects.get(code="0"),
                             year=overview.year, text="Godt arbeid i året", version=0,
                             user=user)
    assert "Godt arbeid i året" in client.get(url).content.decode()


def test_a_comparison_read_again_takes_a_handful_of_queries(client, demo_sett, make_user):
    """Kept per data version, year, chosen units and the user's units: 14 queries and
    every unit's values in two years read and compared on each view before; now the
    session (from the shared cache), the user, the set, the indicator, the grants and
    the reform links."""
    client.force_login(make_user("evaluator", ("0", "leser")))
    url = f"/indikatorer/{demo.SLUG}/16/sammenlign/"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries.captured_queries) <= 5, [q["sql"] for q in queries.captured_queries]
    assert not [q for q in queries.captured_queries
                if '"indikatorer_verdi"' in q["sql"]]


def test_users_who_see_different_units_never_share_a_comparison(client, demo_sett, make_user):
    year = Verdi.objects.filter(indikator__sett__slug=demo.SLUG, indikator__number=16,
                                unit__code="0301").latest("year").year
    url = f"/indikatorer/{demo.SLUG}/16/sammenlign/?ar={year}"
    client.force_login(make_user("evaluator", ("0", "leser")))
    everyone = {r["unit"].code for r in client.get(url).context["rows"]}
    client.force_login(make_user("bergen-leser", ("4601", "leser")))
    bergen = {r["unit"].code for r in client.get(url).context["rows"]}
    assert "0301" in everyone and "0301" not in bergen and "0" in bergen


def test_a_comparison_shows_a_renamed_unit_at_once(client, demo_sett, make_user):
    """Unit names are in the cached comparison: a units import that renames one
    shows on the next view, not when the cache runs out."""
    year = Verdi.objects.filter(indikator__sett__slug=demo.SLUG, indikator__number=16,
                                unit__code="0301").latest("year").year
    url = f"/indikatorer/{demo.SLUG}/16/sammenlign/?ar={year}"
    client.force_login(make_user("evaluator", ("0", "leser")))
    names = {r["unit"].code: r["unit"].name for r in client.get(url).context["rows"]}
    assert names["0301"] == "Oslo"
    renamed = "kode,navn,niva,overordnet,gyldig_fra,gyldig_til\n0301,Christiania,kommune,03,,\n"
    core_services.import_units(renamed.encode(), "enheter.csv")
    names = {r["unit"].code: r["unit"].name for r in client.get(url).context["rows"]}
    assert names["0301"] == "Christiania"


# --- The filter fields' markup, kept per choices, query and language (issue 12) -------


def _filter_form(html):
    return re.search(r'<form method="get" class="form inline-form[^"]*"[^>]*>(.*?)</form>',
                     html, re.S).group(1)


@pytest.mark.parametrize("page", ["", "mal/", "16/sammenlign/"])
def test_kept_filter_fields_are_the_forms_own_markup(client, demo_sett, make_user, page):
    """The fields written once and kept are those Django's template writes for the same
    form: the same options chosen, the same errors for a wrong value."""
    from django.template.loader import render_to_string

    client.force_login(make_user("evaluator", ("0", "leser")))
    url = f"/indikatorer/{demo.SLUG}/{page}"
    for query in ({}, {"enhet": "0301"}, {"enhet": "0301", "til": "1899"}, {"ar": "1899"}):
        client.get(url, query)  # kept by the first view
        response = client.get(url, query)
        form = response.context["form"]
        names = ["enhet", "til"] if page == "mal/" else list(form.fields)
        sep = "\n  " if page == "mal/" else ""
        expected = sep.join(render_to_string("core/_field.html", {"field": form[n]})
                            for n in names)
        assert _filter_form(response.content.decode()).strip().startswith(expected.strip())


def test_kept_filter_fields_follow_the_language(client, demo_sett, make_user):
    client.force_login(make_user("evaluator", ("0", "leser")))
    url = f"/indikatorer/{demo.SLUG}/"
    assert "Til og med år" in _filter_form(client.get(url).content.decode())
    client.post("/i18n/setlang/", {"language": "en", "next": url})
    english = _filter_form(client.get(url).content.decode())
    assert "Up to and including year" in english and "Til og med år" not in english


def test_a_corrected_file_writes_its_changed_values_in_one_bulk_update(sett, make_user):
    """A national file sent again with corrections changes only what differs, in one
    statement by primary key (``bulkload.update_rows``): ``bulk_update`` wrote a
    ``CASE WHEN`` per row and field and took minutes for a national file."""
    user = make_user("importer", ("0", "planlegger"))
    first = ("indikator,enhet,ar,verdi,merknad,forelopig\n"
             "16,0301,2011,61.5,,nei\n16,0301,2012,62,,nei\n16,0301,2013,N/A,,nei\n"
             "30,0301,2011,7,,nei\n")
    services.import_values(sett, first.encode(), "v.csv")
    stored = {v.year: v for v in Verdi.objects.filter(indikator__number=16, unit__code="0301",
                                                      year__lt=2014)}
    again = ("indikator,enhet,ar,verdi,merknad,forelopig\n"
             "16,0301,2011,61.50,,nei\n"           # the same figure written otherwise
             "16,0301,2012,63.25,revidert,ja\n"    # corrected, with a note, provisional
             "16,0301,2013,12,,nei\n"              # a missing value delivered
             "30,0301,2011,N/A,,nei\n"             # a value withdrawn
             "30,0301,2012,8,,nei\n")              # new
    with CaptureQueriesContext(connection) as queries:
        result = services.import_values(sett, again.encode(), "v.csv", user=user)
    assert (result["created"], result["updated"], result["rows"]) == (1, 3, 5)
    updates = [q["sql"] for q in queries.captured_queries
               if 'UPDATE "indikatorer_verdi"' in q["sql"]]  # SQLite: "3 times: UPDATE …"
    assert len(updates) == 1 and "CASE" not in updates[0], updates
    now = {(v.indikator.number, v.year): v for v in Verdi.objects.filter(
        indikator__sett=sett, unit__code="0301", year__in=[2011, 2012, 2013],
        indikator__number__in=[16, 30])}
    assert now[16, 2011].value == Decimal("61.5") and now[16, 2011].updated_by is None
    assert now[16, 2011].updated_at == stored[2011].updated_at
    assert (now[16, 2012].value, now[16, 2012].merknad, now[16, 2012].provisional) == (
        Decimal("63.25"), "revidert", True)
    assert now[16, 2012].updated_by == user
    assert (now[16, 2013].value, now[16, 2013].missing_reason) == (Decimal("12"), "")
    assert now[30, 2011].value is None and "N/A" in now[30, 2011].missing_reason
    assert now[30, 2012].value == Decimal("8") and now[30, 2012].updated_by == user


def test_the_import_limit_stores_what_the_import_stores(sett):
    """The benchmark's limit (COPY on PostgreSQL, executemany on SQLite) must write the
    same values as the import it is measured beside, or its ratio means nothing."""
    from datetime import UTC, datetime

    ids = dict(sett.indikatorer.values_list("number", "pk"))
    oslo = OrgUnit.objects.get(code="0301")
    lines = [(16, 2001, "61.5"), (30, 2001, "7"), (16, 2002, "0.25")]
    text = "indikator,enhet,ar,verdi\n" + "".join(f"{n},0301,{y},{v}\n" for n, y, v in lines)
    services.import_values(sett, text.encode(), "v.csv")
    fields = ("indikator_id", "unit_id", "year", "value", "provisional", "break_in_series",
              "missing_reason", "merknad", "break_reason")
    mine = Verdi.objects.filter(unit=oslo, year__lt=2003)
    imported = sorted(mine.values_list(*fields))
    mine.delete()
    now = datetime.now(UTC)
    stamp = now if connection.vendor == "postgresql" else (
        connection.ops.adapt_datetimefield_value(now))
    bench._bulk_path([(ids[n], oslo.pk, y, v, False, False, "", "", stamp, "")
                      for n, y, v in lines])
    assert sorted(mine.values_list(*fields)) == imported
    assert len(imported) == 3 and imported[0][3] == Decimal("61.5")


def test_a_comparison_read_again_unpickles_no_unit_or_value(
        client, demo_sett, make_user, monkeypatch):
    """A warm comparison read back every unit's unit, value and change objects from the
    cache (~400 nationally) only to write their markup, kept beside them."""
    from django.db.models import base

    client.force_login(make_user("evaluator", ("0", "leser")))
    url = f"/indikatorer/{demo.SLUG}/16/sammenlign/"
    first = client.get(url)
    expected = [(r["unit"].code, r["verdi"] and r["verdi"].value) for r in first.context["rows"]]
    loaded = []
    real = base.model_unpickle
    monkeypatch.setattr(base, "model_unpickle", lambda *a: loaded.append(a) or real(*a))
    again = client.get(url)
    assert again.status_code == 200 and loaded == []
    main = [r.content.decode().split('<main', 1)[1] for r in (first, again)]
    assert main[0] == main[1]  # the same page (the header's form tokens differ)
    # The rows are still there for whoever asks, from their own entry.
    assert [(r["unit"].code, r["verdi"] and r["verdi"].value)
            for r in again.context["rows"]] == expected and loaded


def test_a_goals_page_read_again_unpickles_no_group(client, demo_sett, make_user, monkeypatch):
    """A warm goals page read its goal counts back from the process's cache with its
    markup, each goal's group a model instance to unpickle (~0.1 ms, more than the
    markup), though only a part built anew (an editor's forms) uses them."""
    from django.db.models import base

    client.force_login(make_user("evaluator", ("0", "leser")))
    url = f"/indikatorer/{demo.SLUG}/mal/?enhet=0301"
    first = client.get(url)
    loaded = []
    real = base.model_unpickle
    monkeypatch.setattr(base, "model_unpickle", lambda *a: loaded.append(a[0]) or real(*a))
    again = client.get(url)
    assert again.status_code == 200
    assert ("indikatorer", "Gruppe") not in loaded, loaded
    main = [r.content.decode().split("<main", 1)[1] for r in (first, again)]
    assert main[0] == main[1]  # the same page (the header's form tokens differ)
    assert "Beregnet forslag" in main[1] and "Skriftlig vurdering per mål" in main[1]


@pytest.mark.parametrize("page", ["", "mal/"])
def test_a_warm_page_translates_no_legend(client, demo_sett, make_user, monkeypatch, page):
    """The status table's legend (each judgement's word, translated) was built for every
    view of a status or goals page, though only a status table's content built anew
    writes it (~25 us of a warm page)."""
    from rusfelt.core.dokumenter import labels

    client.force_login(make_user("evaluator", ("0", "leser")))
    url = f"/indikatorer/{demo.SLUG}/{page}"
    first = client.get(url)
    words = []
    real = labels.label
    monkeypatch.setattr(labels, "label", lambda key: words.append(key) or real(key))
    again = client.get(url)
    assert again.status_code == 200 and words == []
    main = [r.content.decode().split("<main", 1)[1] for r in (first, again)]
    assert main[0] == main[1]
    if not page:
        assert "Bevegelse i ønsket retning" in main[1]  # the legend, kept with the table


def test_a_comparison_read_again_builds_no_scoped_values(
        client, demo_sett, make_user, monkeypatch):
    """A warm comparison combined the user's scoped values with the national ones (two
    querysets joined by ``|``) on every view, though only a part built anew reads them."""
    client.force_login(make_user("evaluator", ("0", "leser")))
    url = f"/indikatorer/{demo.SLUG}/16/sammenlign/"
    first = client.get(url)
    built = []
    real = views._values
    monkeypatch.setattr(views, "_values", lambda user: built.append(user) or real(user))
    again = client.get(url)
    assert again.status_code == 200 and built == []
    main = [r.content.decode().split("<main", 1)[1] for r in (first, again)]
    assert main[0] == main[1]
    # A part built anew (the rows, asked for here, after a cleared cache) still reads
    # them through the scoping.
    cache.clear()
    assert again.context["rows"] and built == [again.wsgi_request.user]


# --- A page's content, kept in each process (issue 12) ---------------------------------

#: (page, a heading of its kept content in bokmål, the same in English).
KEPT_PAGES = [("", "Måloppnåelse per mål", "Goal attainment per goal"),
              ("mal/", "Beregnet forslag", "Computed suggestion"),
              ("16/sammenlign/", "Sammenlign enheter", "Compare units")]


@pytest.mark.parametrize("page", [p for p, _nb, _en in KEPT_PAGES])
def test_a_warm_page_reads_only_its_session_and_the_token_from_the_shared_cache(
        client, demo_sett, make_user, shared_cache_reads, page):
    """A warm status, goals or comparison page read its markup (a status table is ~100 kB
    nationally) from the shared cache, a query on the database cache, and rendered it
    again; now the process keeps the page's content and reads only the token that keys it,
    in the same read as the session (core.sessions): one round trip, not two."""
    client.force_login(make_user("evaluator", ("0", "leser")))
    url = f"/indikatorer/{demo.SLUG}/{page}"
    first = client.get(url)
    shared_cache_reads.clear()
    again = client.get(url)
    assert again.status_code == 200
    session = cached_db.KEY_PREFIX + client.cookies["sessionid"].value
    assert shared_cache_reads == [("get_many", [session, views.FILTER_TOKEN_KEY])]
    main = [r.content.decode().split("<main", 1)[1] for r in (first, again)]
    assert main[0] == main[1]


def test_a_warm_page_asks_the_database_cache_once(client, demo_sett, make_user, settings):
    """On the database cache (production's shared cache without Redis) the session and the
    token are one query, not two."""
    from django.core.management import call_command

    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "rusfelt_cache"}}
    call_command("createcachetable", verbosity=0)
    client.force_login(make_user("evaluator", ("0", "leser")))
    url = f"/indikatorer/{demo.SLUG}/"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    cache_reads = [q["sql"] for q in queries.captured_queries if "rusfelt_cache" in q["sql"]]
    assert len(cache_reads) == 1
    assert len(queries.captured_queries) <= 4


@pytest.mark.parametrize("page,nb,en", KEPT_PAGES)
def test_kept_content_follows_the_language(client, demo_sett, make_user, page, nb, en):
    client.force_login(make_user("evaluator", ("0", "leser")))
    url = f"/indikatorer/{demo.SLUG}/{page}"
    assert nb in client.get(url).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": url})
    english = client.get(url).content.decode()
    assert en in english and nb not in english
    client.post("/i18n/setlang/", {"language": "nb", "next": url})
    assert nb in client.get(url).content.decode()


def test_kept_status_content_is_each_users_own(client, demo_sett, make_user):
    """A reader and a planner of the same units share the table and the filters, never the
    page: only the planner is offered the import."""
    url = f"/indikatorer/{demo.SLUG}/"
    importer = f'href="/indikatorer/{demo.SLUG}/import/"'
    client.force_login(make_user("leser", ("0", "leser")))
    assert importer not in client.get(url).content.decode()
    client.force_login(make_user("planlegger", ("0", "planlegger")))
    assert importer in client.get(url).content.decode()
    client.force_login(make_user("leser2", ("0", "leser")))
    assert importer not in client.get(url).content.decode()


@pytest.mark.parametrize("page", [p for p, _nb, _en in KEPT_PAGES])
def test_kept_content_shows_a_renamed_set_at_once(client, demo_sett, make_user, page):
    """A set's name is not part of its data version: it is in the kept content's key."""
    client.force_login(make_user("evaluator", ("0", "leser")))
    url = f"/indikatorer/{demo.SLUG}/{page}"
    client.get(url)
    sett = Indikatorsett.objects.get(slug=demo.SLUG)
    sett.name = "Et nytt navn på settet"
    sett.description = "Ny beskrivelse"
    sett.save()
    html = client.get(url).content.decode()
    if page == "16/sammenlign/":  # the comparison shows the indicator, not the set
        assert client.get(url).status_code == 200
    else:
        assert "Et nytt navn på settet" in html.split("<main", 1)[1]


def test_kept_content_is_built_anew_after_a_cleared_cache(client, demo_sett, make_user):
    """A cleared shared cache (or a database restored to an earlier data version) gives a
    new token: no process shows what it kept before."""
    from django.core.cache import cache

    client.force_login(make_user("evaluator", ("0", "leser")))
    sett = Indikatorsett.objects.get(slug=demo.SLUG)
    base = f"/indikatorer/{demo.SLUG}/"
    year = client.get(base).context["last_year"]
    version = Indikatorsett.objects.get(pk=sett.pk).data_version
    Verdi.objects.filter(indikator__sett=sett, indikator__number=16, unit__code="0",
                         year=year).update(value=Decimal("98765"))
    # The same data version (a restored database), but the cache was cleared.
    assert Indikatorsett.objects.get(pk=sett.pk).data_version == version
    assert "98\xa0765" not in client.get(base).content.decode()
    cache.clear()
    assert "98\xa0765" in client.get(base).content.decode()


def test_an_indicator_page_writes_each_distinct_figure_once(
        client, demo_sett, make_user, monkeypatch):
    """The first view after an import wrote ~3 600 value cells one by one; a national
    page's shares repeat (one decimal), so each distinct figure, mark and source is
    written once, and the page is the same as cell by cell (no query for its years)."""
    from rusfelt.indikatorer.templatetags import indikatorer_tags as cells

    client.force_login(make_user("evaluator", ("0", "leser")))
    sett = Indikatorsett.objects.get(slug=demo.SLUG)
    oslo = OrgUnit.objects.get(code="0301")
    sixteen = sett.indikatorer.get(number=16)
    # The same figure written otherwise in two units and years, and a missing value.
    for unit, year, value in ((oslo, 2001, "87.4"), (oslo, 2002, "87.40"),
                              (OrgUnit.objects.get(code="0"), 2001, "87.4000")):
        Verdi.objects.create(indikator=sixteen, unit=unit, year=year, value=Decimal(value))
    Verdi.objects.create(indikator=sixteen, unit=oslo, year=2003, value=None,
                         missing_reason="Ikke levert")
    written = []
    real = cells.detail_value_td

    def counted(v, *args, **kwargs):
        written.append((None if v is None else (v.value, v.missing_reason), args, kwargs))
        return real(v, *args, **kwargs)

    monkeypatch.setattr(cells, "detail_value_td", counted)
    Indikatorsett.values_changed(sett.pk)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(f"/indikatorer/{demo.SLUG}/16/").content.decode()
    keys = [(v if v is None else (v[0], v[1] if v[0] is None else ""), kwargs["brudd"],
             kwargs["kilde"]) for v, _a, kwargs in written]
    assert len(keys) == len(set(keys)), "a figure was written twice"
    assert html.count('<td class="num">87\xa0%</td>') == 3  # the indicator shows no decimals
    assert '<abbr title="Ikke levert">..</abbr>' in html
    assert not [q for q in queries.captured_queries
                if "DISTINCT" in q["sql"] and '"indikatorer_verdi"."year"' in q["sql"]]


def test_a_kept_unit_is_checked_on_its_new_path_after_a_move(client, demo_sett, make_user):
    """The unit is read once per data version, its access checked on every request: a
    bydel moved to another kommune is a new data version, and answers 404 to a reader
    of the old kommune at once."""
    url = f"/indikatorer/{demo.SLUG}/?enhet=030101"
    client.force_login(make_user("oslo-leser", ("0301", "leser")))
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # kept
    moved = ("kode,navn,niva,overordnet,gyldig_fra,gyldig_til\n"
             "030101,Gamle Oslo,bydel,4601,2004-01-01,\n")
    core_services.import_units(moved.encode(), "enheter.csv")
    assert client.get(url).status_code == 404
    client.force_login(make_user("bergen-leser", ("4601", "leser")))
    assert client.get(url).status_code == 200


def test_an_indicator_page_joins_only_units_with_a_reform_to_their_history(
        client, demo_sett, make_user, monkeypatch):
    """``with_history`` built three dicts per unit for ~360 units of which a handful had a
    reform; a unit without one keeps its own values by year, and a successor still reaches
    back (Bergen 4601 through 1201)."""
    from rusfelt.core.services import reforms_of

    calls = []
    real = services.with_history

    def counted(code, *args, **kwargs):
        calls.append(code)
        return real(code, *args, **kwargs)

    monkeypatch.setattr(services, "with_history", counted)
    sett = Indikatorsett.objects.get(slug=demo.SLUG)
    rows = services.unit_series(Verdi.objects.filter(indikator__sett=sett,
                                                     indikator__number=16))
    successors = set(reforms_of())
    assert calls and set(calls) <= successors
    by_code = {r.unit.code: r for r in rows}
    assert len(by_code) > len(successors)
    for row in rows:
        assert list(row.values) == sorted(row.values)
        if row.unit.code not in successors:
            assert set(row.sources.values()) == {row.unit.code}


def test_kept_filters_are_each_scopes_own(client, demo_sett, make_user):
    """A year only Bergen has figures for is a valid filter for Bergen's reader and not
    for Oslo's: the same query never gives Oslo's reader the filters Bergen's kept."""
    sett = Indikatorsett.objects.get(slug=demo.SLUG)
    sixteen = sett.indikatorer.get(number=16)
    Verdi.objects.create(indikator=sixteen, unit=OrgUnit.objects.get(code="4601"),
                         year=1990, value=Decimal("50"))
    Indikatorsett.values_changed(sett.pk)
    url = f"/indikatorer/{demo.SLUG}/"
    client.force_login(make_user("bergen-leser", ("4601", "leser")))
    assert client.get(url, {"til": "1990"}).context["last_year"] == 1990
    client.force_login(make_user("oslo-leser", ("0301", "leser")))
    response = client.get(url, {"til": "1990"})
    assert response.context["last_year"] != 1990
    assert not response.context["form"].is_valid()


def test_an_indicator_pages_first_view_reads_the_values_once(units, make_user):
    """The spread of hundreds of units (the country, each year's lowest, mean and highest)
    comes from the values the table reads: the first view after an import read them
    three times (the table's rows, the country's, and an aggregate of the rest)."""
    bench.fill(Bench("indikatorer", io.StringIO(), repeat=1), 14, 2)
    sett = Indikatorsett.objects.get(slug=demo.SLUG)
    client = bench._client()
    Indikatorsett.values_changed(sett.pk)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(f"/indikatorer/{demo.SLUG}/16/").content.decode()
    assert "Feltet viser spennet" in html  # the spread, not one line per unit
    reads = [q["sql"] for q in queries.captured_queries if "indikatorer_verdi" in q["sql"]]
    assert len(reads) == 1, reads


class _TableRows(HTMLParser):
    """The body rows of an indicator page's table, as a reader sees them: per row the
    unit's name, the text of each cell and the judgement class of the change cell."""

    def __init__(self):
        super().__init__()
        self.rows, self._in_body, self._cell = [], False, None

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self.rows.append({"cells": [], "judgement": None})
        elif self._in_body and tag in ("th", "td"):
            self._cell = []
        classes = dict(attrs).get("class") or ""
        if self._in_body and "judgement--" in classes:
            self.rows[-1]["judgement"] = classes.split("judgement--")[1].split()[0]

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif self._in_body and tag in ("th", "td") and self._cell is not None:
            self.rows[-1]["cells"].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _shown(text):
    """(number, decimals shown) of a cell's text («1\xa0234,5\xa0%» -> 1234.5, 1), or None
    for «..»; the marks of a break («|»), a source («(1201)») and a judgement («(gul)»)
    are left out."""
    text = re.sub(r"\([^)]*\)", "", text).replace("|", "").replace("%-poeng", "")
    text = text.replace("%", "").replace("\xa0", "").strip()
    if text == "..":
        return None
    decimals = len(text.split(",")[1]) if "," in text else 0
    return Decimal(text.replace(",", ".")), decimals


def _near(shown, exact) -> bool:
    """The page's figure is the exact one rounded to the decimals it shows."""
    if shown is None or exact is None:
        return shown is None and exact is None
    number, decimals = shown
    return abs(number - Decimal(str(exact))) <= Decimal(5) / 10 ** (decimals + 1)


def test_an_indicator_pages_figures_are_the_databases(units):
    """The first view after an import, every unit's row against a hand-written SQL
    query of the same figures: each year's value (or «..» where the unit has none), and
    the last change and its judgement as the comparison's limit computes them
    (``bench.COMPARE_SQL``); with a break, a missing value and gaps among them. Units
    in a reform are left to the Bergen tests (their row joins two units' values)."""
    bench.fill(Bench("indikatorer", io.StringIO(), repeat=1), 6, 4)
    sett = Indikatorsett.objects.get(slug=demo.SLUG)
    sixteen = sett.indikatorer.get(number=16)
    codes = [code for _pk, code in bench._kommune_ids(6)]
    Verdi.objects.filter(indikator=sixteen, unit__code=codes[1], year=bench.LAST_YEAR).update(
        break_in_series=True, break_reason="Ny definisjon")
    Verdi.objects.filter(indikator=sixteen, unit__code=codes[2],
                         year=bench.LAST_YEAR - 2).update(value=None, missing_reason="Ikke levert")
    Indikatorsett.values_changed(sett.pk)
    html = bench._client().get(f"/indikatorer/{demo.SLUG}/16/").content.decode()
    parser = _TableRows()
    parser.feed(html)
    page = {row["cells"][0]: row for row in parser.rows}
    assert len(page) == len(parser.rows)  # one row per unit name

    values = run_sql("""
        SELECT u.code, u.name, v.year, v.value FROM indikatorer_verdi v
        JOIN core_orgunit u ON u.id = v.unit_id
        WHERE v.indikator_id = %s ORDER BY u.path, v.year""", [sixteen.pk])
    reformed = {code for (code,) in run_sql("""
        SELECT u.code FROM core_unitsuccession s JOIN core_orgunit u
        ON u.id = s.successor_id OR u.id = s.predecessor_id""")}
    years = range(min(r[2] for r in values), max(r[2] for r in values) + 1)
    by_unit: dict[tuple, dict] = {}
    for code, name, year, value in values:
        by_unit.setdefault((code, name), {})[year] = value
    changes = {}
    for last in {max(found) for found in by_unit.values()}:
        changes.update({(r[0], last): (r[5], r[6])
                        for r in run_sql(bench.COMPARE_SQL, [sixteen.pk, last])})
    compared = 0
    for (code, name), found in by_unit.items():
        if code in reformed:
            continue
        row = page[name]
        assert len(row["cells"]) == 1 + len(years) + 2, name
        for year, text in zip(years, row["cells"][1:], strict=False):
            assert _near(_shown(text), found.get(year)), (name, year, text, found.get(year))
        change, judgement = changes[(code, max(found))]
        assert _near(_shown(row["cells"][1 + len(years)]), change), (name, row, change)
        assert row["judgement"] == judgement, (name, row["judgement"], judgement)
        compared += 1
    assert compared >= 6
    broken = page[OrgUnit.objects.get(code=codes[1]).name]
    assert broken["cells"][len(years)].startswith("|") and broken["judgement"] == "gra"
    assert "Ingen endring over brudd" in broken["cells"][-1]


def test_an_indicator_pages_spread_is_the_databases(units):
    """The spread chart's figures (the country, and each year's lowest, mean and highest
    unit) against a hand-written SQL aggregate of the same values."""
    from rusfelt.indikatorer import views

    bench.fill(Bench("indikatorer", io.StringIO(), repeat=1), 6, 4)
    sixteen = Indikatorsett.objects.get(slug=demo.SLUG).indikatorer.get(number=16)
    national, band, mean = views._spread_rows(views._page_values(
        Verdi.objects.filter(indikator=sixteen)))
    limit = run_sql("""
        SELECT v.year, MIN(v.value), MAX(v.value), AVG(v.value) FROM indikatorer_verdi v
        JOIN core_orgunit u ON u.id = v.unit_id
        WHERE v.indikator_id = %s AND u.level <> 'land' AND v.value IS NOT NULL
        GROUP BY v.year ORDER BY v.year""", [sixteen.pk])
    assert [(r["ar"], r["lo"], r["hi"]) for r in band] == [
        (y, float(lo), float(hi)) for y, lo, hi, _avg in limit]
    assert [r["ar"] for r in mean] == [r[0] for r in limit]
    assert all(abs(r["verdi"] - float(avg)) < 1e-9 for r, (*_, avg) in zip(mean, limit,
                                                                           strict=True))
    country = run_sql("""
        SELECT v.year, v.value FROM indikatorer_verdi v JOIN core_orgunit u
        ON u.id = v.unit_id WHERE v.indikator_id = %s AND u.level = 'land'
        AND v.value IS NOT NULL ORDER BY v.year""", [sixteen.pk])
    assert len(country) >= 3
    assert [(r["ar"], r["verdi"]) for r in national] == [(y, float(v)) for y, v in country]
@pytest.mark.parametrize("path", ["16/sammenlign/", "9999/sammenlign/"])
def test_a_comparison_of_an_unknown_set_or_indicator_is_not_found(
        client, demo_sett, make_user, path):
    client.force_login(make_user("evaluator", ("0", "leser")))
    assert client.get(f"/indikatorer/ukjent-sett/{path}").status_code == 404
    if path.startswith("9999"):
        assert client.get(f"/indikatorer/{demo.SLUG}/{path}").status_code == 404


#: Figures as stored (four decimals), among them what a float and its text make hard.
_FIGURES = ["0", "-3.5", "0.0001", "12.3", "87.40", "99.9999", "5000", "0.1", "1234567890.1234",
            None]


def test_an_indicator_pages_values_are_the_orms(demo_sett):
    """An indicator page reads its figures without Django's converters (on SQLite as text):
    each row's figure and break are what the ORM reads of the same value, to the type and
    the four decimals it stores (``12.3000``, not ``12.3``)."""
    from rusfelt.indikatorer import views

    sixteen = Indikatorsett.objects.get(slug=demo.SLUG).indikatorer.get(number=16)
    oslo = OrgUnit.objects.get(code="0301")
    for year, figure in enumerate(_FIGURES, start=1980):
        Verdi.objects.create(
            indikator=sixteen, unit=oslo, year=year, break_in_series=year % 2 == 0,
            value=None if figure is None else Decimal(figure),
            missing_reason="Ikke levert" if figure is None else "")
    read = views._page_values(Verdi.objects.filter(indikator=sixteen))
    orm = list(Verdi.objects.filter(indikator=sixteen).order_by("unit__path", "year")
               .values_list("unit__code", "year", "value", "break_in_series"))
    assert [(r.code, r.year, r.value, r.break_in_series) for r in read] == orm
    assert [(type(r.value), str(r.value), type(r.break_in_series)) for r in read] == [
        (type(value), str(value), type(broken)) for _code, _year, value, broken in orm]
    assert [str(r.value) for r in read if r.code == "0301" and r.year < 1990] == [
        "None" if f is None else str(Decimal(f).quantize(Decimal("0.0001"))) for f in _FIGURES]


def test_an_indicator_pages_values_are_read_without_a_converter_per_row(
        demo_sett, monkeypatch):
    """The page's ~3 600 rows come as the driver gives them: Django's converters (on
    SQLite the break's, one call per row) cost the first view after an import more than
    its query."""
    from django.db.models.sql.compiler import SQLCompiler

    from rusfelt.indikatorer import views

    calls = []
    apply_converters = SQLCompiler.apply_converters

    def counted(self, rows, converters):
        calls.append(converters)
        return apply_converters(self, rows, converters)

    sixteen = Indikatorsett.objects.get(slug=demo.SLUG).indikatorer.get(number=16)
    monkeypatch.setattr(SQLCompiler, "apply_converters", counted)
    with CaptureQueriesContext(connection) as queries:
        read = views._page_values(Verdi.objects.filter(indikator=sixteen))
    assert read and len(queries) == 1
    assert calls == []


def test_an_indicator_page_keeps_its_rows_compressed_and_shows_them_as_written(
        client, demo_sett, make_user, monkeypatch):
    """The shared cache keeps an indicator page's table rows compressed: written whole, a
    national table's markup cost the first view after an import more than building it on
    PostgreSQL. A second view shows the rows exactly as the first wrote them."""
    import pickle

    from rusfelt.indikatorer import views

    kept = []
    real = views.cache

    class Recording:
        def get(self, key, *args):
            return real.get(key, *args)

        def set(self, key, value, *args):
            kept.append((key, value))
            return real.set(key, value, *args)

    monkeypatch.setattr(views, "cache", Recording())
    client.force_login(make_user("evaluator", ("0", "leser")))
    url = f"/indikatorer/{demo.SLUG}/16/"
    first = client.get(url).content.decode()
    again = client.get(url).content.decode()

    def rows(html):
        return html[html.index("<tbody>"):html.index("</tbody>")]

    assert '<th scope="row">Oslo</th>' in rows(first) and rows(again) == rows(first)
    [(_key, page)] = [(k, v) for k, v in kept if k.startswith("indikatorer:indikator:")]
    assert len(pickle.dumps(page["rows_html"])) * 3 < len(rows(first).encode())


# --- A warm page's fixed cost: what Django builds on every request (issue 12) ----------


@pytest.mark.parametrize(("page", "own"), [
    ("", 0), ("?enhet=0301&gruppe=HM3&vurdering=rod", 0), ("mal/?enhet=0301", 0),
    ("16/sammenlign/", 0)])
def test_a_warm_page_builds_sql_only_for_its_own_reads(
        client, demo_sett, make_user, monkeypatch, page, own):
    """Every signed-in page compiled the grants and reform links as a union of two
    querysets of eight annotated columns, more work than running it; now that query is
    written once per process, as are the set's and the indicator's reads (``by_key``)
    and the user's (``konto.backends``). The session comes from the shared cache. The
    ORM builds only the page's own queries: none when warm (an editor's written goal
    assessments are kept with their forms, per data version)."""
    from django.db.models.sql.compiler import SQLCompiler

    client.force_login(make_user("evaluator", ("0", "leser"), ("0301", "planlegger")))
    url = f"/indikatorer/{demo.SLUG}/{page}"
    assert client.get(url).status_code == 200
    built = []
    real = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql",
                        lambda self, *a, **k: built.append(self.query.model) or real(self, *a, **k))
    assert client.get(url).status_code == 200
    assert len(built) == own, built


@pytest.mark.parametrize("page", ["", "mal/?enhet=0301", "16/sammenlign/"])
def test_a_warm_page_reads_its_rows_by_key_without_a_raw_queryset(
        client, demo_sett, make_user, monkeypatch, page):
    """The user, the set and the indicator were raw queries of their models, each
    resolving its columns from the cursor and the model's fields on every read
    (``core.rows`` keeps that per process)."""
    client.force_login(make_user("evaluator", ("0", "leser")))
    url = f"/indikatorer/{demo.SLUG}/{page}"
    assert client.get(url).status_code == 200
    made = []
    real = RawQuerySet.__init__
    monkeypatch.setattr(RawQuerySet, "__init__",
                        lambda self, *a, **k: made.append(a) or real(self, *a, **k))
    assert client.get(url).status_code == 200
    assert made == []


@pytest.mark.parametrize(("model", "lookups", "missing"), [
    (Indikatorsett, lambda sett: {"slug": sett.slug}, {"slug": "finnes-ikke"}),
    (Indikator, lambda sett: {"sett": sett.pk, "number": 16}, {"number": 9999})])
def test_a_row_read_by_its_key_is_the_orms(demo_sett, model, lookups, missing):
    """``by_key`` reads a set or an indicator by SQL written once per process: the same
    row, every field converted as the ORM converts it (the thresholds as Decimal)."""
    wanted = lookups(Indikatorsett.objects.get(slug=demo.SLUG))
    found = model.objects.by_key(**wanted)
    expected = model.objects.get(**wanted)
    fields = [f.attname for f in model._meta.concrete_fields]
    assert [(getattr(found, f), type(getattr(found, f))) for f in fields] == [
        (getattr(expected, f), type(getattr(expected, f))) for f in fields]
    assert not found._state.adding
    assert model.objects.by_key(**{**wanted, **missing}) is None
