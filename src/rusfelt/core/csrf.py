"""The CSRF token a page's forms carry, masked from the secret as Django masks it.

Django's ``get_token`` masks the secret with 32 characters drawn one by one by
``secrets.choice``, a call to the operating system's random source per character:
about a twentieth of a warm signed-in page's server time (issue 12). ``token``
draws the mask from one ``os.urandom`` read instead, each character uniform over
Django's 62 (bytes 248-255 are dropped, 248 being 4 × 62), and masks exactly as
``django.middleware.csrf._mask_cipher_secret`` does, so Django's middleware checks
the posted token as it checks its own. A request without a secret yet gets Django's
own ``get_token`` (a new secret and its cookie).
"""

import os

from django.middleware.csrf import CSRF_ALLOWED_CHARS, get_token

_COUNT = len(CSRF_ALLOWED_CHARS)
_POSITION = {char: position for position, char in enumerate(CSRF_ALLOWED_CHARS)}
#: Bytes below this are uniform over the characters (a multiple of their count).
_UNIFORM_BELOW = 256 - 256 % _COUNT


def random_chars(length: int) -> str:
    """``length`` characters of CSRF_ALLOWED_CHARS, each uniform, from the OS's random source."""
    chars: list[str] = []
    while len(chars) < length:
        chars += [CSRF_ALLOWED_CHARS[byte % _COUNT]
                  for byte in os.urandom(length + 8) if byte < _UNIFORM_BELOW]
    return "".join(chars[:length])


def mask(secret: str) -> str:
    """``secret`` masked as Django masks it: a new random mask, then the secret's characters
    shifted by the mask's (``django.middleware.csrf._mask_cipher_secret``)."""
    key = random_chars(len(secret))
    return key + "".join(CSRF_ALLOWED_CHARS[(_POSITION[s] + _POSITION[k]) % _COUNT]
                         for s, k in zip(secret, key, strict=True))


def token(request) -> str:
    """``django.middleware.csrf.get_token(request)``, masked by ``mask``."""
    if "CSRF_COOKIE" not in request.META:
        return get_token(request)
    # As get_token: the cookie is to be sent (core.middleware.CsrfCookieHeldMiddleware
    # then leaves out one the browser holds already).
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return mask(request.META["CSRF_COOKIE"])
