"""What each process keeps of the indikatorer pages (issue 12): Django's per-process
cache ``sider`` (``views._kept``), under keys naming everything an entry is built from.

Each kept part is checked the same way: built once for the same key, and built again
when any one part of its key changes, so a part dropped from a key fails here; and a
page shows what a new data version brings at once.
"""

import re
from types import SimpleNamespace
from unittest import mock

import pytest
import time_machine
from django.core.cache import caches
from django.test import RequestFactory
from django.urls import get_script_prefix, set_script_prefix
from django.utils import translation

from rusfelt.core import csrf_holes
from rusfelt.indikatorer import demo, views
from rusfelt.indikatorer.models import Gruppe, Indikatorsett


@pytest.fixture(autouse=True)
def _empty_kept():
    """The tests count builds: nothing kept by an earlier test in this process."""
    caches[views.KEPT_CONTENT_CACHE].clear()
    yield
    caches[views.KEPT_CONTENT_CACHE].clear()


def _sett(pk=1, version=1):
    return SimpleNamespace(pk=pk, data_version=version)


def _each_part_is_its_own_entry(get, base: dict, changes: dict):
    """``get(**base)`` builds once and keeps; ``get(**base | {part: other})`` builds again
    for every part in ``changes``; returns the number of builds."""
    first = get(**base)
    assert get(**base) == first  # kept: not built again
    seen = [first]
    for part, other in changes.items():
        value = get(**{**base, part: other})
        assert value not in seen, f"{part} is not in the key"
        seen.append(value)
    return len(seen)


def test_kept_filter_choices_are_keyed_by_set_version_token_and_scope(
        db, monkeypatch, make_user):
    builds = []
    monkeypatch.setattr(views, "_build_filter_choices",
                        lambda user, sett, token: builds.append(token) or len(builds))
    reader = make_user("oslo-leser", ("0301", "leser"))
    bergen = make_user("bergen-leser", ("4601", "leser"))

    def get(user, sett, token):
        return views._filter_choices(user, sett, token)

    count = _each_part_is_its_own_entry(
        get, {"user": reader, "sett": _sett(), "token": "a"},
        {"sett": _sett(pk=2), "token": "b", "user": bergen})
    assert views._filter_choices(reader, _sett(version=2), "a") not in range(1, count + 1)
    # Users whose grants select the same units share one entry (the key is the scope).
    assert get(make_user("oslo-leser-2", ("0301", "leser")), _sett(), "a") == 1


def test_kept_filter_choices_last_their_seconds_and_no_longer(db, monkeypatch, make_user):
    """A renamed unit is a new data version of the unit tree; a name changed otherwise
    shows in the lists once the kept choices run out."""
    builds = []
    monkeypatch.setattr(views, "_build_filter_choices",
                        lambda user, sett, token: builds.append(1) or len(builds))
    user = make_user("oslo-leser", ("0301", "leser"))
    with time_machine.travel(0, tick=False) as clock:
        assert views._filter_choices(user, _sett(), "a") == 1
        clock.shift(views.FILTER_CHOICES_SECONDS - 1)
        assert views._filter_choices(user, _sett(), "a") == 1
        clock.shift(2)
        assert views._filter_choices(user, _sett(), "a") == 2


