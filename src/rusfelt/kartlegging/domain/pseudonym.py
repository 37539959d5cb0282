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
#: SHA-256's block: a key of up to this many bytes is padded to it (RFC 2104).
_BLOCK = 64


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

    HMAC-SHA-256 (RFC 2104) of each number under the round's key, from
    ``hashlib``: SHA-256 fed the key's inner and outer pads once, and each
    number costs a copy of each and two updates, as the standard library's
    ``hmac.HMAC`` computes it without OpenSSL (``hmac.py``, ``_init_old``).
    With OpenSSL, ``hmac.HMAC.copy()`` builds a Python object around a copy of
    OpenSSL's HMAC context for every number: twice the time of this (7.9
    against 4.1 µs a number measured side by side on a loaded machine, issue
    12). The tests compare it with ``hmac`` on many numbers.
    """

    __slots__ = ("_inner", "_outer", "_prefix")

    def __init__(self, round_code: str, secret: str, version: str = KEY_VERSION):
        key = round_key(round_code, secret)  # 32 bytes: within one block, used as it is
        block = key.ljust(_BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
        self._prefix = f"{version}:"

    def __call__(self, number: str) -> str:
        inner = self._inner.copy()
        inner.update(number.encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return self._prefix + outer.hexdigest()


def pseudonym(number: str, round_code: str, secret: str, version: str = KEY_VERSION) -> str:
    """``k1:<64 hex>`` for the compact ``number`` in round ``round_code``."""
    return pseudonym_with_key(number, round_key(round_code, secret), version)
