"""Fixtures of the sign-in tests: production's sign-in rules, TOTP codes from pyotp."""

import importlib
import sys
import time

import pyotp
import pytest
from django.test import override_settings

PRODUCTION_ENV = {
    "RUSFELT_SECRET_KEY": "x7-" + "k9Qz2Lm4Pw8Rt6Yv" * 4,
    "RUSFELT_ALLOWED_HOSTS": "testserver",
    "RUSFELT_PSEUDONYM_KEY": "f3" * 32,
    "DATABASE_URL": "sqlite:////tmp/rusfelt-prod-check.sqlite3",
}

#: The settings that decide sign-in, taken from production.py as it loads.
SIGN_IN_SETTINGS = [
    "RUSFELT_REQUIRE_SECOND_FACTOR", "RUSFELT_IDLE_TIMEOUT", "RUSFELT_REAUTH_SECONDS",
    "MIDDLEWARE", "AUTHENTICATION_BACKENDS", "INSTALLED_APPS", "AXES_FAILURE_LIMIT",
]


@pytest.fixture
def production_sign_in(monkeypatch):
    """Run the test under production.py's sign-in settings (read from the real module)."""
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("rusfelt.settings.production", None)
    production = importlib.import_module("rusfelt.settings.production")
    sys.modules.pop("rusfelt.settings.production", None)
    values = {name: getattr(production, name) for name in SIGN_IN_SETTINGS}
    assert values["RUSFELT_REQUIRE_SECOND_FACTOR"] is True
    with override_settings(**values):
        yield values


def totp_code(secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows for ``secret`` (base32, as on the page)."""
    return pyotp.TOTP(secret.replace(" ", "")).at(at if at is not None else time.time())


@pytest.fixture
def enrolled(db):
    """enrolled(user) -> the base32 secret of a confirmed TOTP device, plus recovery codes."""
    from base64 import b32encode

    from rusfelt.konto import services

    def enrol(user):
        device = services.pending_totp_device(user)
        secret = b32encode(device.bin_key).decode()
        codes = services.confirm_totp(device, totp_code(secret))
        # A right code confirms the device and gives every recovery code (None: refused).
        assert codes is not None and len(codes) == services.RECOVERY_CODE_COUNT
        return secret, codes

    return enrol


# --- A real OpenID Connect provider on loopback -------------------------------

IDP_CLIENT_ID = "rusfelt-test"
IDP_CLIENT_SECRET = "idp-client-secret-" + "s" * 24
IDP_PASSWORD = "idp-passord-123"
#: The provider's users: (username, groups). "mfa" means two factors at the provider.
IDP_USERS = [
    ("kari.idp", ["mfa", "rusfelt-sth-kartleggere"]),
    ("ola.idp", ["rusfelt-sth-kartleggere"]),
    ("per.idp", ["mfa"]),
]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def identity_provider(tmp_path_factory, live_server):
    """django-oidc-provider in its own process on 127.0.0.1; yields its issuer URL.

    Rusfelt's redirect URIs are the live server's and the test client's.
    """
    import json
    import os
    import subprocess
    import urllib.request

    port = _free_port()
    folder = tmp_path_factory.mktemp("idp")
    spec = folder / "spec.json"
    spec.write_text(json.dumps({
        "port": port, "db": str(folder / "idp.sqlite3"),
        "client_id": IDP_CLIENT_ID, "client_secret": IDP_CLIENT_SECRET,
        "redirect_uris": [f"{live_server.url}/konto/oidc/tilbake/",
                          "http://testserver/konto/oidc/tilbake/"],
        "users": [{"username": u, "password": IDP_PASSWORD, "groups": g,
                   "first_name": u.split(".")[0].title()} for u, g in IDP_USERS],
    }))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RUSFELT_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "rusfelt.konto.tests.idp.serve", str(spec)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    issuer = f"http://127.0.0.1:{port}/openid"
    try:
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(issuer + "/.well-known/openid-configuration",
                                            timeout=2) as response:
                    assert json.load(response)["issuer"] == issuer
                break
            except OSError:
                if process.poll() is not None or time.time() > deadline:
                    output = process.stdout.read() if process.poll() is not None else ""
                    pytest.fail(f"the test identity provider did not start: {output}")
                time.sleep(0.3)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def oidc_settings(settings, identity_provider, tmp_path):
    """Rusfelt configured for the test provider, through settings.oidc_from_env()."""
    from rusfelt.settings.base import oidc_from_env

    secret_file = tmp_path / "client-secret"
    secret_file.write_text(IDP_CLIENT_SECRET + "\n")
    settings.RUSFELT_OIDC = oidc_from_env({
        "RUSFELT_OIDC_ISSUER": identity_provider,
        "RUSFELT_OIDC_CLIENT_ID": IDP_CLIENT_ID,
        "RUSFELT_OIDC_CLIENT_SECRET_FILE": str(secret_file),
        "RUSFELT_OIDC_HOME_UNIT": "0301",
        "RUSFELT_OIDC_NAME": "Oslo kommunes innlogging",
    })
    return settings.RUSFELT_OIDC
