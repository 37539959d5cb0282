"""A form's CSRF token in markup kept across requests: written as a hole, filled per request.

Markup kept in a process's cache (the frame of every page, ``core.templatetags.frame``;
an editor's forms on the goals page, ``indikatorer.views.goals``) is written once and
sent to many requests, but each form in it must post the request's own token, which
Django masks anew for every response. So such markup is rendered with ``HOLE`` as the
token (``writing()``), kept split at what ``{% csrf_token %}`` writes for it (``split``)
and joined on every request with what the tag writes for the page's token (``fill``; in a
template ``{% csrf_filled parts %}``, ``core.templatetags.frame``).

SECURITY: the hole is the tag's whole hidden input, quotes and angle brackets included,
which text written into a page never has unescaped (autoescape): text a user wrote that
looks like a hole is never replaced. ``HOLE`` is no request's token: a form posted with it
(a hole left unfilled) is refused.
"""

import secrets

from django.middleware.csrf import CSRF_ALLOWED_CHARS, get_token
from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

#: The token kept markup is written with: not a token of any request.
HOLE = "csrf-hole"


def _input(token) -> str:
    """What ``{% csrf_token %}`` writes for ``token`` (nothing without one): the tag itself."""
    return CsrfTokenNode().render(Context({"csrf_token": token}))


#: What a kept form has where its token goes.
_HOLE_INPUT = _input(HOLE)
#: What the tag writes around a token (``token_input``), read from the tag itself.
_BEFORE, _AFTER = _input("\0").split("\0")


def writing() -> dict:
    """The context to render markup to keep with: each ``{% csrf_token %}`` writes a hole."""
    return {"csrf_token": HOLE}


def split(markup: str) -> tuple[str, ...]:
    """``markup`` (rendered with ``writing()``) split at its holes: one part without any."""
    return tuple(markup.split(_HOLE_INPUT))


def token_input(token) -> str:
    """What each hole is filled with for ``token``: the tag's input, or nothing (as the tag).
    A token given (the page's) is written into the tag's text, as the tag writes it, without
    a template context of its own for each page (issue 12)."""
    if token is not None:
        token = str(token)  # the context processor's lazy token, read once
    if token and token != "NOTPROVIDED":
        return mark_safe(_BEFORE + conditional_escape(token) + _AFTER)  # noqa: S308 - the tag's
    return _input(token)


#: Bytes from this one up are drawn again, so that every character of ``CSRF_ALLOWED_CHARS``
#: is as likely as every other (the largest multiple of their number below 256).
_DRAWN_BELOW = 256 - 256 % len(CSRF_ALLOWED_CHARS)
_POSITION = {char: position for position, char in enumerate(CSRF_ALLOWED_CHARS)}


def masked_token(request) -> str:
    """``django.middleware.csrf.get_token(request)``: the request's CSRF secret under a new
    mask, its cookie flagged to be renewed, with the mask drawn from one read of the
    system's randomness. Django draws each of the mask's 32 characters with a read of its
    own (``secrets.choice``): some 5 % of a warm kept page's time (issue 12).

    SECURITY: the same token as Django's: the mask is 32 characters of
    ``CSRF_ALLOWED_CHARS`` from the operating system's randomness (``secrets``), each as
    likely as any other, and the secret's characters shifted by the mask's
    (``_mask_cipher_secret``), so ``CsrfViewMiddleware`` checks it as its own. A request
    without a secret yet gets Django's own ``get_token`` (which makes one)."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        return get_token(request)
    # As get_token: the cookie is in use, so it is flagged to be sent again (renewed).
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    count, chars = len(CSRF_ALLOWED_CHARS), CSRF_ALLOWED_CHARS
    mask: list[str] = []
    while len(mask) < len(secret):
        mask += [chars[byte % count] for byte in secrets.token_bytes(len(secret) + 8)
                 if byte < _DRAWN_BELOW]
    mask = mask[:len(secret)]
    return "".join(mask) + "".join(chars[(_POSITION[char] + _POSITION[shift]) % count]
                                   for char, shift in zip(secret, mask, strict=True))


def fill(parts, token) -> SafeString:
    """Kept ``parts`` (``split``) joined with the input ``{% csrf_token %}`` writes for
    ``token``."""
    if len(parts) == 1:
        return mark_safe(parts[0])  # noqa: S308 - our templates' markup, kept
    return mark_safe(token_input(token).join(parts))  # noqa: S308 - as above
