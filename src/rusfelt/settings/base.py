"""Settings shared by every environment.

Nothing here reads a secret: ``demo.py`` generates its own, ``production.py``
reads them from the environment and refuses to start without them.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Where the demo keeps its SQLite database and generated keys (git-ignored).
VAR_DIR = Path.cwd() / "var"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rusfelt.core",
    "rusfelt.konto",
    "rusfelt.kartlegging",
    "rusfelt.indikatorer",
    "rusfelt.planer",
    "rusfelt.tjenester",
    "rusfelt.rapporter",
    "rusfelt.drift",
    "rusfelt.screening",
]

MIDDLEWARE = [
    # First, so everything after it (audit log, axes) sees the client's address.
    "rusfelt.drift.middleware.TrustedProxyMiddleware",
    "rusfelt.core.scoping.RequestMemoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files with hashed names and far-future cache headers (production).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, without searching the path for a language (no URL has one).
    "rusfelt.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Right after it: the CSRF cookie the browser holds is not set again on each page.
    "rusfelt.core.middleware.CsrfCookieHeldMiddleware",
    # Sessions signed in before konto.backends.ModelBackend stay signed in.
    "rusfelt.konto.middleware.BackendPathMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sign-in rules of issue 18: who has verified a second factor (django-otp),
    # the idle timeout of record-level sessions, and the second-factor gate.
    "django_otp.middleware.OTPMiddleware",
    # request.user as the user itself, not behind the two lazy objects above.
    "rusfelt.konto.middleware.UserMiddleware",
    "rusfelt.konto.middleware.IdleTimeoutMiddleware",
    "rusfelt.konto.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the settings' policy built once (not per response).
    "rusfelt.core.middleware.CSPMiddleware",
    # Axes must come last: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rusfelt.urls"
WSGI_APPLICATION = "rusfelt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rusfelt.core.context_processors.navigation",
                # Django's CSRF token (its processor runs first), masked at less cost.
                "rusfelt.core.context_processors.csrf",
            ],
        },
    },
]


def database_from_env(default_sqlite: Path) -> dict:
    """SQLite by default; ``DATABASE_URL`` selects another engine (PostgreSQL)."""
    config = dj_database_url.config(default=f"sqlite:///{default_sqlite}", conn_max_age=60)
    if config["ENGINE"].endswith("sqlite3"):
        # Write-ahead log: a commit appends to the log and, with synchronous=NORMAL,
        # syncs at checkpoints rather than at every commit; still safe from
        # corruption (https://www.sqlite.org/wal.html, https://www.sqlite.org/
        # pragma.html#pragma_synchronous). A rollback journal cost every small
        # import several syncs per file (issue 12).
        config.setdefault("OPTIONS", {})["init_command"] = (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
    elif config["ENGINE"].endswith("postgresql") and os.environ.get(
            "RUSFELT_PREPARED_STATEMENTS", "on") != "off":
        # Prepared statements: a query this connection has run five times (psycopg's
        # prepare_threshold) is parsed and planned once and then only executed. A
        # page's queries are the same every request; planning them took PostgreSQL
        # longer than running them (the plan's scoped read 0.35 of 0.61 ms, a measure
        # 0.23 of 0.43 ms; issue 12). Psycopg prepares only with the parameters bound
        # on the server, so both are turned on; Django leaves them off so that a
        # transaction-mode pooler (PgBouncer before 1.21) keeps working: behind one,
        # set RUSFELT_PREPARED_STATEMENTS=off.
        config.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
    return config


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out user is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the signed-in user by SQL written once (issue 12).
    "rusfelt.konto.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Login rate limit: five failures from one user name and address lock it for
# an hour (django-axes). Axes writes its own tables; Rusfelt's audit log also
# records each failed login.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
AXES_VERBOSE = False
# Axes reads the same address as the audit log: REMOTE_ADDR, which
# rusfelt.drift.middleware.TrustedProxyMiddleware sets to the client's
# address behind a trusted proxy (RUSFELT_TRUSTED_PROXIES). Should
# django-ipware be installed, it too reads only REMOTE_ADDR.
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
AXES_IPWARE_PROXY_COUNT = None

# Two-factor (django-otp, TOTP with recovery codes). Production demands it of
# every holder of a record-level role (kartlegger, personvernombud,
# administrator); demo.py and test.py turn the demand off, so it stays optional.
RUSFELT_REQUIRE_SECOND_FACTOR = True
OTP_TOTP_ISSUER = "Rusfelt"
# A session with a record-level role ends after this many idle seconds.
RUSFELT_IDLE_TIMEOUT = 30 * 60
# Record-level exports, the right-of-access look-up and grant changes ask for
# the password or a second factor again unless given within this many seconds.
RUSFELT_REAUTH_SECONDS = 5 * 60
# A failed one-time code counts towards the lockout like a failed password;
# axes must not store the code it saw in the request (the password it masks anyway).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "token"]


def oidc_from_env(environ=None) -> dict | None:
    """Single sign-on (OpenID Connect) from the environment, or None when not set.

    RUSFELT_OIDC_ISSUER, RUSFELT_OIDC_CLIENT_ID, RUSFELT_OIDC_CLIENT_SECRET_FILE
    (a file holding the secret) and RUSFELT_OIDC_HOME_UNIT (the code of the
    unit new accounts belong to) are required together; RUSFELT_OIDC_NAME
    (the button's text), RUSFELT_OIDC_GROUPS_CLAIM (default ``groups``) and
    RUSFELT_OIDC_MFA_ACR (comma-separated acr values that mean multi-factor)
    are optional. See docs/security.md.
    """
    from django.core.exceptions import ImproperlyConfigured  # settings import no app code

    env = os.environ if environ is None else environ
    issuer = env.get("RUSFELT_OIDC_ISSUER", "").strip()
    if not issuer:
        return None
    missing = [n for n in ("RUSFELT_OIDC_CLIENT_ID", "RUSFELT_OIDC_CLIENT_SECRET_FILE",
                           "RUSFELT_OIDC_HOME_UNIT") if not env.get(n, "").strip()]
    if missing:
        raise ImproperlyConfigured(f"RUSFELT_OIDC_ISSUER is set but not {', '.join(missing)}.")
    config = {
        "issuer": issuer,
        "client_id": env["RUSFELT_OIDC_CLIENT_ID"].strip(),
        "client_secret": Path(env["RUSFELT_OIDC_CLIENT_SECRET_FILE"]).read_text().strip(),
        "home_unit": env["RUSFELT_OIDC_HOME_UNIT"].strip(),
        "groups_claim": env.get("RUSFELT_OIDC_GROUPS_CLAIM", "groups").strip() or "groups",
        "mfa_acr": [v.strip() for v in env.get("RUSFELT_OIDC_MFA_ACR", "").split(",")
                    if v.strip()],
    }
    if env.get("RUSFELT_OIDC_NAME", "").strip():
        config["name"] = env["RUSFELT_OIDC_NAME"].strip()
    return config


RUSFELT_OIDC = oidc_from_env()

# Sessions expire after four idle hours and when the browser closes. A plain
# read does not write the session: the idle timeout's middleware notes a
# signed-in session's time (and so renews its expiry) at most once every
# RUSFELT_SESSION_TOUCH_SECONDS (rusfelt.konto.middleware).
SESSION_COOKIE_AGE = 4 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = False
RUSFELT_SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Content-Security-Policy (django-csp 4) --------------------------------
# No inline script or style anywhere: scripts and styles are files under
# /static/. Charts are Vega-Lite specs rendered to SVG on the server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Language and formats -------------------------------------------------
LANGUAGE_CODE = "nb"
# Each language is named in itself in the switcher, so these are not translated.
LANGUAGES = [("nb", "Norsk bokmål"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
# Decimal comma and a (non-breaking) space as thousands separator, from
# Django's nb locale.
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# collectstatic's folder: RUSFELT_STATIC_ROOT, by default inside the Python
# environment Rusfelt is installed in, so it never depends on the working
# directory (`rusfelt serve` fills it at start).
STATIC_ROOT = Path(
    os.environ.get("RUSFELT_STATIC_ROOT") or Path(sys.prefix) / "var" / "rusfelt" / "static"
)

# One cache shared by every process and machine: the database (its table is
# made by `migrate` and `serve`), or Redis when REDIS_URL is set. Published
# result tables and charts are cached under keys that include their
# publishing time, so a shared cache never serves stale figures.
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["REDIS_URL"], "KEY_PREFIX": "rusfelt"}}
else:
    # Room for every published table and chart (Django's default keeps 300). Django's
    # database cache, read without building its expiry's field on every read (core.cache).
    CACHES = {"default": {"BACKEND": "rusfelt.core.cache.DatabaseCache",
                          "LOCATION": "rusfelt_cache",
                          "OPTIONS": {"MAX_ENTRIES": 20_000, "CULL_FREQUENCY": 4}}}
# Each process's copy of a page's rendered content (the indikatorer pages) and of each
# chart it has shown (core.charts, an SVG of some 10-100 kB), under a key of everything
# it shows: read without a query; the least recently read go first.
CACHES["sider"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                   "LOCATION": "rusfelt-sider", "TIMEOUT": 10 * 60,
                   "OPTIONS": {"MAX_ENTRIES": 300, "CULL_FREQUENCY": 3}}
# Each process's copy of an exported file (the indikatorer status table as XLSX or PDF,
# some 30-150 kB) under its table's data version: apart from "sider", so a few files
# never push many pages out; at most 25 files of at most 512 kB each
# (indikatorer.views.KEPT_FILE_MAX_BYTES): under 13 MB a process.
CACHES["filer"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                   "LOCATION": "rusfelt-filer", "TIMEOUT": 10 * 60,
                   "OPTIONS": {"MAX_ENTRIES": 25, "CULL_FREQUENCY": 3}}
# Each process's rendered parts of the directory search (tjenester_tags: result
# cards and filter fields), under a digest of everything they show: about two
# cards per service of a national directory in two languages, ~1 kB each.
CACHES["tjenester"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                       "LOCATION": "rusfelt-tjenester", "TIMEOUT": None,
                       "OPTIONS": {"MAX_ENTRIES": 25_000, "CULL_FREQUENCY": 4}}
# Each process's figures of a plan (planer.services.kept: status counts, progress per
# area, statuses per year, reported years, areas), under the plan's data version.
CACHES["planer"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": "rusfelt-planer", "TIMEOUT": 60 * 60,
                    "OPTIONS": {"MAX_ENTRIES": 5_000, "CULL_FREQUENCY": 4}}
# Sessions live in the database, so any app server accepts them, with a copy in the
# shared cache ("default" above, never a per-process one): a signed-in request reads
# its session as one cache row, not through the ORM and the signed form (a third of a
# warm page's own time, issue 12). A sign-out or a session ended deletes both at once,
# so it holds in every process. RUSFELT_SESSIONS=db keeps them in the database alone.
# rusfelt.core.sessions is Django's cached_db whose one cache read also brings the shared
# cache's keys below, which nearly every signed-in page reads: one round trip, not two.
SESSION_ENGINE = ("django.contrib.sessions.backends.db"
                  if os.environ.get("RUSFELT_SESSIONS") == "db"
                  else "rusfelt.core.sessions")
SESSION_CACHE_ALIAS = "default"
# The token that keys what each process keeps of the indikatorer pages
# (rusfelt.indikatorer.views.FILTER_TOKEN_KEY).
RUSFELT_READ_WITH_SESSION = ["indikatorer:valg"]

# --- Background jobs (django-tasks) ------------------------------------------
# Jobs run at once, in the process that starts them, unless
# RUSFELT_TASKS=database: then they are queued in the database and run by
# `rusfelt worker` (production's default).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if os.environ.get("RUSFELT_TASKS") == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}
# A queued job's worker writes a heartbeat every RUSFELT_JOB_HEARTBEAT
# seconds; a running job without one for RUSFELT_JOB_STALE_AFTER seconds lost
# its worker (killed, machine gone) and is ended as failed. Finished jobs
# (and their documents) are deleted after RUSFELT_JOB_KEEP_DAYS days.
RUSFELT_JOB_HEARTBEAT = float(os.environ.get("RUSFELT_JOB_HEARTBEAT", "10"))
RUSFELT_JOB_STALE_AFTER = float(os.environ.get("RUSFELT_JOB_STALE_AFTER", "120"))
RUSFELT_JOB_KEEP_DAYS = int(os.environ.get("RUSFELT_JOB_KEEP_DAYS", "7"))

# --- Behind a proxy -------------------------------------------------------------
# Addresses (or networks) of the reverse proxies in front of `rusfelt serve`.
# From them, the client's address is taken from X-Forwarded-For (the
# right-most address that is not a proxy) and X-Forwarded-Proto is trusted.
RUSFELT_TRUSTED_PROXIES = [
    a.strip() for a in os.environ.get("RUSFELT_TRUSTED_PROXIES", "").split(",") if a.strip()
]

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Rusfelt's own settings -------------------------------------------------
# Record-level mapping data is deleted this many days after a round is published.
RUSFELT_RETENTION_DAYS = 365

# The address the public reaches Rusfelt at, without a trailing slash
# ("https://rusfelt.example.kommune.no"). Exports made outside a request
# (`rusfelt tjenester hsds`) link to pages from here.
RUSFELT_PUBLIC_BASE_URL = os.environ.get("RUSFELT_PUBLIC_BASE_URL", "")

# Import files (web and command line) are held in memory, never written to the
# temp folder (they may hold fødselsnummer), and refused over these bounds
# (core/uploads.py, core/domain/tabular.py, docs/security.md).
RUSFELT_IMPORT_MAX_BYTES = 20 * 1024 * 1024
RUSFELT_IMPORT_MAX_ROWS = 100_000
RUSFELT_IMPORT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # XLSX, from the zip directory
FILE_UPLOAD_HANDLERS = ["rusfelt.core.uploads.BoundedMemoryUploadHandler"]
# Not used by the handler above (which never spills to disk), kept equal for clarity.
FILE_UPLOAD_MAX_MEMORY_SIZE = RUSFELT_IMPORT_MAX_BYTES
# Form fields other than files (Django's default, stated).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Files in one request: a batch import (kartlegging) may carry a year's files of every
# kommune and bydel (390 units); together they are bounded as one file is (above).
DATA_UPLOAD_MAX_NUMBER_FILES = 500

# Demo-only behaviour, off unless the demo or test settings turn it on:
# `rusfelt loaddemo` (it creates users with a printed password) and
# Skatteetaten's synthetic test numbers (month + 80) in registrations.
RUSFELT_ALLOW_DEMO_DATA = False
RUSFELT_ALLOW_SYNTHETIC_NUMBERS = False

# Logs never hold request bodies or fødselsnummer: only Django's own request
# errors reach the console, and those carry no POST data (see
# django.views.debug.SafeExceptionReporterFilter).
# Hide the marked variables and POST fields in every error report, DEBUG or not.
DEFAULT_EXCEPTION_REPORTER_FILTER = "rusfelt.core.reporting.AlwaysSafeExceptionReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Column comments (db_comment) document sensitive fields in PostgreSQL; SQLite
# ignores them, and says so on every command unless silenced.
SILENCED_SYSTEM_CHECKS = ["fields.W163"]
