"""The load test's users (locust), run by ``rusfelt bench loadtest``.

A mix of what many people do at once: the public searching the service
directory and its API (no login), and signed-in readers opening mapping
results, plan pages and the yearly report. RUSFELT_LOADTEST names a JSON
file with the URLs and the signed-in sessions; the host is loopback only.
Every user waits 1–3 s between requests, as a person would.

The users are locust's ``FastHttpUser`` (geventhttpclient): on a 2-core
machine the load generator shares the CPU with the server it measures, and
the requests-based ``HttpUser`` spends several times more CPU per request,
which starved the server and inflated every time locust recorded.
"""

import json
import os
import random
from collections import Counter

from locust import FastHttpUser, between, events, task

PLAN = json.loads(open(os.environ["RUSFELT_LOADTEST"]).read())  # noqa: SIM115
STATUS = Counter()
HEADERS = {"X-Forwarded-Proto": "https"}


@events.quitting.add_listener
def _write(**kwargs):
    with open(PLAN["status_file"], "w") as f:
        json.dump({str(k): v for k, v in STATUS.items()}, f)


def _short(error) -> str:
    text = str(error)
    for known in ("RemoteDisconnected", "Connection refused", "Connection reset",
                  "timed out", "Max retries"):
        if known in text:
            return f"{type(error).__name__}: {known}"
    return type(error).__name__


class _User(FastHttpUser):
    abstract = True
    wait_time = between(1, 3)
    connection_timeout = 30.0
    network_timeout = 30.0
    headers = HEADERS

    def get(self, url, name):
        # 503 is the server shedding load on purpose: counted apart, not as an error.
        with self.client.get(url, headers=self.headers, name=name, catch_response=True,
                             allow_redirects=False) as response:
            STATUS[response.status_code or f"brudd ({_short(response.error)})"] += 1
            if response.status_code in (200, 503):
                response.success()
            elif response.status_code:
                response.failure(f"HTTP {response.status_code}")
            else:
                response.failure(type(response.error).__name__)


class Public(_User):
    weight = 3

    @task(3)
    def search(self):
        self.get(f"/tjenester/?q={random.choice(PLAN['words'])}", "/tjenester/?q=")

    @task(2)
    def api(self):
        self.get(f"/api/tjenester/?q={random.choice(PLAN['words'])}", "/api/tjenester/?q=")

    @task(1)
    def front(self):
        self.get("/tjenester/", "/tjenester/")


class Reader(_User):
    weight = 2

    def on_start(self):
        session = random.choice(PLAN["sessions"])
        # The cookie is Secure (HTTPS behind the proxy); send it plainly over loopback.
        self.headers = {**HEADERS, "Cookie": f"sessionid={session}"}

    @task(3)
    def results(self):
        self.get(random.choice(PLAN["results"]), "/kartlegging/runde/…/resultater/")

    @task(2)
    def plan(self):
        self.get(random.choice(PLAN["plans"]), "/planer/…/")

    @task(1)
    def report(self):
        self.get(random.choice(PLAN["reports"]), "/rapporter/…/")
