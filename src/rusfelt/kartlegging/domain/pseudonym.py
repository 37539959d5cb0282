"""Pseudonyms per round: HMAC-SHA-256 of the number, keyed per round.

The key is the installation's secret (settings.RUSFELT_PSEUDONYM_KEY, never
SECRET_KEY) combined with the round code, so the same person gets unrelated
pseudonyms in ``030104-2019`` and ``030104-2020``: nobody can follow a person
across years from the stored data. The right of access recomputes each
round's pseudonym from the number.

Like Django's password hashers, each value carries its key version
(``k1:…``) so that a future key can coexist with stored values.
"""

import hashlib
import hmac

KEY_VERSION = "k1"


def pseudonym(number: str, round_code: str, secret: str, version: str = KEY_VERSION) -> str:
    """``k1:<64 hex>`` for the compact ``number`` in round ``round_code``."""
    if not secret:
        raise ValueError("RUSFELT_PSEUDONYM_KEY is not set")
    key = hmac.new(secret.encode(), ("rusfelt.kartlegging:" + round_code).encode(),
                   hashlib.sha256).digest()
    digest = hmac.new(key, number.encode(), hashlib.sha256).hexdigest()
    return f"{version}:{digest}"
