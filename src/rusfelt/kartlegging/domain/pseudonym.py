"""Pseudonyms per round: HMAC-SHA-256 of the number, keyed per round.

The key is the installation's secret (settings.RUSFELT_PSEUDONYM_KEY, never
SECRET_KEY) combined with the round code, so the same person gets unrelated
pseudonyms in ``030104-2019`` and ``030104-2020``: nobody can follow a person
across years from the stored data. The right of access recomputes each
round's pseudonym from the number.

Like Django's password hashers, each value carries its key version
(``k1:…``) so that a future key can coexist with stored values.
"""

import hmac

KEY_VERSION = "k1"


def round_key(round_code: str, secret: str) -> bytes:
    """The HMAC key of one round: the installation's secret combined with the round code."""
    if not secret:
        raise ValueError("RUSFELT_PSEUDONYM_KEY is not set")
    return hmac.digest(secret.encode(), ("rusfelt.kartlegging:" + round_code).encode(),
                       "sha256")


def pseudonym_with_key(number: str, key: bytes, version: str = KEY_VERSION) -> str:
    """``pseudonym()`` with the round's key computed once (``round_key``), for imports."""
    return f"{version}:{hmac.digest(key, number.encode(), 'sha256').hex()}"


class RoundHasher:
    """``pseudonym()`` for many numbers of one round, for imports.

    The round's keyed HMAC (SHA-256 already fed the key's inner and outer
    pads) is built once; each number costs a copy of it and one update
    (``hmac.HMAC.copy``), not a new key schedule.
    """

    __slots__ = ("_keyed", "_prefix")

    def __init__(self, round_code: str, secret: str, version: str = KEY_VERSION):
        self._keyed = hmac.new(round_key(round_code, secret), digestmod="sha256")
        self._prefix = f"{version}:"

    def __call__(self, number: str) -> str:
        h = self._keyed.copy()
        h.update(number.encode())
        return self._prefix + h.hexdigest()


def pseudonym(number: str, round_code: str, secret: str, version: str = KEY_VERSION) -> str:
    """``k1:<64 hex>`` for the compact ``number`` in round ``round_code``."""
    return pseudonym_with_key(number, round_key(round_code, secret), version)