def test_kept_filter_fields_are_keyed_by_all_they_show(monkeypatch):
    builds = []
    monkeypatch.setattr(views, "render_to_string",
                        lambda template, context: builds.append(1) or f"<b>{len(builds)}</b>")
    factory = RequestFactory()
    prefix = get_script_prefix()

    def get(key, fields, sep, query, language, script_prefix):
        set_script_prefix(script_prefix)
        try:
            with translation.override(language):
                return views._fields_html(factory.get("/", query), {f: f for f in fields},
                                          fields, key, sep)
        finally:
            set_script_prefix(prefix)

    base = {"key": ("status", 1, 1, "a", ("/0301/",)), "fields": ["enhet"], "sep": "",
            "query": {"enhet": "0301"}, "language": "nb", "script_prefix": "/"}
    changes = {"fields": ["til"], "sep": "\n", "query": {"enhet": "4601"},
               "language": "en", "script_prefix": "/rusfelt/"}
    # Each part of the caller's key: the page, the set, its version, the token, the scope.
    for at, other in enumerate(["goals", 2, 2, "b", ("/4601/",)]):
        key = list(base["key"])
        key[at] = other
        changes[f"key{at}"] = tuple(key)
    seen = [get(**base)]
    assert get(**base) == seen[0]
    for part, other in changes.items():
        value = get(**{**base, "key" if part.startswith("key") else part: other})
        assert value not in seen, f"{part} is not in the key"
        seen.append(value)
    caches[views.KEPT_CONTENT_CACHE].clear()
    with time_machine.travel(0, tick=False) as clock:
        kept = get(**base)
        clock.shift(views.FILTER_CHOICES_SECONDS - 1)
        assert get(**base) == kept
        clock.shift(views.FILTER_CHOICES_SECONDS + 1)
        assert get(**base) != kept


def test_kept_coverage_is_keyed_by_set_version_and_token(monkeypatch):
    builds = []
    monkeypatch.setattr(views.services, "coverage",
                        lambda sett: builds.append(1) or {len(builds): (2020,)})
    _each_part_is_its_own_entry(
        lambda sett, token: views._coverage(sett, token), {"sett": _sett(), "token": "a"},
        {"sett": _sett(pk=2), "token": "b"})
    assert views._coverage(_sett(version=2), "a") == {len(builds): (2020,)}
    assert len(builds) == 4


def test_kept_definitions_are_keyed_by_set_version_and_token():
    builds = []

    def sett(pk=1, version=1):
        return SimpleNamespace(
            pk=pk, data_version=version,
            grupper=SimpleNamespace(all=lambda: builds.append(1) or [len(builds)]),
            indikatorer=SimpleNamespace(values_list=lambda *a, **k: ["SSB", ""]))

    count = _each_part_is_its_own_entry(
        lambda sett, token: views._definitions(sett, token), {"sett": sett(), "token": "a"},
        {"sett": sett(pk=2), "token": "b"})
    assert views._definitions(sett(version=2), "a") == ([count + 1], ["SSB"])


def test_kept_parts_of_different_kinds_never_share_an_entry():
    assert views._kept(("dekning", 1, 1, "a"), lambda: "coverage") == "coverage"
    assert views._kept(("definisjoner", 1, 1, "a"), lambda: "definitions") == "definitions"
    assert views._kept(("dekning", 1, 1, "a"), lambda: "built again") == "coverage"


# --- A new data version shows at once -------------------------------------------------


@pytest.fixture
def reader(client, units, make_user):
    demo.load()
    client.force_login(make_user("evaluator", ("0", "leser")))
    return client


def _group_options(html):
    select = html.split('name="gruppe"', 1)[1].split("</select>", 1)[0]
    return select


def test_a_new_group_is_offered_by_the_filters_at_once(reader):
    url = f"/indikatorer/{demo.SLUG}/"
    assert "Et nytt mål" not in _group_options(reader.get(url).content.decode())
    sett = Indikatorsett.objects.get(slug=demo.SLUG)
    Gruppe.objects.create(sett=sett, code="HM99", name="Et nytt mål", order=99)
    assert "Et nytt mål" in _group_options(reader.get(url).content.decode())


def test_a_new_source_is_offered_by_the_filters_at_once(reader):
    url = f"/indikatorer/{demo.SLUG}/"
    assert "Ny kilde" not in reader.get(url).content.decode()
    indikator = Indikatorsett.objects.get(slug=demo.SLUG).indikatorer.get(number=16)
    indikator.source = "Ny kilde"
    indikator.save()
    assert '<option value="Ny kilde">' in reader.get(url).content.decode()


