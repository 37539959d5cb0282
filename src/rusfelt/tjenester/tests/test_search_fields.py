"""The search form's filter fields: rendered once per value, language and unit
version (``tjenester_tags.search_field``), the same markup as Django's own
``core/_field.html``, never stale, and never keeping what a person typed
(issue 12)."""

import pickle

import pytest
from django.core.cache import caches
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

from rusfelt.core.models import Niva, OrgUnit
from rusfelt.tjenester.forms import SokForm
from rusfelt.tjenester.templatetags import tjenester_tags

pytestmark = pytest.mark.django_db
INDEX = reverse("tjenester:index")
FIELDS = ["q", "apen", "rolle", "alder", "kategori", "tilgang", "sted"]


@pytest.fixture(autouse=True)
def _fresh_memo():
    caches[tjenester_tags.KEPT_CACHE].clear()
    yield
    caches[tjenester_tags.KEPT_CACHE].clear()


def kept_parts() -> list[str]:
    """Every part the ``tjenester`` cache keeps, as text (LocMemCache pickles them)."""
    return [pickle.loads(value) for value in caches[tjenester_tags.KEPT_CACHE]._cache.values()]


def included(form) -> dict[str, str]:
    """Each field as the template's ``{% include "core/_field.html" %}`` writes it."""
    template = get_template("core/_field.html")
    return {name: template.render({"field": form[name]}) for name in FIELDS}


def tagged(form) -> dict[str, str]:
    return {name: tjenester_tags.search_field(form[name]) for name in FIELDS}


@pytest.mark.parametrize("data", [
    None, {}, {"q": "rus"},
    {"rolle": "parorende", "alder": "17", "kategori": "akutt", "tilgang": "telefon_forst",
     "sted": "030104", "apen": "on"},
    {"alder": "200", "sted": "9999", "kategori": "ukjent"},  # errors: rendered each time
    {"alder": "17", "sted": "0301"},
], ids=["unbound", "empty", "text", "every-filter", "errors", "kommune"])
@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_memo_writes_django_s_markup_first_time_and_again(units, data, language):
    with translation.override(language):
        form = SokForm(data)
        form.is_valid() if data is not None else None
        expected = included(form)
        assert tagged(form) == expected  # written
        again = SokForm(data)
        again.is_valid() if data is not None else None
        assert tagged(again) == expected  # read from the memo


def test_a_repeated_search_renders_no_filter_field_again(client, units):
    params = {"alder": "17", "sted": "030104", "apen": "on"}
    client.get(INDEX, params)
    response = client.get(INDEX, params)
    # Only the free-text field is rendered through the template.
    assert [t.name for t in response.templates].count("core/_field.html") == 1
    assert 'value="030104" selected' in response.content.decode()


def test_the_place_list_shows_a_renamed_or_new_unit_at_once(
        client, units, django_capture_on_commit_callbacks):
    client.get(INDEX, {"sted": "030104"})
    unit = units["030104"]
    with django_capture_on_commit_callbacks(execute=True):  # the saves' commit
        unit.name = "Gamle Oslo (nytt navn)"
        unit.save()
        OrgUnit.objects.create(code="030199", name="Ny bydel", level=Niva.BYDEL,
                               parent=units["0301"])
    html = client.get(INDEX, {"sted": "030104"}).content.decode()
    assert '<option value="030104" selected>Gamle Oslo (nytt navn)</option>' in html
    assert '<option value="030199">Ny bydel</option>' in html


def test_the_place_list_follows_the_language(client, units):
    nb = client.get(INDEX, {"sted": "0301"}).content.decode()
    with translation.override("en"):
        english = tjenester_tags.search_field(SokForm({"sted": "0301"})["sted"])
    assert '<option value="0301" selected>All of Oslo</option>' in english
    assert "Hele Oslo" not in english
    assert '<option value="0301" selected>Hele Oslo</option>' in nb


def test_what_a_person_types_is_never_kept(client, units):
    client.get(INDEX, {"q": "Ola Nordmann 01017012345", "alder": "17"})
    parts = kept_parts()
    kept = " ".join(parts)
    assert any('value="17"' in part for part in parts)  # the age was kept ...
    assert "Nordmann" not in kept and "01017012345" not in kept  # ... the text never
