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

KEPT_CACHE = "tjenester"


def kept_key(kind: str, parts: tuple) -> str:
    """The cache key of a kept part: its kind and a digest of everything it is
    made of (``repr``: the values are plain column values, texts, numbers and
    the domain's frozen dataclasses)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()
    return f"tjenester:{kind}:{digest}"
