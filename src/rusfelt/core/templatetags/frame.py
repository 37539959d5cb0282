"""The frame of every page (``base.html``), written once per process and what it shows.

::

    {% frame LANGUAGE_CODE nav_current nav_is_admin ... %} ... {% endframe %}

renders its body once per key and keeps it in this process's ``sider`` cache (a
bounded LocMemCache, settings.CACHES) as text with holes; a request then renders
only the holes: each ``{% block %}`` the page overrides (the page's own parts) and
each ``{% live %} ... {% endlive %}`` (the user's name, the messages, the current
path), and fills each ``{% csrf_token %}`` with the request's token as all kept
markup does (``core.csrf_holes``). A block the page leaves as the frame writes it
(the language form on most pages) is written into the text with the rest: which
blocks the page overrides is in the key. A page whose view names in ``PAGE_KEY``
everything its own blocks show has them written into the text too (the indikatorer
pages: their kept content), and renders only the frame's holes. The frame's some
thirty other nodes
(static links, translations, the menu, the frame's links) were a quarter of a warm
page's time, its language form a tenth of the frame's (issue 12).

Such a page's view answers with ``render_page`` instead of ``render``: when the frame's
text for the page's key is kept, the response is that text with its holes filled, without
the template engine (``{% extends %}``, the page's node tree, the frame's search for the
blocks a page overrides: a sixth of a warm indikatorer page, issue 12). Its key is the
frame's own, from the same values: the context processors' and the view's context, the
page template and the blocks it overrides (read once from the templates).

SECURITY: what the body shows outside the holes must depend only on the key:
the arguments (everything the body reads from the context: the menu's flags,
whether the user is signed in), the language, the URL configuration and script
prefix, the template itself, which of its blocks the page overrides and the
deploy (the static files' manifest), and ``PAGE_KEY``. Anything of one user or one
request must sit in a hole, or another user gets it: in a block the frame writes too.
Includes and nested frames are refused outside the holes, as their content cannot be
seen here; a view that sets ``PAGE_KEY`` vouches for its template's blocks (includes
too), as for the content it keeps under the same key.
"""

import hashlib
import re
import sys
import uuid
from typing import NamedTuple

from django import template
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.http import HttpResponse
from django.shortcuts import render
from django.template import Context, Variable
from django.template.base import Template, TextNode
from django.template.defaulttags import CommentNode, IfNode, LoadNode
from django.template.loader import get_template
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockNode, ExtendsNode, IncludeNode
from django.templatetags.i18n import GetCurrentLanguageNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from rusfelt.core import csrf_holes

register = template.Library()

#: The per-process cache that keeps the frames (shared with the pages' parts).
FRAME_CACHE = "sider"
#: Marks a hole in the text while a frame is first written: never in a page's content.
_MARK = f"\ue000{uuid.uuid4().hex}:"
_HOLE = re.compile(re.escape(_MARK) + r"(\d+)\ue000")
_WRITING = "_frame_writing"
#: A hole of the kept text that is a form's CSRF token (``core.csrf_holes``), not a node.
_CSRF = -1
#: The context's name for what a page's own blocks show (set by its view, ``None`` if not):
#: when set, the frame writes the page's blocks into its text too, kept under it.
#: SECURITY: it must name everything the blocks show but CSRF tokens, as the key of the
#: page's kept content does (the data's version, the user's units and rights, the query).
PAGE_KEY = "frame_page"


class LiveNode(template.Node):
    """A hole: rendered on every request (``{% live %}``, or a block the page overrides;
    one it leaves as the frame's is written into the frame's text)."""

    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, index=None, block=None):
        self.nodelist, self.index, self.block = nodelist, index, block

    def render(self, context):
        if self.index is not None and context.get(_WRITING) and (
                self.block is None or (context.get(PAGE_KEY) is None
                                       and _overridden(context, self.block))):
            return f"{_MARK}{self.index}\ue000"
        return self.nodelist.render(context)


def _overridden(context, block: BlockNode) -> bool:
    """Whether the page (a template extending the frame's) overrides ``block``: the block
    context (``{% extends %}``) then holds another node under its name."""
    blocks = context.render_context.get(BLOCK_CONTEXT_KEY)
    return blocks is not None and blocks.get_block(block.name) is not block


class FrameNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, vary_on, ident):
        self.nodelist, self.vary_on, self.ident = nodelist, vary_on, ident
        self.holes: list[LiveNode] = []
        _make_holes(nodelist, self.holes)
        self._by_type: dict = {}

    def get_nodes_by_type(self, nodetype):
        # Every {% extends "base.html" %} looks for the frame's blocks on each render;
        # the nodes never change once parsed.
        if nodetype not in self._by_type:
            self._by_type[nodetype] = super().get_nodes_by_type(nodetype)
        return list(self._by_type[nodetype])

    def render(self, context):
        key = self._key(context)
        kept = caches[FRAME_CACHE]
        parts = kept.get(key)
        if parts is None:
            parts = self._write(context)
            kept.set(key, parts)
        # A kept page's text is kept as UTF-8 (``_write``), for ``render_page``.
        return mark_safe("".join(  # noqa: S308 - our template's nodes, autoescaped
            part.decode() if isinstance(part, bytes) else part
            for part in self._filled(parts, context)))

    def _filled(self, parts: tuple, context):
        """The kept ``parts`` (``_write``) with their holes filled for this request: the
        text as kept (``str``, or a kept page's UTF-8 ``bytes``), each hole rendered
        (``str``), each CSRF hole this request's token. ``render`` and
        ``kept_response`` alike."""
        token = None
        for index, part in enumerate(parts):
            if not index % 2:
                yield part
            elif part == _CSRF:
                if token is None:  # the tag's input for this request's token, once
                    token = csrf_holes.token_input(context.get("csrf_token"))
                yield token
            else:
                yield self.holes[part].nodelist.render(context)

    def _key(self, context) -> str:
        values = [var.resolve(context) for var in self.vary_on]
        overridden = [_overridden(context, hole.block) for hole in self.holes if hole.block]
        page = context.get(PAGE_KEY)
        if page is not None:  # the page's blocks are written too: the page's template
            page = (page, getattr(getattr(context.template, "origin", None), "name", None))
        return self._key_of(values, overridden, page)

    def _key_of(self, values, overridden, page) -> str:
        """The key of the text written for the arguments' ``values``, the blocks the page
        ``overridden`` (of the holes that are blocks, in order) and ``page`` (``PAGE_KEY``
        and the page's template, or None). SECURITY: the one key of ``render`` and
        ``kept_response`` alike."""
        raw = repr((self.ident, _deploy(), get_language(), get_urlconf(),
                    get_script_prefix(), values, list(overridden), page))
        return "frame:" + hashlib.sha256(raw.encode()).hexdigest()

    def _write(self, context) -> tuple:
        """The body's text split at its holes: text, hole, text, ..., text (a hole is a
        node's number or ``_CSRF``). A kept page's text (``PAGE_KEY``) is kept as UTF-8:
        ``render_page`` sends it as it is, without encoding some 30 kB on each request."""
        with context.push({_WRITING: True, **csrf_holes.writing()}):
            text = self.nodelist.render(context)
        parts = []
        for i, piece in enumerate(_HOLE.split(text)):
            if i % 2:
                parts.append(int(piece))
                continue
            for j, between in enumerate(csrf_holes.split(piece)):
                parts.extend((_CSRF, between) if j else (between,))
        if context.get(PAGE_KEY) is not None:
            parts = [part.encode() if isinstance(part, str) else part for part in parts]
        return tuple(parts)

    def kept_response(self, request, page, plan, view_context) -> HttpResponse | None:
        """``page`` (a template extending this frame's, ``plan``) for ``view_context``
        from the kept text alone, its holes filled as ``render`` fills them; None when the
        text is not kept (or the context lacks an argument): then ``render`` writes it.

        SECURITY: the key is ``render``'s, from the same values: the context is what the
        template engine gives the page (its context processors, then the view's context,
        then ``{% get_current_language %}``'s), the blocks the page overrides are read
        from its template, and ``PAGE_KEY`` names what its blocks show (as in ``render``).
        """
        engine = page.engine
        processed = {}
        for processor in engine.template_context_processors:
            processed.update(processor(request))
        context = Context(processed, autoescape=engine.autoescape)
        context.update(view_context)
        context.update({"LANGUAGE_CODE": get_language()})  # as base.html's tag sets it
        context.template = page
        if not all(name in context for name in plan.arguments):
            return None
        key = self._key_of([var.resolve(context) for var in self.vary_on], plan.overridden,
                           (view_context[PAGE_KEY], page.origin.name))
        parts = caches[FRAME_CACHE].get(key)
        if parts is None:
            return None
        out = [plan.before, *(part if isinstance(part, bytes) else part.encode()
                              for part in self._filled(parts, context)), plan.after]
        recorded = _test_rendering()
        if recorded is not None:  # as Django's test environment records each template
            for rendered in (page, plan.frame_template):
                recorded.send(sender=rendered, template=rendered, context=context)
        return HttpResponse(b"".join(out))


def _test_rendering():
    """The signal by which Django's test environment records the templates rendered and
    their context (``response.context`` in tests), if it is set up, else None: a page
    answered from the kept frame records them too. Looked up, not imported: a server
    never loads Django's test modules for it."""
    utils = sys.modules.get("django.test.utils")
    if utils is None or Template._render is not utils.instrumented_test_render:
        return None
    return utils.template_rendered


class _Plan(NamedTuple):
    """What ``render_page`` needs of a page template beside its frame's kept text."""

    frame: FrameNode
    frame_template: Template  # the template the page extends, the frame's
    arguments: frozenset  # the context's names the frame's arguments read
    overridden: tuple  # of the frame's holes that are blocks, whether the page overrides it
    before: bytes  # the frame's template's text around the frame
    after: bytes


