"""Demo and development settings: SQLite in ./var, generated keys, DEBUG on.

The keys are generated once into ``var/secrets.json`` (git-ignored) so that a
restart keeps sessions and pseudonyms stable.
"""

import json
import os
import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, database_from_env

VAR_DIR.mkdir(exist_ok=True)
_secrets_file = VAR_DIR / "secrets.json"
if not _secrets_file.exists():
    _secrets_file.write_text(
        json.dumps(
            {
                "secret_key": secrets.token_urlsafe(50),
                # Marked "demo-" so that the system check rusfelt.E001 can
                # refuse it in production.
                "pseudonym_key": "demo-" + secrets.token_hex(32),
            }
        )
    )
    _secrets_file.chmod(0o600)
_keys = json.loads(_secrets_file.read_text())

DEBUG = True
# bin/demo serves here (README); an environment value still wins.
RUSFELT_PUBLIC_BASE_URL = os.environ.get("RUSFELT_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
SECRET_KEY = _keys["secret_key"]
RUSFELT_PSEUDONYM_KEY = _keys["pseudonym_key"]
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
DATABASES = {"default": database_from_env(VAR_DIR / "rusfelt.sqlite3")}
# runserver serves static files from the apps; whitenoise warns without the folder.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# Two-factor stays optional in the demo, so bin/demo is one command.
RUSFELT_REQUIRE_SECOND_FACTOR = False
# Demo data and synthetic test numbers are for demo and test only (docs/security.md).
RUSFELT_ALLOW_DEMO_DATA = True
RUSFELT_ALLOW_SYNTHETIC_NUMBERS = True
