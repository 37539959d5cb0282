"""A real OpenID Connect provider for the tests: django-oidc-provider on loopback.

Served by ``serve.py`` in its own process, with its own SQLite database, so
Rusfelt's client talks to it over HTTP exactly as to a municipality's
identity provider. Never used outside the tests.
"""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
PORT = int(os.environ["RUSFELT_TEST_IDP_PORT"])

SECRET_KEY = "test-idp-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "rusfelt.konto.tests.idp.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [HERE / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.environ["RUSFELT_TEST_IDP_DB"]}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
LOGIN_URL = "/login/"
# Another host name than Rusfelt's live server (localhost), so the two
# sessions never share a cookie.
SITE_URL = f"http://127.0.0.1:{PORT}"
OIDC_IDTOKEN_PROCESSING_HOOK = "rusfelt.konto.tests.idp.hooks.add_claims"
LOGGING = {"version": 1, "disable_existing_loggers": True}
