"""Production settings: everything secret comes from the environment.

Required: RUSFELT_SECRET_KEY, RUSFELT_ALLOWED_HOSTS (comma separated),
RUSFELT_PSEUDONYM_KEY, DATABASE_URL. Each may instead be given as a file
through the same name with ``_FILE`` appended (Docker/systemd secrets).
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import database_from_env


def env_secret(name: str) -> str:
    """Read ``name`` or the file named by ``name_FILE``; refuse to start without."""
    value = os.environ.get(name, "")
    path = os.environ.get(f"{name}_FILE")
    if not value and path:
        value = Path(path).read_text().strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the environment for production.")
    return value


DEBUG = False
SECRET_KEY = env_secret("RUSFELT_SECRET_KEY")
RUSFELT_PSEUDONYM_KEY = env_secret("RUSFELT_PSEUDONYM_KEY")
ALLOWED_HOSTS = [h.strip() for h in env_secret("RUSFELT_ALLOWED_HOSTS").split(",") if h.strip()]
env_secret("DATABASE_URL")
DATABASES = {"default": database_from_env(Path("/nonexistent"))}

SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
RUSFELT_RETENTION_DAYS = int(os.environ.get("RUSFELT_RETENTION_DAYS", "365"))
# The load balancer's health check may come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^helse/$"]

# Hashed, compressed static files with far-future cache headers (whitenoise),
# collected by `rusfelt serve` into STATIC_ROOT (RUSFELT_STATIC_ROOT).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Background jobs are queued in the database and run by `rusfelt worker`;
# RUSFELT_TASKS=immediate runs them inside the request instead (one machine,
# no worker).
if os.environ.get("RUSFELT_TASKS", "database") == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# A proxy on the same machine (nginx, Caddy) is trusted by default; set
# RUSFELT_TRUSTED_PROXIES to the load balancers' addresses otherwise.
if "RUSFELT_TRUSTED_PROXIES" not in os.environ:
    RUSFELT_TRUSTED_PROXIES = ["127.0.0.1", "::1"]

# Import bounds may be raised (or lowered) per installation; see docs/security.md.
RUSFELT_IMPORT_MAX_BYTES = int(os.environ.get("RUSFELT_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
RUSFELT_IMPORT_MAX_ROWS = int(os.environ.get("RUSFELT_IMPORT_MAX_ROWS", 100_000))
FILE_UPLOAD_MAX_MEMORY_SIZE = RUSFELT_IMPORT_MAX_BYTES
