"""Import, definitions, changes on the command line, and the hooks for other apps."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from rusfelt.core.models import AuditEvent
from rusfelt.indikatorer import demo, services
from rusfelt.indikatorer.domain.change import Judgement, Measure
from rusfelt.indikatorer.models import Indikator, Indikatorsett, Maalvurdering, Verdi

SLUG = demo.SLUG


@pytest.fixture
def sett(units):
    demo.load()
    return Indikatorsett.objects.get(slug=SLUG)


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _changes(*args):
    out = io.StringIO()
    call_command("indikatorer", "endringer", "--sett", SLUG, "--format", "csv", *args, stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_demo_loads_85_indicators_with_national_values_and_twice_changes_nothing(sett):
    assert sett.indikatorer.count() == 85
    assert Verdi.objects.filter(indikator__sett=sett, unit__code="0").count() == 85 * 3
    before = list(Verdi.objects.order_by("pk").values_list("pk", "value", "updated_at"))
    demo.load()
    after = list(Verdi.objects.order_by("pk").values_list("pk", "value", "updated_at"))
    assert before == after
    municipal = Verdi.objects.filter(indikator__sett=sett).exclude(unit__code="0")
    assert municipal.exists()
    assert all("Illustrativ" in m for m in municipal.values_list("merknad", flat=True))


def test_endringer_prints_the_seed_figures_for_the_country(sett):
    rows = _changes()
    assert rows[0] == ["indikator", "fra", "til", "endring", "enhet", "vurdering"]
    by_key = {(r[0], r[1], r[2]): r[3:] for r in rows[1:]}
    assert len(rows) - 1 == 85 * 3
    assert by_key[("16", "2016", "2018")] == ["0.5", "prosentpoeng", "gul"]  # L1240
    assert by_key[("4", "2016", "2018")] == ["6.8", "prosent", "gronn"]  # L1090
    assert by_key[("11", "2016", "2017")] == ["-16.9", "prosent", "gronn"]  # L1235
    assert by_key[("7", "2016", "2018")] == ["", "prosentpoeng", "gra"]  # N/A, L1093
    assert by_key[("88", "2017", "2018")] == ["-49.4", "prosent", "rod"]  # L1644
    assert by_key[("23", "2016", "2018")] == ["1.5", "prosentpoeng", "rod"]  # L1245


def test_endringer_for_a_municipality_and_an_unknown_unit(sett):
    rows = _changes("--enhet", "0301")
    by_key = {(r[0], r[1], r[2]): r[3:] for r in rows[1:]}
    assert by_key[("30", "2017", "2018")] == ["2.0", "prosentpoeng", "gronn"]
    assert by_key[("4", "2017", "2018")] == ["", "prosent", "gra"]
    with pytest.raises(CommandError, match="Finner ikke enheten"):
        _changes("--enhet", "9999")


def test_import_long_semicolon_file_with_flags(sett, tmp_path):
    path = _write(
        tmp_path, "verdier.csv",
        "indikator;enhet;ar;verdi;merknad;forelopig\n"
        "16;0301;2019;63,5;foreløpig tall;ja\n"
        "15;0301;2019;N/A;;nei\n",
    )
    out = io.StringIO()
    call_command("indikatorer", "import", "--sett", SLUG, path, stdout=out)
    assert "2 nye" in out.getvalue()
    v = Verdi.objects.get(indikator__number=16, indikator__sett=sett, unit__code="0301", year=2019)
    assert v.value == Decimal("63.5") and v.provisional and v.merknad == "foreløpig tall"
    missing = Verdi.objects.get(indikator__number=15, unit__code="0301", year=2019)
    assert missing.value is None and "N/A" in missing.missing_reason
    assert AuditEvent.objects.filter(action="import", detail__sett=SLUG).exists()


def test_import_wide_layout_as_printed_in_the_seed(sett, tmp_path):
    path = _write(
        tmp_path, "bred.csv",
        "indikator,2018,2019\n"
        "\"4 Antall årsverk rapportert totalt\",\"15 894\",\"16 100\"\n"
        "(47),N/A,990\n",
    )
    call_command("indikatorer", "import", "--sett", SLUG, "--enhet", "4601", path,
                 stdout=io.StringIO())
    assert Verdi.objects.get(indikator__number=4, unit__code="4601", year=2019).value == 16100
    assert Verdi.objects.get(indikator__number=47, unit__code="4601", year=2019).value == 990


def test_import_xlsx(sett, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["indikator", "enhet", "ar", "verdi"])
    ws.append([87, "0", 2019, 170])
    path = tmp_path / "verdier.xlsx"
    wb.save(path)
    call_command("indikatorer", "import", "--sett", SLUG, str(path), stdout=io.StringIO())
    assert Verdi.objects.get(indikator__number=87, unit__code="0", year=2019).value == 170


def test_a_bad_file_stores_nothing_and_names_every_line_and_column(sett, tmp_path):
    path = _write(
        tmp_path, "feil.csv",
        "indikator,enhet,ar,verdi\n"
        "16,0301,2019,63\n"
        "17,0301,2019,5\n"
        "16,9999,2019,5\n"
        "16,0301,tjue,5\n"
        "15,0301,2019,mye\n"
        "16,0301,2019,64\n",
    )
    count = Verdi.objects.count()
    with pytest.raises(CommandError) as exc:
        call_command("indikatorer", "import", "--sett", SLUG, path)
    message = str(exc.value)
    assert "Ingenting er lagret. 5 feil" in message
    assert "Linje 3, kolonne indikator: indikator 17 finnes ikke" in message
    assert "Linje 4, kolonne enhet: ukjent enhet «9999»" in message
    assert "Linje 5, kolonne ar" in message
    assert "Linje 6, kolonne verdi: er ikke et tall" in message
    assert "Linje 7, kolonne verdi: gjentar verdien fra linje 2" in message
    assert Verdi.objects.count() == count


def test_a_large_import_is_one_bulk_load_and_refreshes_statistics(sett):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rusfelt.core import bulkload

    lines = ["indikator,enhet,ar,verdi"] + [
        f"{number},0301,{year},{number + year / 100:.2f}"
        for number in sett.indikatorer.values_list("number", flat=True)
        for year in range(2000, 2016)]
    before = Verdi.objects.count()
    assert (bulkload.table_rows_estimate(Verdi) or 0) < before + 1000
    with CaptureQueriesContext(connection) as queries:
        result = services.import_values(sett, "\n".join(lines).encode(), "v.csv")
    assert result["created"] == len(lines) - 1 > 1000
    inserts = [q for q in queries if 'INSERT INTO "indikatorer_verdi"' in q["sql"]]
    # SQLite: one statement (bulk_create took a statement per 124 values);
    # PostgreSQL: COPY, no INSERT.
    assert len(inserts) == (1 if connection.vendor == "sqlite" else 0)
    assert Verdi.objects.count() == before + result["created"]
    v = Verdi.objects.get(indikator__sett=sett, indikator__number=16, unit__code="0301",
                          year=2015)
    assert v.value == Decimal("36.15") and not v.provisional and v.missing_reason == ""
    # The planner now knows the table's new size (SQLite samples with
    # PRAGMA analysis_limit, so its figure is an estimate).
    assert Verdi.objects.count() * 0.7 <= bulkload.table_rows_estimate(Verdi) <= before * 2 + (
        result["created"] * 1.3)


def test_missing_columns_and_unknown_set(sett, tmp_path):
    path = _write(tmp_path, "x.csv", "indikator,enhet,verdi\n16,0,5\n")
    with pytest.raises(CommandError, match="kolonne ar: kolonnen mangler"):
        call_command("indikatorer", "import", "--sett", SLUG, path)
    with pytest.raises(CommandError, match="Finner ikke indikatorsettet"):
        call_command("indikatorer", "import", "--sett", "finnes-ikke", path)


def test_dry_run_checks_without_storing(sett, tmp_path):
    path = _write(tmp_path, "v.csv", "indikator,enhet,ar,verdi\n16,0,2019,61\n")
    out = io.StringIO()
    call_command("indikatorer", "import", "--sett", SLUG, "--dry-run", path, stdout=out)
    assert "ingenting lagret" in out.getvalue()
    assert not Verdi.objects.filter(year=2019).exists()


def test_definisjoner_builds_a_municipal_set(units, tmp_path):
    path = _write(
        tmp_path, "def.csv",
        "nummer,gruppe,gruppenavn,tittel,type,art,maleenhet,kilde,retning,nullpunkt\n"
        "1,M1,Mål 1: Bolig,Bostedsløse i kommunen,resultat,antall,personer,Kartlegging,ned,2019\n"
        "4,M1,,Brukere med individuell plan,aktivitet,andel,%,Kartlegging,opp,2019\n",
    )
    call_command("indikatorer", "definisjoner", "--sett", "bergen-egne", "--navn",
                 "Bergens egne", path, stdout=io.StringIO())
    sett = Indikatorsett.objects.get(slug="bergen-egne")
    assert sett.name == "Bergens egne"
    assert list(sett.indikatorer.values_list("number", "direction", "kind")) == [
        (1, "down", "antall"), (4, "up", "andel"),
    ]
    bad = _write(tmp_path, "bad.csv", "nummer,gruppe,tittel,art,retning\n2,X9,Tittel,liter,opp\n")
    with pytest.raises(CommandError) as exc:
        call_command("indikatorer", "definisjoner", "--sett", "bergen-egne", bad)
    assert "Linje 2, kolonne gruppe: ukjent gruppe «X9»" in str(exc.value)
    assert "Linje 2, kolonne art: «liter» er ikke en av" in str(exc.value)
    assert sett.indikatorer.count() == 2


# --- Hook for kartlegging ----------------------------------------------------


def test_record_kartlegging_values_upserts_with_the_rule_named(units):
    unit = units["030104"]
    values = {
        "andel_levekarsindeks_gronn": Decimal("5.3"), "andel_rod_blalys": Decimal("61.2"),
        "andel_bostedslos": Decimal("18.0"), "andel_individuell_plan": Decimal("22.5"),
        "rate_per_1000": Decimal("9.4"),  # St. Hanshaugen 2019: 319 / 33 936 (seed 003)
    }
    assert services.record_kartlegging_values(
        unit=unit, year=2019, values=values, rule="levekarsindeks-v1"
    ) == 5
    sett = Indikatorsett.objects.get(slug="kartlegging-nokkeltall")
    stored = {v.indikator.key: v for v in Verdi.objects.filter(indikator__sett=sett)}
    assert stored["rate_per_1000"].value == Decimal("9.4")
    assert "levekarsindeks-v1" in stored["andel_bostedslos"].merknad
    values["andel_bostedslos"] = Decimal("16.0")
    values["rate_per_1000"] = None
    services.record_kartlegging_values(unit=unit, year=2019, values=values, rule="v2")
    assert Verdi.objects.filter(indikator__sett=sett).count() == 5
    rate = Verdi.objects.get(indikator__key="rate_per_1000", unit=unit, year=2019)
    assert rate.value is None and rate.missing_reason
    with pytest.raises(ValueError):
        services.record_kartlegging_values(unit=unit, year=2019, values={"x": 1}, rule="v1")


# --- Hook for planer ----------------------------------------------------------


def test_judgements_for_gives_latest_value_one_year_change_and_judgement(sett, units):
    inds = Indikator.objects.filter(sett=sett, number__in=[4, 9, 88, 28]).order_by("number")
    result = {j.indikator.number: j for j in services.judgements_for(inds, units["0"], 2018)}
    assert result[4].year == 2018 and result[4].value == 15894
    assert result[4].judgement is Judgement.GRONN and result[4].measure is Measure.PROSENT
    # 9 has no 2018 figure: its latest is 2017 with the 2016-2017 change (L1233)
    assert result[9].year == 2017 and round(result[9].change, 1) == Decimal("-13.0")
    assert result[88].judgement is Judgement.ROD
    assert result[28].judgement is Judgement.GRA and result[28].year == 2017  # first year
    assert services.judgements_for(inds, units["0"], 2015)[0].judgement is Judgement.GRA


def test_goal_overview_counts_colours_and_suggests_by_the_plan_rule(sett, units):
    table = services.status_table(sett, units["0"], Verdi.objects.all())
    assert table.years == [2016, 2017, 2018]
    overview = services.goal_overview(table, [])
    hm5 = next(g for g in overview.goals if g.gruppe.code == "HM5")
    # 2017-2018: 87, 89, 90, 91, 92 green; 88 red; 93 grey (L1643-1649)
    assert (hm5.summary.gronn, hm5.summary.gul, hm5.summary.rod, hm5.summary.gra) == (5, 0, 1, 1)
    assert overview.suggestion is not None


def test_assessments_refuse_a_stale_save(sett, units, oslo_planlegger):
    gruppe = sett.grupper.get(code="HM1")
    a = services.save_assessment(gruppe=gruppe, unit=units["0301"], year=2018, text="Første",
                                 version=0, user=oslo_planlegger)
    services.save_assessment(gruppe=gruppe, unit=units["0301"], year=2018, text="Andre",
                             version=a.version, user=oslo_planlegger)
    with pytest.raises(ValueError):
        services.save_assessment(gruppe=gruppe, unit=units["0301"], year=2018, text="Tredje",
                                 version=a.version, user=oslo_planlegger)
    assert Maalvurdering.objects.get().text == "Andre"


def test_endringer_up_to_a_chosen_year(sett):
    rows = _changes("--til", "2017")
    assert rows[1:4] == [["1", "2016", "2017", "", "prosent", "gra"],
                         ["2", "2016", "2017", "", "prosent", "gra"],
                         ["3", "2016", "2017", "4.3", "prosent", "gronn"]]
    assert len(rows) - 1 == 85  # one column: 2016-2017


def test_a_break_in_series_from_the_import_makes_the_change_n_a(sett, tmp_path):
    path = _write(
        tmp_path, "brudd.csv",
        "indikator,enhet,ar,verdi,brudd\n27,0,2019,51,ja\n",
    )
    call_command("indikatorer", "import", "--sett", SLUG, path, stdout=io.StringIO())
    by_key = {(r[0], r[1], r[2]): r[3:] for r in _changes()[1:]}
    assert by_key[("27", "2018", "2019")] == ["", "prosentpoeng", "gra"]


def test_wide_xlsx_with_the_seeds_first_column(sett, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Indikator", "Enhet", "2019", "2020"])
    ws.append(["87 Antall rusmestringsenheter", "1103", 12, "N/A"])
    path = tmp_path / "bred.xlsx"
    wb.save(path)
    call_command("indikatorer", "import", "--sett", SLUG, str(path), stdout=io.StringIO())
    stored = Verdi.objects.filter(indikator__number=87, unit__code="1103").order_by("year")
    assert [(v.year, v.value) for v in stored] == [(2019, 12), (2020, None)]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param("latin1.csv", "indikator;enhet;ar;verdi\n16;0;2019;5 %\nø".encode("latin-1"),
                     "ikke UTF-8", id="not-utf8"),
        pytest.param("tom.csv", b"", "Filen er tom", id="empty"),
        pytest.param("broken.xlsx", b"PK\x03\x04 not really a workbook", "Excel", id="bad-xlsx"),
    ],
)
def test_unreadable_files_are_refused_whole(sett, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("indikatorer", "import", "--sett", SLUG, str(path))


def test_wide_layout_errors_name_the_year_column(sett, tmp_path):
    path = _write(tmp_path, "bred.csv", "indikator,2018,2019\n16,60 %,seksti\n99,1,2\n")
    with pytest.raises(CommandError) as exc:
        call_command("indikatorer", "import", "--sett", SLUG, path)
    assert "Linje 2, kolonne 2019: er ikke et tall" in str(exc.value)
    assert "Linje 3, kolonne indikator: indikator 99 finnes ikke i settet" in str(exc.value)


def test_every_optional_long_column_is_read_as_written(sett):
    """The long layout's optional columns, read column by column: a written reason for a
    missing value wins over the marker's, a break's reason marks a break where brudd is
    empty, cells are stripped and a blank line is skipped."""
    text = ("indikator;enhet;ar;verdi;mangler_arsak;brudd;brudd_arsak;merknad;forelopig\n"
            " 16 ; 0301 ;2001; 61,5 ;;nei;;  en merknad ;ja\n"
            "16;0301;2002;..;Ikke levert av kommunen;;;;\n"
            ";;;;;;;;\n"
            "16;0301;2003;62;;;Ny definisjon;;nei\n"
            "16;0301;2004;63;;ja;;;\n")
    result = services.import_values(sett, text.encode(), "v.csv")
    assert (result["created"], result["rows"]) == (4, 4)
    got = {v.year: (v.value, v.missing_reason, v.break_in_series, v.break_reason, v.merknad,
                    v.provisional)
           for v in Verdi.objects.filter(indikator__sett=sett, indikator__number=16,
                                         unit__code="0301", year__lt=2005)}
    assert got == {
        2001: (Decimal("61.5"), "", False, "", "en merknad", True),
        2002: (None, "Ikke levert av kommunen", False, "", "", False),
        2003: (Decimal("62"), "", True, "Ny definisjon", "", False),
        2004: (Decimal("63"), "", True, "", "", False),
    }
