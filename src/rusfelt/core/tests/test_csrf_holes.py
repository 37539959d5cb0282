"""A form's CSRF token in kept markup (``core.csrf_holes``): one mechanism for the frame of
every page and for the goals page's kept forms, each request filling in its own token."""

import re
from collections import Counter

import pytest
from django.core.cache import caches
from django.middleware.csrf import _unmask_cipher_token
from django.template import Context, Template
from django.test import Client
from django.utils.html import escape

from rusfelt.core import csrf_holes
from rusfelt.core.templatetags import frame
from rusfelt.indikatorer import demo, services
from rusfelt.indikatorer.models import Gruppe

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
#: What a hole looks like in kept markup: what a user might write to get it filled.
LOOKALIKE = '<input type="hidden" name="csrfmiddlewaretoken" value="csrf-hole">'


def _kept(markup_template: str, **context) -> tuple[str, ...]:
    written = Template(markup_template).render(Context({**context, **csrf_holes.writing()}))
    return csrf_holes.split(written)


def test_each_token_tag_of_kept_markup_is_filled_with_the_token_it_is_given():
    parts = _kept("<form>{% csrf_token %}</form><form>{% csrf_token %}</form>")
    assert len(parts) == 3
    for token in ("a" * 64, "b" * 64):
        assert csrf_holes.fill(parts, token) == (
            f'<form><input type="hidden" name="csrfmiddlewaretoken" value="{token}"></form>'
            f'<form><input type="hidden" name="csrfmiddlewaretoken" value="{token}"></form>')


def test_kept_markup_without_a_token_is_filled_as_the_tag_writes_it():
    assert csrf_holes.fill(_kept("<form>{% csrf_token %}</form>"), None) == "<form></form>"
    assert csrf_holes.fill(_kept("<p>x</p>"), "a" * 64) == "<p>x</p>"


def test_text_a_user_wrote_that_looks_like_a_hole_is_escaped_and_never_filled():
    parts = _kept("<form>{% csrf_token %}<p>{{ text }}</p></form>", text=LOOKALIKE)
    assert len(parts) == 2
    filled = csrf_holes.fill(parts, "a" * 64)
    assert f"<p>{escape(LOOKALIKE)}</p>" in filled
    assert TOKEN.findall(filled) == ["a" * 64]


def test_the_frame_keeps_its_forms_tokens_as_the_same_holes():
    """The frame's sign-out form is kept with a hole of ``csrf_holes`` (not a node of its
    own), filled with each render's token; its text never holds a token."""
    template = Template("{% load frame %}{% frame %}<form>{% csrf_token %}</form>"
                        "<p>{{ text }}</p>{% endframe %}")
    first = template.render(Context({"csrf_token": "a" * 64, "text": LOOKALIKE}))
    second = template.render(Context({"csrf_token": "b" * 64, "text": LOOKALIKE}))
    assert TOKEN.findall(first) == ["a" * 64] and TOKEN.findall(second) == ["b" * 64]
    assert escape(LOOKALIKE) in second
    (node,) = template.nodelist.get_nodes_by_type(frame.FrameNode)
    assert node.holes == []  # no node is rendered per request: the token is a kept hole
    kept = [v for v in caches[frame.FRAME_CACHE]._cache.values()]
    assert kept and not any("a" * 64 in str(v) or "b" * 64 in str(v) for v in kept)


