"""Unit and population import/export, through the service and the command."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from rusfelt.core import services
from rusfelt.core.domain.tabular import InvalidRows
from rusfelt.core.models import OrgUnit, Population, UnitSuccession

pytestmark = pytest.mark.django_db

GOOD = (
    "kode,navn,niva,overordnet,gyldig_fra,gyldig_til\n"
    "0,Norge,land,,,\n"
    "46,Vestland,fylke,0,2020-01-01,\n"
    "4601,Bergen,kommune,46,2020-01-01,\n"
    "460102,Bergenhus,bydel,4601,2020-01-01,\n"
)


def write(tmp_path, text, name="enheter.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_import_builds_the_tree_in_any_row_order(tmp_path):
    rows = GOOD.splitlines()
    shuffled = "\n".join([rows[0], rows[4], rows[2], rows[3], rows[1]]) + "\n"
    out = io.StringIO()
    call_command("enheter", "import", str(write(tmp_path, shuffled)), stdout=out)
    assert "4 enheter opprettet" in out.getvalue()
    bergenhus = OrgUnit.objects.get(code="460102")
    assert bergenhus.parent.code == "4601"
    assert bergenhus.path == "/0/46/4601/460102/"
    assert [u.code for u in bergenhus.ancestors()] == ["0", "46", "4601", "460102"]


@pytest.mark.parametrize("related", ["parent__parent__parent", "parent__parent", "parent", ""])
def test_ancestors_loaded_with_the_unit_are_the_ancestors_by_path(
        tmp_path, related, django_assert_num_queries):
    """A page that loads a unit's parents with it (select_related) reads no more for its
    ancestors; parents loaded only part of the way up are completed by one query."""
    call_command("enheter", "import", str(write(tmp_path, GOOD)), stdout=io.StringIO())
    units = OrgUnit.objects.select_related(related) if related else OrgUnit.objects
    bergenhus = units.get(code="460102")
    with django_assert_num_queries(0 if related == "parent__parent__parent" else 1):
        found = [(u.code, u.name, u.level) for u in bergenhus.ancestors()]
    assert found == [("0", "Norge", "land"), ("46", "Vestland", "fylke"),
                     ("4601", "Bergen", "kommune"), ("460102", "Bergenhus", "bydel")]


def test_a_second_import_changes_nothing(tmp_path):
    path = write(tmp_path, GOOD)
    call_command("enheter", "import", str(path), stdout=io.StringIO())
    before = list(OrgUnit.objects.values_list("code", "name", "path", "parent__code"))
    out = io.StringIO()
    call_command("enheter", "import", str(path), stdout=out)
    assert "0 enheter opprettet, 4 oppdatert" in out.getvalue()
    assert list(OrgUnit.objects.values_list("code", "name", "path", "parent__code")) == before


def test_semicolons_and_a_bom_are_read(tmp_path):
    text = "\ufeff" + GOOD.replace(",", ";")
    call_command("enheter", "import", str(write(tmp_path, text)), stdout=io.StringIO())
    assert OrgUnit.objects.count() == 4


def test_an_xlsx_file_is_read(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for line in GOOD.splitlines():
        sheet.append(line.split(","))
    path = tmp_path / "enheter.xlsx"
    workbook.save(path)
    call_command("enheter", "import", str(path), stdout=io.StringIO())
    assert OrgUnit.objects.get(code="460102").parent.code == "4601"


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        ("460103,Fana,by,4601,,", "Linje 6, kolonne niva: ukjent nivå «by»"),
        ("460103,Fana,bydel,9999,,", "Linje 6, kolonne overordnet: 9999 finnes ikke"),
        ("460103,,bydel,4601,,", "Linje 6, kolonne navn: mangler"),
        ("4603,Fana,bydel,4601,,", "kolonne kode: «4603» er ikke en gyldig kode for bydel"),
        ("460103,Fana,bydel,4601,2020-13-01,", "Linje 6, kolonne gyldig_fra"),
        ("460102,Fana,bydel,4601,,", "Linje 6, kolonne kode: 460102 står også på linje 5"),
        ("460103,Fana,kommune,460102,,", "460102 er bydel og kan ikke ligge over en kommune"),
    ],
    ids=["unknown-level", "unknown-parent", "no-name", "bad-code", "bad-date", "dup", "upside"],
)
def test_a_bad_file_names_the_line_and_stores_nothing(tmp_path, bad_line, expected):
    path = write(tmp_path, GOOD + bad_line + "\n")
    with pytest.raises(CommandError) as error:
        call_command("enheter", "import", str(path), stdout=io.StringIO())
    assert "Ingenting er lagret" in str(error.value)
    assert expected in str(error.value)
    assert OrgUnit.objects.count() == 0


def test_every_bad_line_is_reported_at_once(tmp_path):
    path = write(tmp_path, GOOD + "1,X,by,,,\n2,,fylke,0,,\n")
    with pytest.raises(InvalidRows) as error:
        services.import_units(path.read_bytes(), path.name)
    lines = {e.line for e in error.value.errors}
    assert lines == {6, 7}


def test_a_missing_column_is_reported_on_the_header_line(tmp_path):
    path = write(tmp_path, "kode,navn\n0,Norge\n")
    with pytest.raises(CommandError) as error:
        call_command("enheter", "import", str(path), stdout=io.StringIO())
    assert "Linje 1, kolonne niva: kolonnen mangler" in str(error.value)


def test_a_file_that_is_not_utf8_gets_a_clear_error(tmp_path):
    path = write(tmp_path, GOOD + "460107,Årstad,bydel,4601,,\n", encoding="latin-1")
    with pytest.raises(CommandError, match="ikke UTF-8"):
        call_command("enheter", "import", str(path), stdout=io.StringIO())
    assert OrgUnit.objects.count() == 0


def test_export_writes_the_import_layout(units):
    out = io.StringIO()
    call_command("enheter", "eksport", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "kode,navn,niva,overordnet,gyldig_fra,gyldig_til,forgjengere"
    assert "030104,St. Hanshaugen,bydel,0301,2004-01-01,," in lines
    assert "4601,Bergen,kommune,46,2020-01-01,,1201:nytt_nummer" in lines
    # Norge, 4 fylker (Hordaland until 2019), 6 kommuner (three before 2020), 23 bydeler
    assert len(lines) == 1 + 34


def test_export_then_import_is_a_round_trip(units, tmp_path):
    out = io.StringIO()
    call_command("enheter", "eksport", stdout=out)
    before = set(OrgUnit.objects.values_list("code", "name", "level", "path"))
    links = set(UnitSuccession.objects.values_list(
        "successor__code", "predecessor__code", "kind", "reform_date"))
    call_command("enheter", "import", str(write(tmp_path, out.getvalue())), stdout=io.StringIO())
    assert set(OrgUnit.objects.values_list("code", "name", "level", "path")) == before
    assert set(UnitSuccession.objects.values_list(
        "successor__code", "predecessor__code", "kind", "reform_date")) == links


# --- predecessors (forgjengere) -------------------------------------------------


def test_the_demo_file_names_the_2020_reform_for_bergen_and_stavanger(units):
    links = set(UnitSuccession.objects.values_list(
        "successor__code", "predecessor__code", "kind", "reform_date"))
    assert links == {
        ("4601", "1201", "nytt_nummer", date(2020, 1, 1)),
        ("1103", "1141", "sammenslaing", date(2020, 1, 1)),
        ("1103", "1142", "sammenslaing", date(2020, 1, 1)),
    }
    reform = services.reforms_of()["1103"][0]
    assert reform.year == 2020
    assert reform.reason == "Slått sammen med Finnøy (1141) og Rennesøy (1142) fra 2020"
    assert services.reforms_of()["4601"][0].reason == "Ny kode fra 2020, før Bergen (1201)"


WITH_PREDECESSOR = (
    "kode,navn,niva,overordnet,gyldig_fra,gyldig_til,forgjengere\n"
    "0,Norge,land,,,,\n"
    "12,Hordaland,fylke,0,,2019-12-31,\n"
    "1201,Bergen,kommune,12,,2019-12-31,\n"
    "46,Vestland,fylke,0,2020-01-01,,\n"
)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1201", "Linje 6, kolonne forgjengere: «1201» er ikke på formen kode:type"),
        ("1201:fusjon", "ukjent type «fusjon»"),
        ("9999:nytt_nummer", "9999 finnes ikke i filen eller basen"),
        ("46:deling", "46 har ingen gyldig_til, så reformdatoen er ukjent"),
        ("4601:nytt_nummer", "en enhet kan ikke være sin egen forgjenger"),
    ],
)
def test_a_bad_predecessor_is_reported_and_nothing_is_stored(tmp_path, cell, expected):
    text = WITH_PREDECESSOR + f"4601,Bergen,kommune,46,2020-01-01,,{cell}\n"
    with pytest.raises(InvalidRows) as error:
        services.import_units(text.encode(), "enheter.csv")
    assert expected in str(error.value)
    assert not OrgUnit.objects.exists()


def test_a_unit_taken_over_by_two_successors_must_be_a_split():
    # Snillfjord 5012 was split between Hitra and Orkland in 2020; a merger
    # into both would open its records to both (core.scoping).
    text = WITH_PREDECESSOR + (
        "50,Trøndelag,fylke,0,,,\n"
        "5012,Snillfjord,kommune,50,,2019-12-31,\n"
        "5056,Hitra,kommune,50,2020-01-01,,5012:deling\n"
        "5059,Orkland,kommune,50,2020-01-01,,5012:sammenslaing\n")
    with pytest.raises(InvalidRows) as error:
        services.import_units(text.encode(), "enheter.csv")
    assert ("Linje 9, kolonne forgjengere: 5012 er forgjenger for flere enheter "
            "(5056, 5059) og må ha typen deling") in str(error.value)
    assert not OrgUnit.objects.exists()
    services.import_units(text.replace("5012:sammenslaing", "5012:deling").encode(),
                          "enheter.csv")
    assert UnitSuccession.objects.filter(predecessor__code="5012", kind="deling").count() == 2


def test_the_reform_date_is_the_day_after_the_predecessor_ends(tmp_path):
    text = WITH_PREDECESSOR + "4601,Bergen,kommune,46,2020-01-01,,1201:nytt_nummer\n"
    result = services.import_units(text.encode(), "enheter.csv")
    assert result["successions"] == 1
    link = UnitSuccession.objects.get()
    assert (link.predecessor.code, link.successor.code, link.reform_date) == (
        "1201", "4601", date(2020, 1, 1))


# --- population ---------------------------------------------------------------

POPULATION = (
    "enhet,ar,kjonn,alder_fra,alder_til,antall,omtrentlig\n"
    "030104,2019,mann,0,15,2000,ja\n"
    "030104,2019,kvinne,0,15,2000,ja\n"
    "030104,2019,mann,16,66,14000,ja\n"
    "030104,2019,kvinne,16,66,15000,ja\n"
    "030104,2019,mann,67,,2468,ja\n"
    "030104,2019,kvinne,67,,2468,ja\n"
)


def test_population_import_and_the_rate_per_1000_adults(units, tmp_path):
    out = io.StringIO()
    call_command("enheter", "befolkning", str(write(tmp_path, POPULATION)), stdout=out)
    assert "6 befolkningsceller importert" in out.getvalue()
    assert services.adults(units["030104"], 2019) == 33_936
    # Seed 003 L216-217: 319 mapped persons in St. Hanshaugen = 9,4 per 1 000 aged 16+.
    assert services.rate_per_1000_adults(319, units["030104"], 2019) == Decimal("9.4")
    assert services.rate_per_1000_adults(319, units["030104"], 2018) is None


def test_a_population_reimport_replaces_the_year(units, tmp_path):
    path = write(tmp_path, POPULATION)
    call_command("enheter", "befolkning", str(path), stdout=io.StringIO())
    call_command("enheter", "befolkning", str(path), stdout=io.StringIO())
    assert Population.objects.filter(unit=units["030104"], year=2019).count() == 6


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        ("9999,2019,mann,16,,10,nei", "kolonne enhet: ukjent enhet «9999»"),
        ("030104,2019,annet,16,,10,nei", "kolonne kjonn"),
        ("030104,2019,mann,16,,ti,nei", "kolonne antall: «ti» er ikke et heltall"),
        ("030104,2019,mann,40,30,10,nei", "kolonne alder_til: er lavere enn alder_fra"),
    ],
)
def test_a_bad_population_file_stores_nothing(units, tmp_path, bad_line, expected):
    path = write(tmp_path, POPULATION + bad_line + "\n")
    with pytest.raises(CommandError) as error:
        call_command("enheter", "befolkning", str(path), stdout=io.StringIO())
    assert f"Linje 8, {expected}" in str(error.value)
    assert not Population.objects.exists()


def test_the_demo_population_gives_the_seed_rate_for_st_hanshaugen(units):
    from rusfelt.core import demo

    services._store_population(demo.population_rows(), units)
    # Seed 003 L216-217: 319 persons, 9,4 per 1 000 inhabitants 16+.
    assert services.rate_per_1000_adults(319, units["030104"], 2019) == Decimal("9.4")
    assert Population.objects.filter(approximate=False).count() == 0


def test_moving_a_unit_carries_every_level_below_it(tmp_path):
    call_command("enheter", "import", str(write(tmp_path, GOOD)), stdout=io.StringIO())
    # Only the fylke is named; its kommune and bydel (two levels down) must follow.
    moved = (
        "kode,navn,niva,overordnet,gyldig_fra,gyldig_til\n"
        "9,Testland,land,,,\n"
        "46,Vestland,fylke,9,2020-01-01,\n"
    )
    call_command("enheter", "import", str(write(tmp_path, moved, "flytt.csv")),
                 stdout=io.StringIO())
    assert OrgUnit.objects.get(code="4601").path == "/9/46/4601/"
    assert OrgUnit.objects.get(code="460102").path == "/9/46/4601/460102/"
