"""The import's two ways through a file (issue 12): by column for a clean file, row
by row for the messages. They must agree on every file: the same rows for a clean
one, and the column path must give way (None) on every file the row path refuses.
No database: the round is not saved."""

import random
from datetime import date

import pytest

from rusfelt.core.domain.tabular import read_records, rows_of
from rusfelt.kartlegging import demo
from rusfelt.kartlegging.domain.levels import AREAS
from rusfelt.kartlegging.domain.pseudonym import RoundHasher
from rusfelt.kartlegging.models import Runde
from rusfelt.kartlegging.services.imports import INSERT_FIELDS, RowCleaner

RUNDE = Runde(code="030104-2020", year=2020, reference_date=date(2020, 12, 31),
              tjenester=["nav", "helse_omsorg", "annen"])

# Each column's texts: accepted ones first, then (after None) refused ones.
POOLS = {
    "tjeneste": ["nav", "NAV", " helse_omsorg ", "annen", None, "politi", "barnevern", ""],
    "kategori": ["rus", "rus_psykisk", "Psykisk", None, "", "alt"],
    "level": ["gronn", "gul", "rod", "Grønn", "RØD", " gul", None, "", "blå"],
    "informert": ["ja", "nei", "", "Ja", None, "kanskje"],
    "individuell_plan": ["ja", "nei", "", "1", None, "x"],
    "overdose": ["", "nei", "ja", None, "2"],
    "antall_barn": ["", "0", "3", "12", None, "-1", "to", "٣"],
    "barn_kontakt": ["", "samvaer", "Omsorg", None, "ukjent"],
    "kommunale_tjenester": ["", "ruskonsulent", "lavterskel|ruskonsulent", None, "zz"],
    "fodested": ["", "norge", "ukjent", None, "mars"],
    "ikke_informert_grunn": ["", "x", " y z ", "ø" * 400],
}
OPTIONAL = ["informert", "individuell_plan", "overdose", "antall_barn", "barn_kontakt",
            "kommunale_tjenester", "fodested", "ikke_informert_grunn"]


def _split(pool):
    cut = pool.index(None) if None in pool else len(pool)
    return pool[:cut], pool[cut + 1:]


def _file(rng, people, plant):
    """A CSV file of accepted cells in random columns and forms; with ``plant``, one
    refusal of a random kind in a random row (alone, so that each kind is seen)."""
    columns = ["fodselsnummer", "tjeneste", "kategori", *AREAS,
               *rng.sample(OPTIONAL, rng.randrange(len(OPTIONAL) + 1))]
    rng.shuffle(columns)
    rows = []
    for number in rng.sample(people, rng.randrange(1, 40)):
        if rng.random() < 0.2:
            number = f" {number[:6]} {number[6:]}"
        rows.append([number if column == "fodselsnummer" else rng.choice(
            _split(POOLS["level" if column in AREAS else column])[0]) for column in columns])
    if plant:
        row = rng.choice(rows)
        column = rng.choice([c for c in columns
                             if c == "fodselsnummer" or _split(POOLS.get(c, POOLS["level"]))[1]])
        i = columns.index(column)
        if column != "fodselsnummer":
            row[i] = rng.choice(_split(POOLS["level" if column in AREAS else column])[1])
        else:
            number = row[i].replace(" ", "")
            row[i] = rng.choice([number[:-1] + str((int(number[-1]) + 1) % 10), number[:10],
                                 "", "abc", rng.choice(rows)[i]])  # the last: a person twice
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join(f'"{cell}"' for cell in row) + ("," if rng.random() < 0.1 else ""))
        if rng.random() < 0.05:
            lines.append("")
    return ("\n".join(lines) + "\n").encode()


def _both_paths(data):
    header, records = read_records(data, "x.csv")
    records = list(records)
    hasher = RoundHasher(RUNDE.code, "key")
    by_column = RowCleaner(RUNDE, header).clean_columns(header, records, hasher)
    cleaner, errors, rows, seen = RowCleaner(RUNDE, header), [], [], {}
    for row in rows_of(header, records):
        cleaned = cleaner.clean(row, errors)
        if cleaned is not None:
            pseudo = hasher(cleaned[0])
            if pseudo in seen:
                errors.append("twice")
            seen.setdefault(pseudo, row.line)
            rows.append((pseudo, *cleaned[2]))
    return by_column, (rows, seen), errors


@pytest.mark.parametrize("seed", range(6))
def test_the_column_path_gives_the_row_paths_rows_or_gives_way(seed, settings):
    settings.RUSFELT_ALLOW_SYNTHETIC_NUMBERS = True
    rng = random.Random(seed)
    used = set()
    people = [demo.synthetic_number(rng, date(1950 + i % 60, 1 + i % 12, 1 + i % 28),
                                    i % 2 == 0, used) for i in range(300)]
    outcomes = {"clean": 0, "refused": 0}
    for k in range(150):
        by_column, by_row, errors = _both_paths(_file(rng, people, plant=k % 3 != 0))
        if errors:
            assert by_column is None
            outcomes["refused"] += 1
        else:
            assert by_column == by_row
            assert all(len(row) == len(INSERT_FIELDS) for row in by_column[0])
            outcomes["clean"] += 1
    assert min(outcomes.values()) > 20, outcomes


@pytest.mark.parametrize("extra_column", ["", ",audit_sum"])  # by column; row by row
def test_an_error_report_from_inside_the_check_shows_no_number(extra_column, settings,
                                                               monkeypatch):
    """Neither path's frames show the file's numbers in Django's error report: both run
    below ``import_registrations``' ``sensitive_variables``, and the filter hides the
    locals of every frame below it (``clean`` has no wrapper of its own)."""
    import sys

    from django.views.debug import ExceptionReporter

    from rusfelt.kartlegging.models import State
    from rusfelt.kartlegging.services import imports

    settings.RUSFELT_ALLOW_SYNTHETIC_NUMBERS = True
    rng, used = random.Random(5), set()
    people = [demo.synthetic_number(rng, date(1970, 1, 1 + i), True, used) for i in range(3)]
    header = "fodselsnummer,tjeneste,kategori," + ",".join(AREAS) + extra_column
    lines = [f"{n},nav,rus," + ",".join(["gul"] * len(AREAS)) + ("," if extra_column else "")
             for n in people]
    data = "\n".join([header, *lines]).encode()
    real_compact = imports.compact

    def failing_compact(number):
        real_compact(number)
        raise RuntimeError("broken")

    monkeypatch.setattr(imports, "compact", failing_compact)
    runde = Runde(code=RUNDE.code, year=2020, reference_date=RUNDE.reference_date,
                  tjenester=RUNDE.tjenester, state=State.OPEN)
    with pytest.raises(RuntimeError):
        try:
            imports.import_registrations(runde, data, "x.csv")
        except RuntimeError:
            frames = ExceptionReporter(None, *sys.exc_info()).get_traceback_frames()
            raise
    # Every frame below this test's own (which holds the numbers it wrote).
    shown = {frame["function"]: frame["vars"] for frame in frames
             if not frame["function"].startswith("test_")}
    assert {"import_registrations", "failing_compact"} <= shown.keys()
    assert ("clean_columns" if not extra_column else "clean") in shown
    for function, variables in shown.items():
        for _name, value in variables:
            assert all(number not in str(value) for number in people), function
