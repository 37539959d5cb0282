"""The results page's queries: a fixed number, whatever the number of years (issue #12)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rusfelt.kartlegging import demo, services
from rusfelt.kartlegging.models import State

pytestmark = pytest.mark.django_db

VALUES = {"tjeneste": "nav", "kategori": "rus", "bolig": "gronn", "arbeid_aktivitet": "gul",
          "okonomi": "gul", "fysisk_helse": "gronn", "psykisk_helse": "gronn",
          "rusmiddelbruk": "rod", "sosial_fungering": "gul", "nettverk": "gul",
          "informert": True}


def _published_round(code: str, people: int = 8):
    import random

    runde = services.create_round(code, hjemmel="Hjemmel", formal="Formål", dpia_ref="DPIA")
    rng, used = random.Random(code), set()
    for i in range(people):
        number = demo.synthetic_number(rng, date(1970, 1, 1 + i), i % 3 != 0, used)
        services.register(runde, number, dict(VALUES, bolig=("gronn", "gul", "rod")[i % 3]))
    services.change_state(runde, State.CLOSED)
    services.change_state(runde, State.PUBLISHED)
    return runde


def _queries(client, url):
    """The page's queries when warm, without the session write.

    The session is saved on every request (SESSION_SAVE_EVERY_REQUEST), which
    issue #12 removes for plain reads apart from this page's own work.
    """
    from django.core.cache import cache

    cache.clear()
    client.get(url)  # first view: fills the caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    own = [q["sql"] for q in queries if "django_session" not in q["sql"]
           and "SAVEPOINT" not in q["sql"]]
    return len(own)


def test_results_page_queries_do_not_grow_with_the_years(client, oslo_planlegger):
    client.force_login(oslo_planlegger)
    for year in (2019, 2020):
        _published_round(f"030104-{year}")
    url = reverse("kartlegging:results", args=["030104-2020"])
    two_years = _queries(client, url)
    for year in (2016, 2017, 2018):
        _published_round(f"030104-{year}")
    five_years = _queries(client, url)
    assert five_years == two_years
    # 8, plus the trend's reform look-up (issue 17: the unit's predecessors) and the
    # gap check; neither grows with the years.
    assert five_years <= 10


def test_charts_are_built_only_when_their_figures_change(client, oslo_planlegger, monkeypatch):
    """The cache key comes from the figures: a warm page builds no chart at all."""
    import altair

    client.force_login(oslo_planlegger)
    for year in (2019, 2020):
        _published_round(f"030104-{year}")
    built = []

    class CountingChart(altair.Chart):
        def __init__(self, *args, **kwargs):
            built.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(altair, "Chart", CountingChart)
    url = reverse("kartlegging:results", args=["030104-2020"])
    assert client.get(url).status_code == 200
    first = len(built)
    assert first >= 1
    assert client.get(url).status_code == 200
    assert len(built) == first


def test_results_of_registrations_are_one_scan(django_assert_num_queries, units):
    """All counts in one aggregate query (plus the screening tables' one)."""
    from rusfelt.kartlegging import results
    from rusfelt.kartlegging.models import Registrering

    runde = services.create_round("030104-2020", hjemmel="H", formal="F", dpia_ref="D")
    import random

    rng, used = random.Random(3), set()
    for i in range(6):
        services.register(runde, demo.synthetic_number(rng, date(1980, 1, 1 + i), True, used),
                          dict(VALUES, fodested="norge" if i % 2 else "europa"))
    with django_assert_num_queries(2):
        data = results.compute(Registrering.objects.filter(runde=runde))
    assert results.count(data, "fodested", "norge") == 3
    assert results.count(data, "kjonn", "mann") == 6
