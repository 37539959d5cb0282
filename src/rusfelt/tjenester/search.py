"""The databases' own text search behind one interface.

Both backends index the same text: ``Tjeneste.name_index`` and
``search_index``, the folded word stems and compound parts of
``domain.sok.index_text``. They answer the same three questions:

- ``matching(qs, groups)``: ``qs`` narrowed to services matching at least one
  query group (any alternative, all its terms as word prefixes), through the
  full-text index;
- ``known_prefix(term)``: does any indexed word start with ``term``;
- ``near(term)``: indexed words that may be ``term`` misspelt (a superset:
  ``domain.sporsmal.correct`` chooses, the same way on both).

**SQLite** (the embedded default): an FTS5 table ``tjenester_fts`` with the
service table as external content, kept in sync by triggers on insert,
update and delete (so bulk loads are covered too), and ``fts5vocab`` for the
vocabulary. **PostgreSQL**: a ``tsvector`` column ``search_vector`` (names
weight A, texts weight B) under the ``norwegian`` configuration with a GIN
index, filled by a trigger; a vocabulary table ``tjenester_sokeord`` filled
by the same trigger, with a ``pg_trgm`` GIN index for the typo look-up.
Migration 0003 creates all of it; ``ensure_schema`` re-creates what a table
rebuild may have dropped (SQLite drops triggers when Django remakes a table).
"""

from functools import cache

from django.db import connection, connections
from django.db.models import BooleanField, FloatField, Q
from django.db.models.expressions import Expression, RawSQL

SQLITE_SCHEMA = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS tjenester_fts USING fts5(
        name_index, search_index, content='tjenester_tjeneste', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS tjenester_fts_vocab
        USING fts5vocab(tjenester_fts, 'row')""",
    """CREATE TRIGGER IF NOT EXISTS tjenester_fts_ai AFTER INSERT ON tjenester_tjeneste BEGIN
        INSERT INTO tjenester_fts(rowid, name_index, search_index)
        VALUES (new.id, new.name_index, new.search_index); END""",
    """CREATE TRIGGER IF NOT EXISTS tjenester_fts_ad AFTER DELETE ON tjenester_tjeneste BEGIN
        INSERT INTO tjenester_fts(tjenester_fts, rowid, name_index, search_index)
        VALUES ('delete', old.id, old.name_index, old.search_index); END""",
    """CREATE TRIGGER IF NOT EXISTS tjenester_fts_au AFTER UPDATE OF name_index, search_index
        ON tjenester_tjeneste BEGIN
        INSERT INTO tjenester_fts(tjenester_fts, rowid, name_index, search_index)
        VALUES ('delete', old.id, old.name_index, old.search_index);
        INSERT INTO tjenester_fts(rowid, name_index, search_index)
        VALUES (new.id, new.name_index, new.search_index); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS tjenester_fts_ai", "DROP TRIGGER IF EXISTS tjenester_fts_ad",
    "DROP TRIGGER IF EXISTS tjenester_fts_au", "DROP TABLE IF EXISTS tjenester_fts_vocab",
    "DROP TABLE IF EXISTS tjenester_fts",
]

POSTGRES_SCHEMA = [
    "ALTER TABLE tjenester_tjeneste ADD COLUMN IF NOT EXISTS search_vector tsvector",
    "CREATE TABLE IF NOT EXISTS tjenester_sokeord (term text PRIMARY KEY)",
    """CREATE OR REPLACE FUNCTION tjenester_search_update() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('norwegian', coalesce(NEW.name_index, '')), 'A')
            || setweight(to_tsvector('norwegian', coalesce(NEW.search_index, '')), 'B');
        INSERT INTO tjenester_sokeord (term)
            SELECT DISTINCT t FROM unnest(regexp_split_to_array(trim(NEW.search_index), ' ')) t
            WHERE t <> ''
            ON CONFLICT DO NOTHING;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS tjenester_search_update ON tjenester_tjeneste",
    """CREATE TRIGGER tjenester_search_update BEFORE INSERT OR UPDATE OF name_index, search_index
        ON tjenester_tjeneste FOR EACH ROW EXECUTE FUNCTION tjenester_search_update()""",
    """CREATE INDEX IF NOT EXISTS tjenester_search_vector_gin
        ON tjenester_tjeneste USING gin (search_vector)""",
    """CREATE INDEX IF NOT EXISTS tjenester_sokeord_trgm
        ON tjenester_sokeord USING gin (term gin_trgm_ops)""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS tjenester_search_update ON tjenester_tjeneste",
    "DROP FUNCTION IF EXISTS tjenester_search_update()",
    "DROP TABLE IF EXISTS tjenester_sokeord",
    "ALTER TABLE tjenester_tjeneste DROP COLUMN IF EXISTS search_vector",
]


def create_schema(schema_editor) -> None:
    """Migration step: the vendor's index, triggers and vocabulary, filled from the rows."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_SCHEMA:
            schema_editor.execute(sql)
        schema_editor.execute("INSERT INTO tjenester_fts(tjenester_fts) VALUES ('rebuild')")
    elif vendor == "postgresql":
        for sql in POSTGRES_SCHEMA:
            schema_editor.execute(sql)
        # Fire the trigger for existing rows.
        schema_editor.execute("UPDATE tjenester_tjeneste SET search_index = search_index")


def drop_schema(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, []):
        schema_editor.execute(sql)


def ensure_schema(using="default", **kwargs) -> None:
    """post_migrate: put back triggers a table rebuild dropped (SQLite), then resync."""

    conn = connections[using]
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'tjenester_fts%'")
        present = {row[0] for row in cursor.fetchall()}
        if "tjenester_fts" not in present:
            return  # not migrated this far
        missing = {"tjenester_fts_ai", "tjenester_fts_ad", "tjenester_fts_au"} - present
        if missing:
            for sql in SQLITE_SCHEMA:
                cursor.execute(sql)
            cursor.execute("INSERT INTO tjenester_fts(tjenester_fts) VALUES ('rebuild')")


def rebuild() -> None:
    """Re-read every row into the index (after loading rows outside the ORM)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO tjenester_fts(tjenester_fts) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            cursor.execute("UPDATE tjenester_tjeneste SET search_index = search_index")


