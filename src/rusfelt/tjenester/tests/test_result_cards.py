"""The search results' cards: rendered once per content, never shown stale (issue 12)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import caches
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from rusfelt.core.models import OrgUnit
from rusfelt.tjenester import services
from rusfelt.tjenester.models import Tjeneste, TjenesteOversettelse
from rusfelt.tjenester.templatetags import tjenester_tags

OSLO = ZoneInfo("Europe/Oslo")
pytestmark = pytest.mark.django_db
INDEX = reverse("tjenester:index")
CARD_TEMPLATES = {"tjenester/_result_top.html", "tjenester/_result_bottom.html"}


@pytest.fixture(autouse=True)
def _fresh_memo():
    caches[tjenester_tags.KEPT_CACHE].clear()
    yield
    caches[tjenester_tags.KEPT_CACHE].clear()


def card_templates(response) -> set[str]:
    return {t.name for t in response.templates} & CARD_TEMPLATES


def results_list(response) -> str:
    html = response.content.decode()
    return html[html.index('<ol class="tj-results">'):html.index("</ol>")]


def card_of(html: str, name: str) -> str:
    """The <li> of the result called ``name``."""
    start = html.index(f">{name}</a></h3>")
    end = min(i for i in (html.find('<li class="tj-result">', start), html.index("</ol>", start))
              if i >= 0)
    return html[html.rindex('<li class="tj-result">', 0, start):end]


def test_a_repeated_search_renders_no_card_template_again(client, make_tjeneste):
    for i in range(3):
        make_tjeneste(f"t{i}", name=f"Tilbud {i}")
    first = client.get(INDEX)
    assert card_templates(first) == CARD_TEMPLATES
    again = client.get(INDEX)
    assert card_templates(again) == set()
    assert results_list(again) == results_list(first)


def test_the_cards_are_kept_in_django_s_bounded_process_cache(client, make_tjeneste):
    """Not a hand-written dict: the ``tjenester`` LocMemCache, bounded in entries."""
    kept = settings.CACHES[tjenester_tags.KEPT_CACHE]
    assert kept["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert 0 < kept["OPTIONS"]["MAX_ENTRIES"] <= 50_000
    for i in range(3):
        make_tjeneste(f"t{i}", name=f"Tilbud {i}")
    first = client.get(INDEX)
    assert card_templates(client.get(INDEX)) == set()
    caches[tjenester_tags.KEPT_CACHE].clear()  # as when the cache culls them
    again = client.get(INDEX)
    assert card_templates(again) == CARD_TEMPLATES
    assert results_list(again) == results_list(first)


def test_a_changed_service_shows_at_once_even_without_a_new_version(client, make_tjeneste):
    obj = make_tjeneste("k46", name="K46", phone="51 00 00 00", description="Et sted å være.")
    client.get(INDEX)
    # A bulk update: neither the version nor updated_at changes.
    Tjeneste.objects.filter(pk=obj.pk).update(phone="22 22 22 22", description="Nytt innhold.")
    html = client.get(INDEX).content.decode()
    card = card_of(html, "K46")
    assert "Ring 22 22 22 22" in card and "51 00 00 00" not in card
    assert "Nytt innhold." in card


def test_a_renamed_unit_shows_in_the_cards(client, make_tjeneste):
    make_tjeneste("k46", name="K46", unit="0301")
    assert "· Oslo" in card_of(client.get(INDEX).content.decode(), "K46")
    OrgUnit.objects.filter(code="0301").update(name="Christiania")
    card = card_of(client.get(INDEX).content.decode(), "K46")
    assert "· Christiania" in card and "· Oslo" not in card


def test_status_and_stale_flag_are_of_the_moment_not_of_the_memo(client, make_tjeneste):
    make_tjeneste("k46", name="K46", hours=[(0, "08:00", "15:00")],
                  verified_on=date(2025, 11, 20))
    with time_machine.travel(datetime(2026, 11, 16, 10, tzinfo=OSLO), tick=False):
        card = card_of(client.get(INDEX).content.decode(), "K46")
    assert "Åpent nå til 15.00" in card and "Ikke kontrollert" not in card
    with time_machine.travel(datetime(2026, 11, 23, 16, tzinfo=OSLO), tick=False):
        card = card_of(client.get(INDEX).content.decode(), "K46")
    assert "Stengt nå – åpner mandag kl. 08.00" in card
    assert "Ikke kontrollert siste 12 måneder" in card


def test_each_language_and_translation_has_its_own_card(client, make_tjeneste):
    obj = make_tjeneste("legevakt", name="Legevakt", description="Hjelp når det haster.")
    assert card_of(client.get(INDEX).content.decode(), "Legevakt")
    TjenesteOversettelse.objects.create(tjeneste=obj, language="en", name="Emergency clinic")
    en = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    card = card_of(en, "Emergency clinic")
    assert '<p class="tj-result__desc" lang="nb">Hjelp når det haster.</p>' in card
    TjenesteOversettelse.objects.filter(tjeneste=obj).update(description="Help when it is urgent.")
    card = card_of(client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en").content.decode(),
                   "Emergency clinic")
    assert '<p class="tj-result__desc">Help when it is urgent.</p>' in card
    nb = card_of(client.get(INDEX).content.decode(), "Legevakt")  # bokmål: its own card
    assert "Hjelp når det haster." in nb and "Emergency" not in nb


#: The page's loop over the results before ``result_items`` wrote them in Python.
TEMPLATE_LOOP = """{% load i18n tjenester_tags %}{% for r in results %}
        <li class="tj-result">
          {% result_card r "top" %}
          <p class="tj-status {% if r.status.is_open %}tj-status--open{% else %}tj-status--closed{% endif %}">{% status_text r.status now %}</p>
          {% result_card r "bottom" %}
          {% if r.stale %}<p class="tj-stale">{% translate "Ikke kontrollert siste 12 måneder" %}</p>{% endif %}
        </li>
      {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("at", [datetime(2026, 11, 23, 8, 29), datetime(2026, 11, 23, 8, 30),
                                datetime(2026, 11, 23, 23, 0)])
def test_the_result_items_are_the_template_loop_s_markup(make_tjeneste, office_hours,
                                                         language, at):
    make_tjeneste("dag", name="Dag & natt <b>", hours=office_hours, phone="22 00 00 00",
                  street_address="Gata 1", postal_code="0150", city="Oslo",
                  access_routes=["drop_in"])
    make_tjeneste("natt", name="Natt", hours=[(d, "21:00", "08:00") for d in range(7)])
    make_tjeneste("gammel", name="Gammel", verified_on=date(2024, 1, 5))
    with translation.override(language):
        results = services.page_listings(Tjeneste.objects.order_by("name").values_list(
            "pk", flat=True), at)
        assert {r.stale for r in results} == {True, False}
        expected = Template(TEMPLATE_LOOP).render(Context({"results": results, "now": at}))
        assert tjenester_tags.result_items(results, at) == expected
