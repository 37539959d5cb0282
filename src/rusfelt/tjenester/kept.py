"""What each process keeps of the directory's rendering (issue 12): the search
results' cards and filter fields (``templatetags.tjenester_tags``) and the API's
schema.org objects (``api``).

They live in Django's per-process memory cache ``tjenester`` (settings.CACHES:
bounded in entries, the least recently read go first). A memo of the
rendering and nothing more: the key holds every value a part is made of, so a
changed service, unit, translation or opening hour is simply another key,
never a stale entry.
"""

import hashlib
from collections.abc import Callable, Sequence

from django.core.cache import caches

KEPT_CACHE = "tjenester"


def kept_key(kind: str, parts: tuple) -> str:
    """The cache key of a kept part: its kind and a digest of everything it is
    made of (``repr``: the values are plain column values, texts, numbers and
    the domain's frozen dataclasses)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()
    return f"tjenester:{kind}:{digest}"


def kept_many(keys: Sequence[str], make: Callable[[int], str]) -> list[str]:
    """The kept text of each key, in order: those kept read in one call, the others
    made (``make(i)`` for ``keys[i]``, once per distinct key) and kept in one call."""
    cache = caches[KEPT_CACHE]
    kept = cache.get_many(keys)
    made: dict[str, str] = {}
    for i, key in enumerate(keys):
        if key not in kept and key not in made:
            made[key] = make(i)
    if made:
        cache.set_many(made, timeout=None)
    return [kept[key] if key in kept else made[key] for key in keys]
