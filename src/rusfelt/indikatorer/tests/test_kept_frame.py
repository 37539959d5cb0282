"""The indikatorer pages' own blocks written into the kept frame under the key of their
kept content (``core.templatetags.frame.PAGE_KEY``): a warm page renders only the
frame's holes (the user's name, messages, path and CSRF tokens), never another's, and
is sent from the kept text without the template engine (``frame.render_page``)."""

import pickle
import re

import pytest
from django.core.cache import caches
from django.middleware.csrf import _unmask_cipher_token
from django.template.base import Template
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


@pytest.mark.parametrize("path", PAGES)
def test_a_warm_page_is_sent_from_the_kept_frame_without_the_template_engine(
        units, make_user, monkeypatch, path):
    """The template engine around the kept page (the context in the engine, ``extends``,
    the page's node tree, the frame's search for the blocks the page overrides) was a
    sixth of a warm page's time. The page is the same, and tests still see its context."""
    demo.load()
    client = _client(make_user("oslo-planlegger", ("0301", "planlegger")))
    cold = client.get(path)
    rendered = []
    real = Template.render
    monkeypatch.setattr(Template, "render", lambda self, context: (
        rendered.append(self.name) or real(self, context)))
    warm = client.get(path)
    assert warm.status_code == 200 and rendered == []
    assert warm["Content-Type"] == cold["Content-Type"]
    assert TOKEN.sub("token", warm.content.decode()) == TOKEN.sub("token", cold.content.decode())
    # The page's template and the frame's, as rendering them records them.
    assert [t.name for t in warm.templates][1:] == ["base.html"]
    assert warm.templates[0].name in [t.name for t in cold.templates]
    assert warm.context["sett"] == cold.context["sett"]
    assert warm.context["user"] == cold.context["user"]
    assert warm.context[frame.PAGE_KEY] == cold.context[frame.PAGE_KEY]


LOG = 'href="/administrasjon/logg/"'


def test_each_user_gets_their_own_menu_name_language_and_token_on_a_kept_page(
        units, make_user):
    """One kept comparison (the same units, so the same kept content) for a reader, an
    administrator and a data protection officer: each warm page has its own menu, name
    and token, and a language chosen gets the page in that language."""
    demo.load()
    path = PAGES[2]
    clients = {
        "oslo-leser": _client(make_user("oslo-leser", ("0301", "leser"))),
        "oslo-admin": _client(make_user("oslo-admin", ("0301", "administrator"))),
        "oslo-ombud": _client(make_user("oslo-ombud", ("0301", "leser"),
                                        ("0301", "personvernombud"))),
    }
    for _round in range(2):  # cold, then warm
        pages = {name: client.get(path).content.decode() for name, client in clients.items()}
        for name, html in pages.items():
            assert f"<strong>{name}</strong>" in html
            assert not [other for other in clients if other != name and other in html]
            tokens = TOKEN.findall(html)
            assert len(tokens) == 2 and {_unmask_cipher_token(t) for t in tokens} == {
                clients[name].cookies["csrftoken"].value}
        assert ("Administrasjon" in pages["oslo-admin"]
                and "Administrasjon" not in pages["oslo-leser"] + pages["oslo-ombud"])
        assert (LOG in pages["oslo-ombud"] and LOG in pages["oslo-admin"]
                and LOG not in pages["oslo-leser"])
    reader = clients["oslo-leser"]
    reader.post("/i18n/setlang/", {"language": "en", "next": "/"})
    for _round in range(2):
        html = reader.get(path).content.decode()
        assert '<html lang="en">' in html and "Skip to main content" in html
    reader.post("/i18n/setlang/", {"language": "nb", "next": "/"})
    assert '<html lang="nb">' in reader.get(path).content.decode()


@pytest.mark.parametrize("path", PAGES[:2])
def test_a_kept_page_whose_state_changes_is_sent_anew(units, make_user, path):
    """A grant taken away counts on the very next request: the page kept for the user's
    units is not theirs any more (here: none left, so no page)."""
    from rusfelt.core.models import Grant

    demo.load()
    user = make_user("oslo-leser", ("0301", "leser"))
    client = _client(user)
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200
    Grant.objects.filter(user=user, unit__code="0301").delete()
    assert client.get(path).status_code in (403, 404)


def test_a_kept_page_shows_each_requests_messages_and_path(units, make_user):
    """The messages and the path are holes filled on every request, warm or not."""
    demo.load()
    client = _client(make_user("oslo-planlegger", ("0301", "planlegger")))
    path = PAGES[1]
    client.get(path)
    assert "message--" not in client.get(path).content.decode()
    # A refused assessment (no version) says so on the page it leads back to.
    client.post(f"/indikatorer/{demo.SLUG}/mal/0301/2024/HM3/", {"text": "x"})
    html = client.get(path).content.decode()
    assert "Vurderingen kunne ikke lagres." in html
    assert f'name="next" type="hidden" value="{path}"' in html
    html = client.get(path + "&til=2024").content.decode()
    assert "Vurderingen kunne ikke lagres." not in html
    assert f'name="next" type="hidden" value="{path}&amp;til=2024"' in html
