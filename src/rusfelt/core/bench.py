"""Helpers shared by the capabilities' benchmarks (``rusfelt bench <app>``)."""

import contextlib
import tempfile
from pathlib import Path

from django.db import connection


@contextlib.contextmanager
def scratch_database(stdout):
    """Run the body in a throwaway database, created and migrated like a test database.

    On SQLite a temporary file, on PostgreSQL ``test_<name>``; dropped
    afterwards, so the configured database is never touched.
    """
    old_name = connection.settings_dict["NAME"]
    tmp = None
    if connection.vendor == "sqlite":
        tmp = tempfile.TemporaryDirectory()
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(
            Path(tmp.name) / "bench.sqlite3"
        )
    stdout.write(f"Lager en midlertidig {connection.vendor}-database …")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if tmp is not None:
            tmp.cleanup()


def p95(values) -> float:
    """The 95th percentile by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
