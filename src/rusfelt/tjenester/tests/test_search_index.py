"""The databases' own text search (search.py) stays in step with the rows:
on save, delete, update() and bulk_create, on SQLite (FTS5) and PostgreSQL
(tsvector + pg_trgm vocabulary)."""

import pytest
from django.db import connection

from rusfelt.tjenester import search
from rusfelt.tjenester.domain import sporsmal
from rusfelt.tjenester.models import Tjeneste

pytestmark = pytest.mark.django_db


def found(word):
    groups = sporsmal.parse(word).groups
    return set(search.backend().matching(Tjeneste.objects.all(), groups)
               .values_list("slug", flat=True))


def test_the_index_of_this_database_exists():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'tjenester_fts'")
            assert cursor.fetchone()
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname IN "
                           "('tjenester_search_vector_gin', 'tjenester_sokeord_trgm')")
            definitions = " ".join(row[0] for row in cursor.fetchall())
            assert "gin (search_vector)" in definitions and "gin_trgm_ops" in definitions


def test_save_update_and_delete_reach_the_index(make_tjeneste):
    obj = make_tjeneste("nattcafe", name="Nattkafé", description="Suppe og varme.")
    assert found("suppe") == {"nattcafe"}
    obj.description = "Brød og te."
    obj.save()
    assert found("suppe") == set() and found("brød") == {"nattcafe"}
    Tjeneste.objects.filter(pk=obj.pk).update(search_index=" lapskaus ")
    assert found("lapskaus") == {"nattcafe"}
    obj.delete()
    assert found("brød") == set()


def test_bulk_loads_reach_the_index(units):
    rows = [Tjeneste(slug=f"bulk-{i}", name=f"Bulk {i}", unit=units["0301"], kind="kommunal",
                     category="lavterskel", description="Grøt hver morgen.") for i in range(3)]
    for row in rows:
        row.search_index, row.name_index = row.build_search_index([]), row.build_name_index([])
    Tjeneste.objects.bulk_create(rows)
    assert found("grøt") == {"bulk-0", "bulk-1", "bulk-2"}


def test_typos_find_the_vocabulary_of_the_index(make_tjeneste):
    make_tjeneste("poli", name="Poliklinikk", description="Behandling for rusproblemer.")
    backend = search.backend()
    assert backend.known_prefix("behandl")
    assert not backend.known_prefix("behandlng")
    assert "behandling" in backend.near("behandlng")
    assert "behandling" in backend.near("rusbehandlng")  # a part after a known first part


def test_the_text_rank_orders_and_is_read_with_the_candidates(make_tjeneste):
    """Issue 12: the text rank is read by the query that reads the candidates, not
    by a second scan of every match in the country: PostgreSQL's ts_rank as a
    column of the row, SQLite's bm25 from its FTS5 table joined by id. Either way
    the service named after the word comes first."""
    from django.test.utils import CaptureQueriesContext

    from rusfelt.tjenester import services

    make_tjeneste("b", name="Rusteam", description="Oppfølging.")
    make_tjeneste("a", name="Alfa", description="Hjelp for deg med rus, rus og rus.")
    make_tjeneste("c", name="Bergen", unit="4601", description="Rus.")
    with CaptureQueriesContext(connection) as queries:
        ids = services.search_ids(services.Filters(q="rus", sted="0301"))
    assert [Tjeneste.objects.get(pk=i).name for i in ids] == ["Rusteam", "Alfa"]
    ranking = [q["sql"] for q in queries if "ts_rank" in q["sql"] or "bm25" in q["sql"]]
    if connection.vendor == "postgresql":
        assert len(ranking) == 1 and "STRPOS" in ranking[0]
    else:
        assert len(ranking) == 1 and "INSTR" in ranking[0]
        assert "JOIN tjenester_fts" in ranking[0]


def test_a_match_reads_the_service_table_once_and_holds_in_a_subquery(make_tjeneste):
    """Issue 12: PostgreSQL matched through ``id IN (SELECT id FROM the table ...)``,
    a second read of the service table by id for each of thousands of matches;
    the match is a condition on the row's own vector now, and still finds the
    same services where Django aliases the table (the candidates as a subquery,
    as open now and the night's hours read them)."""
    make_tjeneste("poli", name="Poliklinikk", description="Behandling for rusproblemer.")
    make_tjeneste("kafe", name="Kafé", description="Suppe.")
    groups = sporsmal.parse("behandling").groups
    matches = search.backend().matching(Tjeneste.objects.all(), groups)
    nested = Tjeneste.objects.filter(pk__in=matches.values("pk"))
    assert set(nested.values_list("slug", flat=True)) == {"poli"} == found("behandling")
    if connection.vendor == "postgresql":
        sql = str(matches.query)
        assert sql.count('FROM "tjenester_tjeneste"') + sql.count("FROM tjenester_tjeneste") == 1