def test_a_changed_baseline_year_shows_in_the_years_at_once(reader):
    """The years a table spans are kept with the unit and the user's units; the set's
    baseline year is not part of its data version, so it is in their key."""
    url = f"/indikatorer/{demo.SLUG}/"
    first, last = (reader.get(url).context[k] for k in ("first_year", "last_year"))
    assert first == last - 2
    sett = Indikatorsett.objects.get(slug=demo.SLUG)
    sett.baseline_year = last - 1
    sett.save()
    assert reader.get(url).context["first_year"] == last - 1


# --- The goals page's written assessments: read for the unit alone (issue 12) -----------


@pytest.mark.parametrize("grants", [
    [("0301", "planlegger")], [("030104", "kartlegger")], [("4601", "leser")],
    [("0", "leser")], [("0", "leser"), ("4601", "administrator")], [],
])
def test_assessments_for_a_unit_are_those_for_user_gives(units, make_user, grants):
    """``for_user_on`` checks the rule on the unit's path: for every unit it gives the rows
    ``for_user``'s SQL gives of that unit."""
    from rusfelt.core.roles import Role
    from rusfelt.indikatorer.models import Maalvurdering

    demo.load()
    gruppe = Indikatorsett.objects.get(slug=demo.SLUG).grupper.first()
    for unit in units.values():
        Maalvurdering.objects.create(gruppe=gruppe, unit=unit, year=2024, text=unit.code)
    user = make_user("bruker", *grants)
    for roles in (None, [Role.LESER], [Role.PLANLEGGER]):
        for unit in units.values():
            in_sql = set(Maalvurdering.objects.for_user(user, roles).filter(unit=unit))
            assert set(Maalvurdering.objects.for_user_on(user, unit, roles)) == in_sql, (
                grants, roles, unit)


