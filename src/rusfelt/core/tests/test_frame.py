"""The frame of every page, written once per process (``core.templatetags.frame``).

The frame's text is kept per language, URL configuration, menu and signed-in
state; a user's name, CSRF token and messages and the current path are put in
on every request, so no user ever gets another's (issue 12).
"""

import re

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.middleware.csrf import _unmask_cipher_token
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.loader import render_to_string
from django.template.loader_tags import BlockNode
from django.templatetags.static import StaticNode
from django.test import Client, RequestFactory

from rusfelt.core.templatetags import frame

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_warm_page_writes_the_frames_links_once_per_process(client, make_user, monkeypatch):
    """The frame's static links (and its other fixed nodes) were written on every page."""
    client.force_login(make_user("leser", ("0301", "leser")))
    client.get("/enheter/")
    written = []
    real = StaticNode.url
    monkeypatch.setattr(StaticNode, "url",
                        lambda self, context: written.append(real(self, context))
                        or written[-1])
    html = client.get("/enheter/").content.decode()
    assert "rusfelt/css/site.css" in html
    assert not [url for url in written if "rusfelt/css/" in url]


def test_two_users_each_get_their_own_name_and_csrf_token(make_user):
    first = _signed_in(make_user("forste-leser", ("0301", "leser")))
    second = _signed_in(make_user("andre-leser", ("0301", "leser")))
    pages = [first.get("/enheter/").content.decode(), second.get("/enheter/").content.decode()]
    assert "forste-leser" in pages[0] and "andre-leser" not in pages[0]
    assert "andre-leser" in pages[1] and "forste-leser" not in pages[1]
    for client, html in zip((first, second), pages, strict=True):
        tokens = TOKEN.findall(html)
        assert len(tokens) == 2  # the language form's and the sign-out's
        secret = client.cookies["csrftoken"].value
        assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_each_language_gets_its_own_frame(client, make_user):
    client.force_login(make_user("leser", ("0301", "leser")))
    assert "Hopp til hovedinnholdet" in client.get("/enheter/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/enheter/").content.decode()
    assert '<html lang="en">' in english and "Skip to main content" in english
    assert "Hopp til hovedinnholdet" not in english


def test_signing_out_takes_the_name_off_the_frame_at_once(client, make_user):
    client.force_login(make_user("leser", ("0301", "leser")))
    assert "Innlogget som" in client.get("/").content.decode()
    client.post("/logg-ut/")
    html = client.get("/").content.decode()
    assert "Innlogget som" not in html and "leser" not in html
    assert 'href="/logg-inn/"' in html


def test_the_frame_shows_the_current_path_and_messages_of_each_request(make_user):
    user = make_user("leser", ("0301", "leser"))

    def page(path, message=None):
        request = RequestFactory().get(path)
        request.user, request.session = user, SessionStore()
        request._messages = FallbackStorage(request)
        if message:
            messages.info(request, message)
        return render_to_string("base.html", request=request)

    first = page("/enheter/?side=2", "Tilgangen er gitt.")
    assert 'name="next" type="hidden" value="/enheter/?side=2"' in first
    assert "Tilgangen er gitt." in first
    second = page("/")
    assert 'value="/"' in second and "Tilgangen er gitt." not in second


def test_an_anonymous_frame_carries_no_user_and_no_sign_out():
    request = RequestFactory().get("/")
    request.user, request.session = AnonymousUser(), SessionStore()
    request._messages = FallbackStorage(request)
    html = render_to_string("base.html", request=request)
    assert "Innlogget som" not in html and "/logg-ut/" not in html
    assert len(TOKEN.findall(html)) == 1  # the language form's


def test_a_frame_refuses_an_include_it_cannot_see_into():
    with pytest.raises(TemplateSyntaxError):
        Template('{% load frame %}{% frame %}{% include "base.html" %}{% endframe %}')
    # In a hole it is rendered on every request.
    Template('{% load frame %}{% frame %}{% live %}{% include "base.html" %}{% endlive %}'
             '{% endframe %}')


def test_a_frame_keeps_its_text_under_its_key_and_renders_its_holes_each_time():
    template = Template("{% load frame %}{% frame kind %}<p>{{ kind }} {{ shown }}</p>"
                        "{% live %}[{{ shown }}]{% endlive %}{% endframe %}")
    assert template.render(Context({"kind": "a", "shown": 1})) == "<p>a 1</p>[1]"
    # Outside the hole only the key's variables may differ: the text is kept.
    assert template.render(Context({"kind": "a", "shown": 2})) == "<p>a 1</p>[2]"
    assert template.render(Context({"kind": "b", "shown": 3})) == "<p>b 3</p>[3]"


