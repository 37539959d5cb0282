"""``rusfelt bench <app>``: each capability's benchmark, printing its figures.

An app offers a benchmark by having a ``bench`` module with
``add_arguments(parser)`` (optional) and ``run(stdout, **options)``. Every
app's benchmark also takes ``--json`` and ``--verbose`` (``core.bench``).
"""

import importlib
from importlib.util import find_spec

from django.core.management.base import BaseCommand, CommandError

from rusfelt.core import bench
from rusfelt.core.context_processors import CAPABILITY_APPS

#: Benchmarks that belong to no capability: name -> module.
OTHER_BENCHMARKS = {"loadtest": "rusfelt.drift.loadtest", "webimport": "rusfelt.drift.webimport"}


def _modules():
    found = {label: f"rusfelt.{label}.bench" for label in CAPABILITY_APPS
             if find_spec(f"rusfelt.{label}.bench") is not None}
    return {**found, **OTHER_BENCHMARKS}


class Command(BaseCommand):
    help = "Run a capability's benchmark at national scale and print the figures."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="app", required=True)
        for label, path in _modules().items():
            module = importlib.import_module(path)
            sub_parser = sub.add_parser(label, help=(module.__doc__ or "").strip().split("\n")[0])
            if hasattr(module, "add_arguments"):
                module.add_arguments(sub_parser)
            if label not in OTHER_BENCHMARKS:
                bench.add_arguments(sub_parser)

    def handle(self, *args, app, **options):
        if app not in _modules():
            raise CommandError(f"{app} har ingen benchmark.")
        # call_command() passes its own stdout/stderr among the options.
        for key in ("stdout", "stderr"):
            options.pop(key, None)
        importlib.import_module(_modules()[app]).run(self.stdout, **options)
