"""`rusfelt serve`'s gunicorn: threaded workers that refuse excess load quickly.

gunicorn's threaded worker accepts every connection and queues its request
for the next free thread; under overload that queue grows and requests wait
tens of seconds for an answer their client has given up on. Here each
request records when it was queued, and one that waits longer than
``max_queue_wait`` seconds for a thread is answered at once with 503 and
Retry-After instead of being run: the work it would have done is shed, the
queue drains, and the requests that are run are answered in time.
"""

import os
import socket
import threading
import time
from collections import deque

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


BUSY_RESPONSE = (
    b"HTTP/1.1 503 Service Unavailable\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n"
    b"Retry-After: 2\r\nCache-Control: no-store\r\nConnection: close\r\n"
    b"Content-Length: " + str(len(BUSY_BODY)).encode() + b"\r\n\r\n" + BUSY_BODY
)


class SheddingWorker(ThreadWorker):
    """gunicorn's gthread worker that refuses requests left waiting for a thread.

    Each request is stamped when it is queued for a thread. The worker's
    event loop (which wakes at least four times a second) cancels a queued
    request that has waited longer than ``RUSFELT_MAX_QUEUE_WAIT`` and
    answers it at once with 503 + Retry-After, before any thread or Django
    sees it; ``ShedLoad`` checks the same when a thread picks a request up.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_queue_wait = float(os.environ.get("RUSFELT_MAX_QUEUE_WAIT", "1.0"))
        self.waiting = deque()

    def load_wsgi(self):
        super().load_wsgi()
        self.wsgi = ShedLoad(self.wsgi, self.max_queue_wait)

    def enqueue_req(self, conn):
        conn.rusfelt_queued = time.monotonic()
        fs = self.tpool.submit(self.handle, conn)
        fs.add_done_callback(
            lambda fut: self.method_queue.defer(self.finish_request, conn, fut))
        self.waiting.append((conn.rusfelt_queued, conn, fs))

    def handle(self, conn):
        _local.queued = getattr(conn, "rusfelt_queued", None)
        _local.started = time.monotonic()
        try:
            return super().handle(conn)
        finally:
            _local.queued = _local.started = None

    def wait_for_and_dispatch_events(self, timeout):
        super().wait_for_and_dispatch_events(min(timeout, 0.25))
        self.shed_waiting()

    def shed_waiting(self):
        """Refuse the queued requests that have waited too long (event loop thread)."""
        now = time.monotonic()
        while self.waiting:
            queued, conn, fs = self.waiting[0]
            if fs.running() or fs.done():
                self.waiting.popleft()
                continue
            if now - queued <= self.max_queue_wait:
                break
            self.waiting.popleft()
            head = self._peek(conn)
            if self.cfg.is_ssl or not head or head.split(b" ", 2)[1:2] == [b"/helse/"]:
                # Answered in turn: TLS (only a thread may write), a request not yet
                # sent (closing now could reset the connection), the health check.
                continue
            if fs.cancel():
                # finish_request(), queued by the cancel, closes the connection.
                self._refuse(conn)

    @staticmethod
    def _peek(conn) -> bytes:
        try:
            return conn.sock.recv(64, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except OSError:
            return b""

    @staticmethod
    def _refuse(conn):
        sock = conn.sock
        try:
            # Read what the client sent, so closing does not reset the connection.
            while sock.recv(65536, socket.MSG_DONTWAIT):
                pass
        except OSError:
            pass
        try:
            sock.send(BUSY_RESPONSE, socket.MSG_DONTWAIT)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def finish_request(self, conn, fs):
        if fs.cancelled():
            # Refused above: answered and read, so it closes without lingering
            # (gunicorn's graceful close would block this loop up to 2 s).
            self.nr_conns -= 1
            try:
                conn.sock.close()
            except OSError:
                pass
            return
        super().finish_request(conn, fs)


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