def test_a_warm_page_renders_no_block_it_leaves_as_the_frames(client, make_user, monkeypatch):
    """The language form (a block most pages leave as base.html writes it) was rendered on
    every request, though only its path changes: it is written into the frame's text."""
    client.force_login(make_user("leser", ("0301", "leser")))
    client.get("/enheter/")
    rendered = []
    real = BlockNode.render
    monkeypatch.setattr(BlockNode, "render",
                        lambda self, context: rendered.append(self.name) or real(self, context))
    html = client.get("/enheter/?side=2").content.decode()
    assert "language_form" not in rendered
    assert 'name="next" type="hidden" value="/enheter/?side=2"' in html
    assert 'name="language" value="en"' in html


def test_a_warm_frames_markup_is_the_markup_it_wrote(client, make_user):
    """The kept frame (its blocks left as base.html writes them included) shows what a
    frame written afresh shows, but for each request's own CSRF token and path."""
    client.force_login(make_user("leser", ("0301", "leser")))

    def page(path):
        html = TOKEN.sub("token", client.get(path).content.decode())
        assert f'name="next" type="hidden" value="{path}"' in html
        return html.replace(f'value="{path}"', 'value="PATH"')

    caches[frame.FRAME_CACHE].clear()
    written = page("/enheter/")
    assert page("/enheter/?side=2") == written
    caches[frame.FRAME_CACHE].clear()
    assert page("/enheter/?side=2") == written


def test_a_block_a_page_overrides_is_its_own_and_one_it_leaves_the_frames():
    """Which blocks a page overrides is in the frame's key: pages extending one frame,
    rendered in turn, each get their own blocks and the frame's for the rest."""
    engine = Engine(libraries={"frame": "rusfelt.core.templatetags.frame"}, loaders=[(
        "django.template.loaders.locmem.Loader", {
            "base": "{% load frame %}{% frame %}<h1>{% block title %}frame's{% endblock %}"
                    "</h1><p>{% block body %}{% live %}{{ x }}{% endlive %}{% endblock %}"
                    "</p>{% endframe %}",
            "own": '{% extends "base" %}{% block title %}own {{ x }}{% endblock %}',
            "left": '{% extends "base" %}'})])
    for x in (1, 2):
        assert engine.get_template("own").render(Context({"x": x})) == (
            f"<h1>own {x}</h1><p>{x}</p>")
        assert engine.get_template("left").render(Context({"x": x})) == (
            f"<h1>frame's</h1><p>{x}</p>")
        assert engine.get_template("base").render(Context({"x": x})) == (
            f"<h1>frame's</h1><p>{x}</p>")


def _frame_engine(**templates) -> Engine:
    return Engine(libraries={"frame": "rusfelt.core.templatetags.frame"}, loaders=[(
        "django.template.loaders.locmem.Loader", {
            "base": "{% load frame %}<!DOCTYPE html>{% frame x %}<h1>{% block title %}"
                    "frame's{% endblock %}</h1>{% live %}{{ y }}{% endlive %}{% endframe %}\n",
            **templates})])


def test_a_kept_page_is_sent_from_the_frames_text_under_the_frames_own_key():
    """``render_page``'s answer without the template engine: the text ``render`` kept under
    the same key, its holes filled for this request; nothing when nothing is kept for the
    key (another argument, another page state) or the context lacks an argument."""
    engine = _frame_engine(page='{% extends "base" %}{% block title %}own {{ t }}{% endblock %}')
    page = engine.get_template("page")
    plan = frame._plan(page)
    request = RequestFactory().get("/")
    state = {"x": 1, "t": "a", frame.PAGE_KEY: ("state", 1)}
    assert page.render(Context({**state, "y": 2})) == "<!DOCTYPE html><h1>own a</h1>2\n"

    def kept(**context):
        response = plan.frame.kept_response(request, page, plan, context)
        return response and response.content.decode()

    assert kept(**state, y=3) == "<!DOCTYPE html><h1>own a</h1>3\n"
    assert kept(**{**state, "x": 2}, y=3) is None
    assert kept(**{**state, frame.PAGE_KEY: ("state", 2)}, y=3) is None
    assert kept(t="a", y=3, **{frame.PAGE_KEY: ("state", 1)}) is None


def test_only_a_page_extending_a_frame_with_text_around_it_is_sent_from_its_text():
    engine = _frame_engine(
        own='{% extends "base" %}{% block title %}own{% endblock %}',
        left='{% extends "base" %}',
        middle='{% extends "own" %}',
        around="{% load frame %}{% block top %}{% endblock %}{% frame %}{% endframe %}",
        outside='{% extends "around" %}',
        plain="<p>{{ x }}</p>")
    assert frame._plan(engine.get_template("own")).overridden == (True,)
    assert frame._plan(engine.get_template("left")).overridden == (False,)
    assert frame._plan(engine.get_template("own")).before == b"<!DOCTYPE html>"
    for name in ("middle", "outside", "plain", "base"):
        assert frame._plan(engine.get_template(name)) is None
