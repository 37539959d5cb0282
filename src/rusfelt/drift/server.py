"""`rusfelt serve`'s gunicorn: threaded workers that refuse excess load quickly.

gunicorn's threaded worker accepts every connection and queues its request
for the next free thread; under overload that queue grows and requests wait
tens of seconds for an answer their client has given up on. Here each
request records when it was queued, and one that waited longer than
``max_queue_wait`` seconds for a thread is answered at once with 503 and
Retry-After instead of being run: the work it would have done is shed, the
queue drains, and the requests that are run are answered in time.
"""

import os
import threading
import time

from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

_local = threading.local()

#: Paths never shed: the load balancer's health check must see a live server.
NEVER_SHED = ("/helse/",)

BUSY_BODY = (
    "<!DOCTYPE html><html lang=\"nb\"><head><meta charset=\"utf-8\">"
    "<title>Opptatt – Rusfelt</title></head><body><h1>Rusfelt er opptatt</h1>"
    "<p>Serveren har for mange forespørsler akkurat nå. Prøv igjen om litt.</p>"
    "</body></html>"
).encode()


def queue_wait() -> float:
    """Seconds the current request waited for a thread (0 outside this worker)."""
    queued = getattr(_local, "queued", None)
    started = getattr(_local, "started", None)
    if queued is None or started is None:
        return 0.0
    return started - queued


class ShedLoad:
    """WSGI wrapper: 503 + Retry-After for a request that waited too long for a thread."""

    def __init__(self, app, max_queue_wait: float, retry_after: int = 2):
        self.app = app
        self.max_queue_wait = max_queue_wait
        self.retry_after = retry_after
        self.shed = 0

    def __call__(self, environ, start_response):
        waited = queue_wait()
        if waited > self.max_queue_wait and not environ.get("PATH_INFO", "").startswith(
                NEVER_SHED):
            self.shed += 1
            start_response("503 Service Unavailable", [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(BUSY_BODY))),
                ("Retry-After", str(self.retry_after)),
                ("Cache-Control", "no-store"),
                ("Connection", "close"),
            ])
            return [BUSY_BODY]
        return self.app(environ, start_response)


class SheddingWorker(ThreadWorker):
    """gunicorn's gthread worker, stamping each request with when it was queued."""

    def enqueue_req(self, conn):
        conn.rusfelt_queued = time.monotonic()
        super().enqueue_req(conn)

    def handle(self, conn):
        _local.queued = getattr(conn, "rusfelt_queued", None)
        _local.started = time.monotonic()
        try:
            return super().handle(conn)
        finally:
            _local.queued = _local.started = None

    def load_wsgi(self):
        super().load_wsgi()
        self.wsgi = ShedLoad(self.wsgi, float(os.environ.get("RUSFELT_MAX_QUEUE_WAIT", "1.0")))


class Server(BaseApplication):
    """gunicorn run in-process with Rusfelt's WSGI application and our options."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from rusfelt.wsgi import application

        return application
