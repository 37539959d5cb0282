"""The indikatorer pages' own blocks written into the kept frame under the key of their
kept content (``core.templatetags.frame.PAGE_KEY``): a warm page renders only the
frame's holes (the user's name, messages, path and CSRF tokens), never another's."""

import pickle
import re

import pytest
from django.core.cache import caches
from django.template.loader_tags import BlockNode
from django.test import Client

from rusfelt.core.templatetags import frame
from rusfelt.indikatorer import demo, views
from rusfelt.indikatorer.models import Indikatorsett

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PAGES = [f"/indikatorer/{demo.SLUG}/?enhet=0301&gruppe=HM3",
         f"/indikatorer/{demo.SLUG}/mal/?enhet=0301",
         f"/indikatorer/{demo.SLUG}/1/sammenlign/"]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", PAGES)
def test_a_warm_page_renders_none_of_its_blocks(units, make_user, monkeypatch, path):
    """Its title, style link and kept content were rendered on every request."""
    demo.load()
    client = _client(make_user("oslo-planlegger", ("0301", "planlegger")))
    client.get(path)
    rendered = []
    real = BlockNode.render
    monkeypatch.setattr(BlockNode, "render",
                        lambda self, context: rendered.append(self.name) or real(self, context))
    assert client.get(path).status_code == 200
    assert rendered == []


@pytest.mark.parametrize("path", PAGES)
def test_a_page_kept_with_its_blocks_shows_what_it_showed_without(
        units, make_user, monkeypatch, path):
    """The same markup as when each block was rendered per request, cold and warm, but
    for each response's own CSRF token."""
    demo.load()
    client = _client(make_user("oslo-planlegger", ("0301", "planlegger")))

    def page():
        html = client.get(path).content.decode()
        assert len(set(TOKEN.findall(html))) == 1  # one token for all the page's forms
        return TOKEN.sub("token", html)

    kept = [page(), page()]
    monkeypatch.setattr(views, "PAGE_KEY", "not-the-frames")  # blocks rendered per request
    caches[frame.FRAME_CACHE].clear()
    assert kept == [page(), page()]


def test_a_renamed_set_is_titled_anew_on_a_warm_page(units, make_user):
    demo.load()
    client = _client(make_user("oslo-leser", ("0301", "leser")))
    for path in PAGES[:2]:
        client.get(path)
    Indikatorsett.objects.filter(slug=demo.SLUG).update(name="Nytt navn")
    for path in PAGES[:2]:
        assert re.search("<title>[^<]*Nytt navn", client.get(path).content.decode())


def test_a_reader_never_gets_an_editors_kept_goals_page(units, make_user):
    """The goals page kept with an editor's forms (and name) is not a reader's."""
    demo.load()
    path = PAGES[1]
    editor = _client(make_user("oslo-planlegger", ("0301", "planlegger")))
    assert "<textarea" in editor.get(path).content.decode()
    reader = make_user("oslo-leser", ("0301", "leser"))
    html = _client(reader).get(path).content.decode()
    assert "<textarea" not in html
    assert "oslo-leser" in html and "oslo-planlegger" not in html


@pytest.mark.parametrize("path", PAGES)
def test_a_pages_kept_content_is_read_as_bytes(units, make_user, path):
    """Kept as text, a page's content was decoded from UTF-8 on every read of its entry
    (the process's cache pickles what it keeps): its æ, ø and å made that half the cost
    of the read. A warm page whose frame holds its blocks does not decode it at all."""
    demo.load()
    _client(make_user("oslo-leser", ("0301", "leser"))).get(path)
    kept = [value for value in map(pickle.loads, caches[frame.FRAME_CACHE]._cache.values())
            if isinstance(value, dict) and "content" in value]
    assert kept and all(isinstance(value["content"], bytes) for value in kept)