@pytest.mark.django_db
def test_a_warm_frames_sign_out_form_posts_with_csrf_checks_on(make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("leser", ("0301", "leser")))
    client.get("/enheter/")  # the frame is kept
    page = client.get("/enheter/").content.decode()
    action, token = re.search(r'<form action="([^"]+)" method="post">\s*'
                              r'<input type="hidden" name="csrfmiddlewaretoken" '
                              r'value="([^"]+)">', page).groups()
    assert client.post(action, {"csrfmiddlewaretoken": token}).status_code == 302
    assert "Innlogget som" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_two_editors_get_their_own_tokens_in_a_kept_goals_page_and_post_with_them(
        units, make_user):
    """Two editors who share the goals page's kept forms each get their own token there
    (and in the frame), and each posts with CSRF checks on with the token they got."""
    demo.load()
    url = f"/indikatorer/{demo.SLUG}/mal/?enhet=0301&til=2020"
    editors = []
    for name in ("forste-planlegger", "andre-planlegger"):
        client = Client(enforce_csrf_checks=True)
        client.force_login(make_user(name, ("0301", "planlegger")))
        editors.append(client)
    editors[0].get(url)  # kept by the first
    for number, client in enumerate(editors):
        page = client.get(url).content.decode()
        assert csrf_holes.HOLE not in page
        tokens = TOKEN.findall(page)
        assert len(tokens) > 2  # the frame's two and one per goal's form
        secret = client.cookies["csrftoken"].value
        assert {_unmask_cipher_token(token) for token in tokens} == {secret}
        action, token = re.search(
            r'<form method="post" action="([^"]+/HM1/)" class="form">\s*'
            r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">', page).groups()
        version = re.search(r'name="HM1-version" value="(\d+)"', page).group(1)
        posted = client.post(action, {"csrfmiddlewaretoken": token, "HM1-version": version,
                                      "HM1-text": f"Vurdering {number}"})
        assert posted.status_code == 302
        assert f"Vurdering {number}" in client.get(url).content.decode()
    assert editors[0].cookies["csrftoken"].value != editors[1].cookies["csrftoken"].value


@pytest.mark.django_db
def test_an_assessment_written_like_a_hole_is_shown_escaped_on_a_kept_goals_page(
        units, make_user):
    demo.load()
    planner = make_user("oslo-planlegger", ("0301", "planlegger"))
    services.save_assessment(gruppe=Gruppe.objects.get(sett__slug=demo.SLUG, code="HM1"),
                             unit=units["0301"], year=2018, text=LOOKALIKE, version=0,
                             user=planner)
    url = f"/indikatorer/{demo.SLUG}/mal/?enhet=0301&til=2018"  # Oslo's last year
    for user in (planner, make_user("oslo-leser", ("0301", "leser"))):
        client = Client()
        client.force_login(user)
        client.get(url)
        page = client.get(url).content.decode()
        assert escape(LOOKALIKE) in page
        secret = client.cookies["csrftoken"].value
        assert {_unmask_cipher_token(t) for t in TOKEN.findall(page)} == {secret}


@pytest.mark.django_db
def test_a_kept_goals_pages_forms_carry_the_token_of_the_frames_forms(units, make_user):
    """The kept forms were filled with a token masked apart from the frame's (by Django's
    get_token, a read of the random source per character); every form of the page now
    carries the page's one token (``{% csrf_filled %}``)."""
    demo.load()
    client = Client()
    client.force_login(make_user("oslo-planlegger", ("0301", "planlegger")))
    url = f"/indikatorer/{demo.SLUG}/mal/?enhet=0301&til=2018"
    client.get(url)
    tokens = TOKEN.findall(client.get(url).content.decode())
    assert len(tokens) > 2 and len(set(tokens)) == 1


def _request_with_secret():
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = _get_new_csrf_string()
    return request


def test_a_masked_token_is_djangos_the_secret_under_a_new_mask_its_cookie_renewed():
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_TOKEN_LENGTH

    request = _request_with_secret()
    tokens = {csrf_holes.masked_token(request) for _ in range(50)}
    assert len(tokens) == 50
    for token in tokens:
        assert len(token) == CSRF_TOKEN_LENGTH and set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_a_masks_characters_are_each_as_likely():
    """128 000 characters of masks: each of the 62 some 2 065 times (a standard deviation
    of some 45), none outside them. A byte taken modulo 62 without drawing again would
    give the first eight characters 5/256 of the draws, some 2 500 times each: far above
    the bound, which lies six standard deviations from the mean."""
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

    request = _request_with_secret()
    counts = Counter(char for _ in range(4000)
                     for char in csrf_holes.masked_token(request)[:CSRF_SECRET_LENGTH])
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    assert all(1795 < count < 2335 for count in counts.values()), counts


def test_a_request_without_a_secret_gets_one_from_django():
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    token = csrf_holes.masked_token(request)
    assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_a_hole_is_filled_as_the_tag_writes_the_token():
    token = "a" * 64
    assert csrf_holes.token_input(token) == csrf_holes._input(token)
    assert csrf_holes.token_input('"<>') == csrf_holes._input('"<>')  # escaped alike
    for nothing in (None, ""):
        assert csrf_holes.token_input(nothing) == "" == csrf_holes._input(nothing)


def test_a_pages_token_comes_from_the_context_processor_masked_anew():
    from django.template import RequestContext

    request = _request_with_secret()
    template = Template("{% csrf_token %}")
    first, second = (template.render(RequestContext(request)) for _ in range(2))
    (one,), (two,) = TOKEN.findall(first), TOKEN.findall(second)
    assert one != two
    assert _unmask_cipher_token(one) == _unmask_cipher_token(two) == request.META["CSRF_COOKIE"]
