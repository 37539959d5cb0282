"""Test settings: fast hashing, fixed keys, the same security middleware."""

from .base import *  # noqa: F403
from .base import VAR_DIR, database_from_env

VAR_DIR.mkdir(exist_ok=True)  # makemigrations --check opens the database

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-" + "x" * 32
RUSFELT_PSEUDONYM_KEY = "demo-test-pseudonym-key"
ALLOWED_HOSTS = ["*"]
DATABASES = {"default": database_from_env(VAR_DIR / "test.sqlite3")}
# MD5 only to keep the suite fast; base.py's Argon2 is what runs elsewhere
# (core/tests/test_settings.py checks it).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A per-process cache in tests: the autouse fixture clears it before every
# test, also those without a database. drift/tests covers the shared cache.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
          "sider": CACHES["sider"], "tjenester": CACHES["tjenester"],  # noqa: F405
          "planer": CACHES["planer"], "filer": CACHES["filer"]}  # noqa: F405
# whitenoise warns about a missing STATIC_ROOT; tests serve from the finders.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# Two-factor is optional here; tests that need the production rule turn it on.
RUSFELT_REQUIRE_SECOND_FACTOR = False
# Demo data and synthetic test numbers are for demo and test only (docs/security.md).
RUSFELT_ALLOW_DEMO_DATA = True
RUSFELT_ALLOW_SYNTHETIC_NUMBERS = True
