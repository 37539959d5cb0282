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

from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import SafeString, mark_safe

#: The token kept markup is written with: not a token of any request.
HOLE = "csrf-hole"


def _input(token) -> str:
    """What ``{% csrf_token %}`` writes for ``token`` (nothing without one): the tag itself."""
    return CsrfTokenNode().render(Context({"csrf_token": token}))


#: What a kept form has where its token goes.
_HOLE_INPUT = _input(HOLE)


def writing() -> dict:
    """The context to render markup to keep with: each ``{% csrf_token %}`` writes a hole."""
    return {"csrf_token": HOLE}


def split(markup: str) -> tuple[str, ...]:
    """``markup`` (rendered with ``writing()``) split at its holes: one part without any."""
    return tuple(markup.split(_HOLE_INPUT))


def token_input(token) -> str:
    """What each hole is filled with for ``token``: the tag's input, or nothing (as the tag)."""
    return _input(token)


def fill(parts, token) -> SafeString:
    """Kept ``parts`` (``split``) joined with the input ``{% csrf_token %}`` writes for
    ``token``."""
    if len(parts) == 1:
        return mark_safe(parts[0])  # noqa: S308 - our templates' markup, kept
    return mark_safe(token_input(token).join(parts))  # noqa: S308 - as above
