"""The databases' own text search (search.py): FTS5 on SQLite; on PostgreSQL
pg_trgm, a norwegian tsvector with a GIN index, and a vocabulary with a
trigram GIN index, kept up to date by triggers."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def forwards(apps, schema_editor):
    from rusfelt.tjenester import search

    search.create_schema(schema_editor)


def backwards(apps, schema_editor):
    from rusfelt.tjenester import search

    search.drop_schema(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("tjenester", "0002_add_name_index"),
    ]

    operations = [
        # CreateExtension does nothing on other databases than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(forwards, backwards),
    ]