#: Where a page template keeps its plan (``_plan``): parsed templates are kept by the
#: loader, so it is made once per template and process.
_PLAN = "_rusfelt_frame_plan"
#: Nodes that write nothing around a frame (``{% get_current_language %}`` sets
#: ``LANGUAGE_CODE``, which ``kept_response`` sets as it does).
_SILENT = (LoadNode, CommentNode, GetCurrentLanguageNode)


def _plan(page: Template) -> _Plan | None:
    """The plan of ``page`` if it is ``{% extends %}`` of a constant name whose template
    is one frame with only text and silent nodes around it (``base.html``), else None."""
    plan = page.__dict__.get(_PLAN)
    if plan is None:
        plan = page.__dict__[_PLAN] = _make_plan(page) or False
    return plan or None


def _make_plan(page: Template) -> _Plan | None:
    extends = [node for node in page.nodelist if not isinstance(node, TextNode)]
    if len(extends) != 1 or not isinstance(extends[0], ExtendsNode):
        return None
    name = extends[0].parent_name
    if name.filters or not isinstance(name.var, str):
        return None
    parent = page.engine.get_template(name.var)
    if parent.origin.name == page.origin.name:
        return None
    frames, text = [], [[], []]
    for node in parent.nodelist:
        if isinstance(node, FrameNode):
            frames.append(node)
        elif isinstance(node, TextNode):
            text[len(frames) > 0].append(node.s)
        elif not isinstance(node, _SILENT):
            return None
    if len(frames) != 1:
        return None
    frame = frames[0]
    arguments = frozenset(var.var.lookups[0] for var in frame.vary_on
                          if isinstance(var.var, Variable) and var.var.lookups)
    # A block the page (or a template between) defines is the one the block context
    # gives the frame (``_overridden``): the page's own.
    overridden = tuple(hole.block.name in extends[0].blocks
                       for hole in frame.holes if hole.block)
    return _Plan(frame, parent, arguments, overridden, "".join(text[0]).encode(),
                 "".join(text[1]).encode())


def render_page(request, template_name: str, context: dict) -> HttpResponse:
    """``render(request, template_name, context)`` for a page whose view names in
    ``PAGE_KEY`` everything its blocks show: from the frame's kept text when it is kept
    (``FrameNode.kept_response``), else rendered (which keeps it)."""
    if context.get(PAGE_KEY) is not None:
        page = get_template(template_name).template
        plan = _plan(page)
        if plan is not None:
            response = plan.frame.kept_response(request, page, plan, context)
            if response is not None:
                return response
    return render(request, template_name, context)


def _deploy() -> tuple:
    """What changes the static links between deploys (the manifest's hash, if any)."""
    return settings.STATIC_URL, getattr(staticfiles_storage, "manifest_hash", "")


def _children(node):
    """The node lists directly under ``node`` (an if's branches, a for's loop, ...)."""
    if isinstance(node, IfNode):
        return [nodelist for _condition, nodelist in node.conditions_nodelists]
    return [nl for attr in node.child_nodelists if (nl := getattr(node, attr, None))]


def _make_holes(nodelist, holes: list) -> None:
    """Put each block of ``nodelist`` in a hole, number the holes. A block's own content
    is written into the frame when the page leaves it: the same rules hold inside it."""
    for position, node in enumerate(nodelist):
        if isinstance(node, BlockNode):
            nodelist[position] = LiveNode(template.NodeList([node]), len(holes), node)
            holes.append(nodelist[position])
            _make_holes(node.nodelist, holes)
            continue
        if isinstance(node, LiveNode):
            node.index = len(holes)
            holes.append(node)
            continue
        if isinstance(node, (FrameNode, IncludeNode)):
            raise template.TemplateSyntaxError(
                "{% frame %} cannot see into an include or another frame: "
                "put it in {% live %}.")
        for child in _children(node):
            _make_holes(child, holes)


@register.tag("frame")
def do_frame(parser, token):
    """``{% frame var ... %}``: the body kept per process under the variables' values."""
    nodelist = parser.parse(("endframe",))
    parser.delete_first_token()
    vary_on = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    # The template's own text is in the key, so an edited template is written afresh.
    source = getattr(parser.origin, "name", "") or ""
    try:
        source += parser.origin.loader.get_contents(parser.origin)
    except (AttributeError, OSError, template.TemplateDoesNotExist):
        pass
    ident = (hashlib.sha256(source.encode()).hexdigest(), token.lineno)
    return FrameNode(nodelist, vary_on, ident)


@register.simple_tag(takes_context=True)
def csrf_filled(context, parts):
    """``{% csrf_filled parts %}``: kept markup split at its CSRF holes (``core.csrf_holes``)
    filled with this render's token, the one the frame's forms carry (one mask per page)."""
    return csrf_holes.fill(parts, context.get("csrf_token"))


@register.tag("live")
def do_live(parser, token):
    """``{% live %} ... {% endlive %}``: rendered on every request inside a frame."""
    nodelist = parser.parse(("endlive",))
    parser.delete_first_token()
    return LiveNode(nodelist)