# --- queries ------------------------------------------------------------------


def _fts5_term(term: str) -> str:
    return f'"{term}"*'  # terms are [a-z0-9] (domain.sok.words): nothing to escape


def fts5_query(groups) -> str:
    """FTS5 MATCH text: any group; a group: any alternative; an alternative: all terms."""
    return " OR ".join(
        "(" + " AND ".join(_fts5_term(t) for t in alternative) + ")"
        for group in groups for alternative in group
    )


def tsquery(groups) -> str:
    """to_tsquery text of the same shape, every term a prefix (``:*``)."""
    return " | ".join(
        "(" + " & ".join(f"{t}:*" for t in alternative) + ")"
        for group in groups for alternative in group
    )


class SqliteBackend:
    vendor = "sqlite"
    #: ``with_rank`` joins the text index, so its candidates need no ``matching``.
    rank_keeps_matches = True

    def matching(self, qs, groups):
        ids = RawSQL("SELECT rowid FROM tjenester_fts WHERE tjenester_fts MATCH %s",
                     [fts5_query(groups)])
        return qs.filter(pk__in=ids)

    def rank_expression(self, groups):
        """None: bm25 is only known to a query of the FTS5 table itself (``with_rank``)."""
        return None

    def with_rank(self, sql: str, params, groups) -> tuple[str, list]:
        """The candidates' query ``sql`` with FTS5's bm25 (names weigh 3, texts 1,
        negated so that higher is better) as one more, last column: the FTS5 table
        joined to the candidates by rowid, so that bm25 is computed for them only
        and in the same query (issue 12: not a second query scoring every match
        in the country). ``sql`` must select the service's id as ``pk``; the join
        keeps only its rows that match (``rank_keeps_matches``)."""
        return (f"SELECT d.*, -bm25(tjenester_fts, 3.0, 1.0) FROM ({sql}) d "
                "JOIN tjenester_fts ON tjenester_fts.rowid = d.pk "
                "WHERE tjenester_fts MATCH %s", [*params, fts5_query(groups)])

    def known_prefix(self, term: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM tjenester_fts WHERE tjenester_fts MATCH %s LIMIT 1",
                           [_fts5_term(term)])
            return cursor.fetchone() is not None

    def near(self, term: str) -> list[str]:
        # The index's own vocabulary; short words cannot be corrected anyway.
        with connection.cursor() as cursor:
            cursor.execute("SELECT term FROM tjenester_fts_vocab WHERE length(term) BETWEEN 3 "
                           "AND %s", [len(term) + 3])
            return [row[0] for row in cursor.fetchall()]


class OnRow(Expression):
    """SQL of the service row's own columns outside the model (``search_vector``):
    ``template`` with ``{table}`` put as the alias the compiling query gives the
    service table, so that it also holds where Django aliases it (the candidates
    as a subquery of open now or of the night's hours: ``U0``)."""

    def __init__(self, template: str, params, output_field):
        super().__init__(output_field=output_field)
        self.template, self.params = template, list(params)

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return self.template.format(table=table), self.params


class PostgresBackend:
    vendor = "postgresql"
    rank_keeps_matches = False  # the rank is a column: the candidates must match

    def matching(self, qs, groups):
        """The row's own vector against the query (issue 12: through ``id IN`` a
        second read of the table by id for each of thousands of matches, 12 against
        8 ms for «rusbehandling»'s 2 628)."""
        return qs.filter(OnRow("{table}.search_vector @@ to_tsquery('norwegian', %s)",
                               [tsquery(groups)], BooleanField()))

    def rank_expression(self, groups):
        """ts_rank with the names' weight A above the texts' B, divided by the
        document's length (normalization 2) as FTS5's bm25 also favours short
        texts; a column of the service's row, computed in the query that reads
        the candidates, for them only (issue 12: not a second scan of every
        match in the country)."""
        return OnRow("ts_rank({table}.search_vector, to_tsquery('norwegian', %s), 2)",
                      [tsquery(groups)], FloatField())

    def known_prefix(self, term: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM tjenester_sokeord WHERE term LIKE %s LIMIT 1",
                           [term + "%"])  # terms are [a-z0-9]: no LIKE wildcards
            return cursor.fetchone() is not None

    def near(self, term: str) -> list[str]:
        # pg_trgm's % (similarity above pg_trgm.similarity_threshold, 0.3) through the
        # GIN index, for the word and for what follows a possible first part of a
        # compound ("rusbehandlng" -> "behandlng").
        probes = [term] + [term[cut:] for cut in range(2, len(term) - 3)]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT term FROM tjenester_sokeord, unnest(%s::text[]) AS probe "
                "WHERE term %% probe", [probes])
            return [row[0] for row in cursor.fetchall()]


@cache
def _backends():
    return {"sqlite": SqliteBackend(), "postgresql": PostgresBackend()}


def backend():
    """The text search of the database in use."""
    try:
        return _backends()[connection.vendor]
    except KeyError as error:
        raise NotImplementedError(f"No text search for {connection.vendor}") from error


def no_match() -> Q:
    return Q(pk__in=[])
