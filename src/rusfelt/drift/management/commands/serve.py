"""``rusfelt serve``: the production web server (gunicorn) with static files."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections


def _cache_table_exists() -> bool:
    location = settings.CACHES["default"].get("LOCATION", "")
    return location in connections["default"].introspection.table_names()


def _env_int(name, default):
    return int(os.environ.get(name, default))


class Command(BaseCommand):
    help = (
        "Start Rusfelt's production web server (gunicorn, threaded workers), after "
        "collecting the static files into STATIC_ROOT and making the cache table. "
        "Run it with RUSFELT_ENV=production; background jobs run in `rusfelt worker`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("RUSFELT_BIND", "127.0.0.1:8000"),
                            help="HOST:PORT to listen on (RUSFELT_BIND; default %(default)s)")
        parser.add_argument("--workers", type=int,
                            default=_env_int("RUSFELT_WORKERS", os.cpu_count() or 1),
                            help="processes (RUSFELT_WORKERS; default: one per core)")
        parser.add_argument("--threads", type=int, default=_env_int("RUSFELT_THREADS", 4),
                            help="threads per process (RUSFELT_THREADS; default %(default)s)")
        parser.add_argument(
            "--max-queue-wait", type=float,
            default=float(os.environ.get("RUSFELT_MAX_QUEUE_WAIT", "1.0")),
            help="seconds a request may wait for a free thread before it is refused "
                 "with 503 + Retry-After (RUSFELT_MAX_QUEUE_WAIT; default %(default)s)")
        parser.add_argument(
            "--statement-timeout", type=int,
            default=_env_int("RUSFELT_STATEMENT_TIMEOUT", 30),
            help="PostgreSQL cancels a web request's query after this many seconds "
                 "(RUSFELT_STATEMENT_TIMEOUT; default %(default)s; 0 = none)")
        parser.add_argument("--access-log", action="store_true",
                            help="log each request to standard output (off by default)")
        parser.add_argument("--no-collectstatic", action="store_true",
                            help="skip collectstatic (when the install step did it)")

    def handle(self, *args, **options):
        if settings.DEBUG:
            raise CommandError(
                "rusfelt serve kjører med produksjonsinnstillinger: sett RUSFELT_ENV=production "
                "(demoen startes med bin/demo).")
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
            self.stdout.write(f"Statiske filer i {settings.STATIC_ROOT}")
        try:
            call_command("createcachetable", verbosity=0)
        except CommandError:
            # Another server made it at the same moment; go on if it is there.
            if not _cache_table_exists():
                raise
        connection = connections["default"]
        if connection.vendor == "postgresql" and options["statement_timeout"]:
            # Web processes only: `rusfelt worker` runs long imports without a limit.
            opts = connection.settings_dict.setdefault("OPTIONS", {})
            opts["options"] = (opts.get("options", "")
                               + f" -c statement_timeout={options['statement_timeout'] * 1000}"
                               ).strip()
        connections.close_all()
        os.environ["RUSFELT_MAX_QUEUE_WAIT"] = str(options["max_queue_wait"])
        trusted = settings.RUSFELT_TRUSTED_PROXIES or ["127.0.0.1", "::1"]
        gunicorn_options = {
            "bind": options["bind"],
            "workers": options["workers"],
            "threads": options["threads"],
            "worker_class": "rusfelt.drift.server.SheddingWorker",
            # The arbiter restarts a worker whose main loop stalls this long.
            "timeout": 30,
            # On restart, requests in flight get this long to finish.
            "graceful_timeout": 30,
            # Idle kept-alive connections are closed after 5 s.
            "keepalive": 5,
            # Refuse oversized request lines and headers (gunicorn's limits, stated).
            "limit_request_line": 4094,
            "limit_request_fields": 100,
            "limit_request_field_size": 8190,
            # Connections queued in the kernel beyond what the workers accepted.
            "backlog": 256,
            # Recycle workers now and then (memory), staggered.
            "max_requests": 5000,
            "max_requests_jitter": 500,
            # Which peers may set X-Forwarded-Proto (the same proxies Django trusts).
            "forwarded_allow_ips": ",".join(trusted),
            "preload_app": True,
            "accesslog": "-" if options["access_log"] else None,
            "errorlog": "-",
            "proc_name": "rusfelt",
            # No control socket: several servers may run on one machine.
            "control_socket_disable": True,
        }
        self.stdout.write(
            f"Rusfelt kjører på http://{options['bind']} ({options['workers']} prosesser × "
            f"{options['threads']} tråder). Ctrl+C stopper.")
        self.stdout.flush()
        from rusfelt.drift.server import Server

        Server(gunicorn_options).run()