def test_a_goals_page_reads_its_assessments_without_a_join_or_subquery(
        client, units, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    demo.load()
    client.force_login(make_user("oslo-planlegger", ("0301", "planlegger")))
    url = f"/indikatorer/{demo.SLUG}/mal/?enhet=0301"
    with CaptureQueriesContext(connection) as queries:  # the first view reads them
        assert client.get(url).status_code == 200
    read = [q["sql"] for q in queries.captured_queries if "indikatorer_maalvurdering" in q["sql"]]
    assert len(read) == 1 and " JOIN " not in read[0] and "core_orgunit" not in read[0], read


@pytest.mark.parametrize(("query", "grant"), [
    ("?enhet=0301&gruppe=HM3&vurdering=rod", ("0", "leser")),  # status, filtered
    ("mal/?enhet=0301", ("0", "leser")),                     # goals, a reader
    ("mal/?enhet=0301", ("0301", "planlegger")),             # goals, an editor's forms
])
def test_a_warm_status_or_goals_page_reads_one_kept_entry(units, make_user, monkeypatch,
                                                          query, grant):
    """A warm status or goals page read four kept entries: the filters' cleaned data, the
    unit, the table's years (the goals page's shared with the status table) and its
    content; now one per state of the page, showing the same."""
    from django.test import Client

    demo.load()
    client = Client()
    client.force_login(make_user("bruker", grant))
    url = f"/indikatorer/{demo.SLUG}/{query}"
    first = client.get(url)
    kept = caches[views.KEPT_CONTENT_CACHE]
    read = []
    real = kept.get
    monkeypatch.setattr(kept, "get", lambda key, *a, **k: read.append(key) or real(key, *a, **k))
    again = client.get(url)
    assert again.status_code == 200
    assert len([key for key in read if key.startswith("indikatorer:")]) == 1, read
    main = [_without_csrf_tokens(r.content.decode().split("<main", 1)[1]) for r in (first, again)]
    assert main[0] == main[1]
    if not query.startswith("mal/"):  # the status page's years, as the first view's
        assert again.context["last_year"] == first.context["last_year"]


def _without_csrf_tokens(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_a_warm_goals_page_reads_no_assessments_for_an_editor(units, make_user):
    """An editor's goals page read the written assessments and built and rendered a form
    for each goal on every view (~4x a reader's page); the forms' markup is kept like a
    reader's assessments, per data version, and each form gets the request's own CSRF
    token, which a post with CSRF checks on is accepted with."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from rusfelt.indikatorer.forms import AssessmentForm

    demo.load()
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("oslo-planlegger", ("0301", "planlegger")))
    url = f"/indikatorer/{demo.SLUG}/mal/?enhet=0301&til=2020"
    first = client.get(url)
    built = []
    real = AssessmentForm.__init__
    with CaptureQueriesContext(connection) as queries, mock.patch.object(
            AssessmentForm, "__init__",
            lambda self, *a, **k: built.append(k.get("prefix")) or real(self, *a, **k)):
        again = client.get(url)
    assert again.status_code == 200 and built == []
    assert not [q for q in queries.captured_queries
                if "indikatorer_maalvurdering" in q["sql"]]
    page = again.content.decode()
    assert page.count("Lagre vurdering") == len(Gruppe.objects.filter(sett__slug=demo.SLUG))
    assert csrf_holes.HOLE not in page
    main = [_without_csrf_tokens(r.content.decode().split("<main", 1)[1]) for r in (first, again)]
    assert main[0] == main[1]
    # The kept form posts with the token it was given in this request.
    action, token = re.search(r'<form method="post" action="([^"]+/HM1/)" class="form">\s*'
                              r'<input type="hidden" name="csrfmiddlewaretoken" '
                              r'value="([^"]+)">', page).groups()
    posted = client.post(action, {"csrfmiddlewaretoken": token, "HM1-version": "0",
                                  "HM1-text": "Skrevet i et skjema fra minnet"})
    assert posted.status_code == 302
    assert "Skrevet i et skjema fra minnet" in client.get(url).content.decode()


def test_a_warm_goals_page_reads_no_assessments_for_a_reader(reader):
    """A reader's goals page read the written assessments on every view, one query more
    than the status table; they are kept with its markup, per data version."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/indikatorer/{demo.SLUG}/mal/?enhet=0301"
    reader.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert reader.get(url).status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in sql if "indikatorer_maalvurdering" in s], sql


def _save(user, text, version):
    from rusfelt.core.models import OrgUnit
    from rusfelt.indikatorer import services

    gruppe = Gruppe.objects.get(sett__slug=demo.SLUG, code="HM1")
    return services.save_assessment(gruppe=gruppe, unit=OrgUnit.objects.get(code="0301"),
                                    year=2020, text=text, version=version, user=user)


def test_a_readers_goals_page_shows_each_written_assessment_at_once(reader, make_user):
    """Saved anew, corrected, written in the admin (a model save) and deleted: each is a
    new data version, so a reader's kept assessments are never the old ones."""
    url = f"/indikatorer/{demo.SLUG}/mal/?enhet=0301&til=2020"
    planner = make_user("oslo-planlegger", ("0301", "planlegger"))
    assert "Ingen skriftlig vurdering." in reader.get(url).content.decode()
    assessment = _save(planner, "Første vurdering", 0)
    assert "Første vurdering" in reader.get(url).content.decode()
    _save(planner, "Rettet vurdering", assessment.version)
    page = reader.get(url).content.decode()
    assert "Rettet vurdering" in page and "Første vurdering" not in page
    assessment.refresh_from_db()
    assessment.text = "Skrevet i admin"
    assessment.save()
    assert "Skrevet i admin" in reader.get(url).content.decode()
    assessment.delete()
    page = reader.get(url).content.decode()
    assert "Skrevet i admin" not in page and "Ingen skriftlig vurdering." in page


def test_kept_assessments_are_never_shown_to_a_reader_without_a_role_on_the_unit(
        client, units, make_user):
    """The country's figures are open to every signed-in user, its written assessments
    only to those with a role on it: a reader of Oslo alone never gets the country's,
    even when a national reader's page was kept first."""
    from rusfelt.indikatorer import services

    demo.load()
    national = make_user("nasjonal", ("0", "planlegger"))
    gruppe = Gruppe.objects.get(sett__slug=demo.SLUG, code="HM1")
    client.force_login(national)
    url = f"/indikatorer/{demo.SLUG}/mal/?enhet=0&til=2020"
    client.get(url)
    services.save_assessment(gruppe=gruppe, unit=units["0"], year=2020, text="Nasjonal tekst",
                             version=0, user=national)
    client.force_login(make_user("nasjonal-leser", ("0", "leser")))
    assert "Nasjonal tekst" in client.get(url).content.decode()
    client.force_login(make_user("oslo-leser", ("0301", "leser")))
    page = client.get(url)
    assert page.status_code == 200 and "Nasjonal tekst" not in page.content.decode()


@pytest.mark.parametrize("first", ["planlegger", "leser"])
def test_a_kept_goals_page_offers_its_forms_only_to_an_editor(units, make_user, first):
    """A reader and a planner of Oslo see the same units (one scope of read roles): only
    the planner may write, and only the planner's kept page has the forms."""
    from django.test import Client

    demo.load()
    url = f"/indikatorer/{demo.SLUG}/mal/?enhet=0301&til=2018"
    pages = {}
    for role in (first, *({"planlegger", "leser"} - {first})):
        client = Client()
        client.force_login(make_user(f"oslo-{role}", ("0301", role)))
        client.get(url)
        pages[role] = client.get(url).content.decode()
    assert "Lagre vurdering" in pages["planlegger"]
    assert "Lagre vurdering" not in pages["leser"] and "<textarea" not in pages["leser"]


@pytest.mark.parametrize("first", ["with", "without"])
def test_kept_national_assessments_are_shown_only_with_a_role_on_the_country(
        units, make_user, first):
    """Two readers of Oslo alone (one scope of read roles), one of them also the country's
    administrator: only that one holds a role on the country, so only that one is shown
    its written assessments, whoever's page was kept first."""
    from django.test import Client

    from rusfelt.indikatorer import services

    demo.load()
    national = make_user("nasjonal", ("0", "planlegger"))
    services.save_assessment(gruppe=Gruppe.objects.get(sett__slug=demo.SLUG, code="HM1"),
                             unit=units["0"], year=2020, text="Nasjonal tekst", version=0,
                             user=national)
    users = {"with": make_user("oslo-admin", ("0301", "leser"), ("0", "administrator")),
             "without": make_user("oslo-leser", ("0301", "leser"))}
    url = f"/indikatorer/{demo.SLUG}/mal/?enhet=0&til=2020"
    pages = {}
    for who in (first, *({"with", "without"} - {first})):
        client = Client()
        client.force_login(users[who])
        client.get(url)
        response = client.get(url)
        assert response.status_code == 200
        pages[who] = response.content.decode()
    assert "Nasjonal tekst" in pages["with"]
    assert "Nasjonal tekst" not in pages["without"]


@pytest.mark.parametrize("page", ["", "mal/"])
def test_a_warm_status_or_goals_page_parses_no_query(units, make_user, monkeypatch, page):
    """A warm page parsed its query and wrote it out again only to key its kept entry;
    the query as sent keys it now. The same query written otherwise is an entry of its
    own that shows the same figures (its links keep the query's order)."""
    from django.http import QueryDict
    from django.test import Client

    demo.load()
    client = Client()
    client.force_login(make_user("bruker", ("0", "leser")))
    base = f"/indikatorer/{demo.SLUG}/{page}"
    first = client.get(base + "?enhet=0301&gruppe=HM3&vurdering=rod")
    parsed = []
    real = QueryDict.__init__
    monkeypatch.setattr(QueryDict, "__init__",
                        lambda self, *a, **k: parsed.append(a) or real(self, *a, **k))
    again = client.get(base + "?enhet=0301&gruppe=HM3&vurdering=rod")
    assert again.status_code == 200 and parsed == []
    otherwise = client.get(base + "?vurdering=rod&gruppe=HM3&enhet=0301")
    main = [_without_csrf_tokens(r.content.decode().split("<main", 1)[1])
            for r in (first, again, otherwise)]
    assert main[0] == main[1]
    filters = '<form method="get"'
    assert main[2] != main[0] and main[2].split(filters)[1:] == main[0].split(filters)[1:]
