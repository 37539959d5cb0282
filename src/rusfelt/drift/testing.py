"""Run `rusfelt serve` in a subprocess and talk to it as a browser behind the proxy.

Used by the two-server test and by ``rusfelt bench loadtest``; loopback only.
"""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(database_url: str, static_root, **extra) -> dict:
    """Production settings for a loopback server, with fresh keys."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("RUSFELT_", "DJANGO_"))}
    return {
        **clean,
        "RUSFELT_ENV": "production",
        "RUSFELT_SECRET_KEY": "loopback-" + secrets.token_urlsafe(40),
        "RUSFELT_PSEUDONYM_KEY": secrets.token_hex(32),
        "RUSFELT_ALLOWED_HOSTS": "127.0.0.1",
        "RUSFELT_STATIC_ROOT": str(static_root),
        "DATABASE_URL": database_url,
        **extra,
    }


def collectstatic(env: dict) -> None:
    subprocess.run([sys.executable, "-m", "rusfelt.manage", "collectstatic", "--noinput",
                    "-v0"], env=env, check=True, timeout=600)


def database_url(settings_dict: dict) -> str:
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


class Server:
    """`rusfelt serve --no-collectstatic` on a free loopback port."""

    def __init__(self, env: dict, log_dir, *args):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = Path(log_dir) / f"serve-{self.port}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "rusfelt.manage", "serve", "--bind",
             f"127.0.0.1:{self.port}", "--no-collectstatic", *args],
            env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)

    def wait(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if requests.get(self.base + "/helse/", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"rusfelt serve did not start: {self.log.read_text()[-2000:]}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Browser:
    """A client as seen through the TLS proxy; its cookies are kept by hand (they are Secure)."""

    def __init__(self):
        self.cookies = {}

    def request(self, server, method, path, data=None):
        origin = f"https://127.0.0.1:{server.port}"
        headers = {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + path}
        response = requests.request(method, server.base + path, data=data, headers=headers,
                                    cookies=self.cookies, allow_redirects=False, timeout=60)
        self.cookies.update({c.name: c.value for c in response.cookies})
        return response

    def post_form(self, server, form_path, path, data):
        """GET the page with the form (for its CSRF token), then POST to ``path``."""
        page = self.request(server, "GET", form_path).text
        token = TOKEN.search(page).group(1)
        return self.request(server, "POST", path, {"csrfmiddlewaretoken": token, **data})

    def login(self, server, username, password):
        return self.post_form(server, "/logg-inn/", "/logg-inn/",
                              {"username": username, "password": password})
