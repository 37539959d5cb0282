"""The security chokepoint: a grant covers its unit and the units below it, nothing else."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from rusfelt.core.models import Grant, OrgUnit
from rusfelt.core.roles import Role
from rusfelt.core.scoping import get_for_user_or_404, has_role, scope_of, units_for

pytestmark = pytest.mark.django_db


def codes(queryset):
    return set(queryset.values_list("code", flat=True))


def test_a_grant_on_a_kommune_covers_its_bydeler(oslo_planlegger, units):
    visible = codes(units_for(oslo_planlegger))
    assert "0301" in visible
    assert {f"0301{n:02d}" for n in range(1, 16)} <= visible
    assert len(visible) == 16  # Oslo and its 15 bydeler, not the fylke above


def test_a_grant_on_a_bydel_does_not_cover_its_kommune_or_siblings(sth_kartlegger):
    assert codes(units_for(sth_kartlegger)) == {"030104"}


def test_bergen_sees_nothing_of_stavanger(bergen_planlegger, units):
    visible = codes(units_for(bergen_planlegger))
    assert "1103" not in visible
    assert "0301" not in visible
    # Bergen 4601 and its bydeler, and Bergen 1201 which 4601 took over in 2020.
    assert visible == {"4601", "1201"} | {f"4601{n:02d}" for n in range(1, 9)}


# --- Units through reforms (issue 17; the rule is in core/scoping.py's docstring) ---

# Real reforms beyond the demo's: Asker 0220 merged into 3025 in 2020, which got
# the number 3203 in 2024 (a chain); Snillfjord 5012 was split between Hitra,
# Orkland and Heim in 2020 (two of them here); Bergen 1201 had bydeler (Arna 120101).
REFORMS_CSV = """kode,navn,niva,overordnet,gyldig_fra,gyldig_til,forgjengere
120101,Arna,bydel,1201,,2019-12-31,
02,Akershus,fylke,0,,2019-12-31,
30,Viken,fylke,0,2020-01-01,2023-12-31,
32,Akershus,fylke,0,2024-01-01,,
0220,Asker,kommune,02,,2019-12-31,
3025,Asker,kommune,30,2020-01-01,2023-12-31,0220:sammenslaing
3203,Asker,kommune,32,2024-01-01,,3025:nytt_nummer
50,Trøndelag,fylke,0,,,
5012,Snillfjord,kommune,50,,2019-12-31,
5056,Hitra,kommune,50,2020-01-01,,5012:deling
5059,Orkland,kommune,50,2020-01-01,,5012:deling
"""


@pytest.fixture
def reforms(units):
    from rusfelt.core import services

    services.import_units(REFORMS_CSV.encode(), "reformer.csv")
    units.update({u.code: u for u in OrgUnit.objects.all()})  # make_user's units too
    return units


def test_a_merged_kommune_covers_the_kommuner_it_took_over(make_user):
    stavanger = make_user("stavanger", ("1103", Role.LESER))
    assert codes(units_for(stavanger)) == {"1103", "1141", "1142"}


def test_a_grant_on_a_predecessor_covers_neither_its_successor_nor_its_partners(make_user):
    finnoy = make_user("finnoy", ("1141", Role.LESER))
    assert codes(units_for(finnoy)) == {"1141"}


def test_an_unrelated_grant_sees_nothing_of_a_predecessor(oslo_planlegger, make_user, reforms):
    assert not codes(units_for(oslo_planlegger)) & {"1201", "120101", "1141", "1142", "0220"}
    trondelag_kommune = make_user("hitra", ("5056", Role.PLANLEGGER))
    assert not codes(units_for(trondelag_kommune)) & {"1141", "1142", "1201", "0220"}


def test_a_renumbered_kommune_covers_the_old_number_and_its_bydeler(bergen_planlegger, reforms):
    visible = codes(units_for(bergen_planlegger))
    assert {"1201", "120101"} <= visible


def test_a_bydel_of_the_successor_does_not_cover_the_predecessor(make_user, reforms):
    arna = make_user("arna", ("460101", Role.KARTLEGGER))
    assert codes(units_for(arna)) == {"460101"}


def test_reforms_are_followed_through_chains(make_user, reforms):
    asker = make_user("asker", ("3203", Role.PLANLEGGER))
    assert codes(units_for(asker)) == {"3203", "3025", "0220"}
    # A grant on the fylke covers its kommune's history as well.
    akershus = make_user("akershus", ("32", Role.LESER))
    assert {"3203", "3025", "0220"} <= codes(units_for(akershus))


def test_a_split_kommune_is_not_opened_to_any_of_its_successors(make_user, reforms):
    hitra = make_user("hitra", ("5056", Role.PLANLEGGER))
    orkland = make_user("orkland", ("5059", Role.PLANLEGGER))
    assert codes(units_for(hitra)) == {"5056"}
    assert codes(units_for(orkland)) == {"5059"}
    # Only a grant above it (the fylke) or on it reads the split kommune's records.
    trondelag = make_user("trondelag", ("50", Role.LESER))
    assert "5012" in codes(units_for(trondelag))


def test_a_predecessor_named_by_two_successors_is_a_split_whatever_the_kind(make_user, reforms):
    from rusfelt.core.models import ReformKind, UnitSuccession

    UnitSuccession.objects.filter(predecessor__code="5012").update(
        kind=ReformKind.SAMMENSLAING)
    hitra = make_user("hitra", ("5056", Role.PLANLEGGER))
    assert codes(units_for(hitra)) == {"5056"}


def test_record_level_rows_follow_the_rule_by_url(client, make_user, bergen_planlegger,
                                                  oslo_planlegger, reforms):
    """A round of Bergen 1201 opens for Bergen 4601; Oslo and Snillfjord's successors get 404."""
    from datetime import date

    from rusfelt.kartlegging.models import Runde, State

    def make_round(code, year):
        return Runde.objects.create(
            code=f"{code}-{year}", unit=reforms[code], year=year,
            reference_date=date(year, 12, 31), state=State.CLOSED, hjemmel="h",
            formal="f", dpia_ref="d")

    make_round("1201", 2018)
    make_round("5012", 2018)
    bergen_url = reverse("kartlegging:runde", args=["1201-2018"])
    snillfjord_url = reverse("kartlegging:runde", args=["5012-2018"])
    client.force_login(bergen_planlegger)
    assert client.get(bergen_url).status_code == 200
    assert client.get(snillfjord_url).status_code == 404
    client.force_login(oslo_planlegger)
    assert client.get(bergen_url).status_code == 404
    client.force_login(make_user("hitra", ("5056", Role.PLANLEGGER)))
    assert client.get(snillfjord_url).status_code == 404
    assert set(Runde.objects.for_user(bergen_planlegger).values_list("code", flat=True)) == {
        "1201-2018"}


def test_the_dpo_overview_lists_grants_on_the_successor_and_the_predecessor(make_user,
                                                                           reforms):
    from rusfelt.core.scoping import grants_covering

    old = make_user("bergen-1201", ("1201", Role.LESER))
    new = make_user("bergen-4601", ("4601", Role.LESER))
    make_user("oslo", ("0301", Role.LESER))
    dpo_new = make_user("dpo-4601", ("4601", Role.PERSONVERNOMBUD))
    dpo_old = make_user("dpo-1201", ("1201", Role.PERSONVERNOMBUD))
    seen_by_new = set(grants_covering(dpo_new, Role.PERSONVERNOMBUD).values_list(
        "user__username", flat=True))
    assert {old.username, new.username} <= seen_by_new
    assert "oslo" not in seen_by_new
    # The old number's records are read through grants on 4601 too.
    seen_by_old = set(grants_covering(dpo_old, Role.PERSONVERNOMBUD).values_list(
        "user__username", flat=True))
    assert {old.username, new.username} <= seen_by_old
    assert "oslo" not in seen_by_old


def test_roles_filter_the_units(make_user):
    user = make_user("mixed", ("0301", Role.LESER), ("030104", Role.KARTLEGGER))
    assert codes(units_for(user, Role.KARTLEGGER)) == {"030104"}
    assert len(codes(units_for(user, Role.LESER))) == 16
    assert codes(units_for(user, Role.PLANLEGGER)) == set()


def test_administrators_hold_every_role_on_their_units(bergen_admin, units):
    assert has_role(bergen_admin, units["460102"], Role.KARTLEGGER)
    assert not has_role(bergen_admin, units["1103"], Role.KARTLEGGER)


def test_inactive_and_anonymous_users_see_nothing(oslo_planlegger):
    from django.contrib.auth.models import AnonymousUser

    assert not units_for(AnonymousUser()).exists()
    oslo_planlegger.is_active = False
    assert not units_for(oslo_planlegger).exists()


def test_scoped_loading_answers_404_outside_and_403_for_a_missing_role(
    oslo_leser, units
):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from rusfelt.core.models import Population

    Population.objects.create(unit=units["030104"], year=2019, sex="mann", age_from=16, count=5)
    Population.objects.create(unit=units["1103"], year=2019, sex="mann", age_from=16, count=7)
    oslo_cell = Population.objects.get(unit__code="030104")
    stavanger_cell = Population.objects.get(unit__code="1103")

    assert get_for_user_or_404(Population.objects.all(), oslo_leser, pk=oslo_cell.pk) == oslo_cell
    with pytest.raises(Http404):
        get_for_user_or_404(Population.objects.all(), oslo_leser, pk=stavanger_cell.pk)
    with pytest.raises(PermissionDenied):
        get_for_user_or_404(
            Population.objects.all(), oslo_leser, roles=Role.PLANLEGGER, pk=oslo_cell.pk
        )


# --- by URL and by form post -------------------------------------------------


def test_a_unit_page_of_another_municipality_is_404(client, bergen_planlegger):
    client.force_login(bergen_planlegger)
    assert client.get(reverse("core:unit_detail", args=["460102"])).status_code == 200
    assert client.get(reverse("core:unit_detail", args=["1103"])).status_code == 404
    assert client.get(reverse("core:unit_detail", args=["030104"])).status_code == 404


def test_the_unit_list_shows_only_the_users_units(client, bergen_planlegger):
    client.force_login(bergen_planlegger)
    html = client.get(reverse("core:unit_list")).content.decode()
    assert "Bergenhus" in html
    assert "Stavanger" not in html
    assert "St. Hanshaugen" not in html


def test_pages_need_login(client, units):
    url = reverse("core:unit_list")
    assertRedirects(client.get(url), f"{reverse('core:login')}?next={url}")


def test_non_administrators_get_403_on_administration(client, oslo_planlegger):
    client.force_login(oslo_planlegger)
    for name in ["core:user_list", "core:user_create", "core:audit_log"]:
        assert client.get(reverse(name)).status_code == 403, name


def test_a_bergen_administrator_cannot_grant_on_stavanger(
    client, bergen_admin, make_user, units
):
    newcomer = make_user("newcomer", home="4601")
    client.force_login(bergen_admin)
    url = reverse("core:user_detail", args=[newcomer.pk])
    response = client.post(url, {"unit": units["1103"].pk, "role": Role.PLANLEGGER})
    assert response.status_code == 200  # form shown again with an error
    assert "Velg et gyldig valg" in response.content.decode()
    assert not Grant.objects.filter(user=newcomer).exists()

    response = client.post(url, {"unit": units["460102"].pk, "role": Role.PLANLEGGER})
    assertRedirects(response, url)
    assert Grant.objects.filter(user=newcomer, unit__code="460102").exists()


def test_a_bergen_administrator_cannot_see_or_revoke_stavangers_users(
    client, bergen_admin, stavanger_planlegger
):
    client.force_login(bergen_admin)
    assert client.get(
        reverse("core:user_detail", args=[stavanger_planlegger.pk])
    ).status_code == 404
    grant = stavanger_planlegger.grants.get()
    response = client.post(reverse("core:grant_revoke", args=[grant.pk]))
    assert response.status_code == 404
    assert Grant.objects.filter(pk=grant.pk).exists()
    listing = client.get(reverse("core:user_list")).content.decode()
    assert stavanger_planlegger.username not in listing


def test_nobody_can_grant_access_to_themselves(client, bergen_admin, units):
    client.force_login(bergen_admin)
    response = client.post(
        reverse("core:user_detail", args=[bergen_admin.pk]),
        {"unit": units["460101"].pk, "role": Role.KARTLEGGER},
    )
    assert response.status_code == 200
    assert "Du kan ikke gi deg selv tilgang" in response.content.decode()
    assert bergen_admin.grants.count() == 1


def test_the_grant_service_refuses_a_self_grant_too(bergen_admin, units):
    from rusfelt.core import services

    with pytest.raises(PermissionError):
        services.grant_role(
            granter=bergen_admin, grantee=bergen_admin, unit=units["460101"],
            role=Role.KARTLEGGER,
        )


def test_an_administrator_cannot_revoke_their_own_grant(client, bergen_admin):
    client.force_login(bergen_admin)
    grant = bergen_admin.grants.get()
    assert client.post(reverse("core:grant_revoke", args=[grant.pk])).status_code == 403
    assert OrgUnit.objects.filter(pk=grant.unit_id).exists()
    assert Grant.objects.filter(pk=grant.pk).exists()


def test_an_administrator_deactivates_a_user_who_then_sees_nothing(
    client, bergen_admin, make_user
):
    from rusfelt.core.models import AuditEvent

    worker = make_user("bergen-worker", ("460102", Role.KARTLEGGER))
    client.force_login(bergen_admin)
    response = client.post(reverse("core:user_set_active", args=[worker.pk]), {"active": "0"})
    assertRedirects(response, reverse("core:user_detail", args=[worker.pk]))
    worker.refresh_from_db()
    assert not worker.is_active
    assert not units_for(worker).exists()
    assert AuditEvent.objects.filter(object_id=str(worker.pk), action="update").exists()


def test_an_administrator_cannot_deactivate_another_municipalitys_user(
    client, bergen_admin, stavanger_planlegger
):
    client.force_login(bergen_admin)
    response = client.post(
        reverse("core:user_set_active", args=[stavanger_planlegger.pk]), {"active": "0"}
    )
    assert response.status_code == 404
    stavanger_planlegger.refresh_from_db()
    assert stavanger_planlegger.is_active


def test_a_request_reads_the_reform_links_once(reforms, django_assert_num_queries):
    from rusfelt.core.scoping import RequestMemoMiddleware, succession_links
    from rusfelt.core.services import predecessor_codes

    seen = {}

    def view(request):
        with django_assert_num_queries(1):  # scoping, the trend and the page share one read
            seen["first"] = succession_links()
            seen["asker"] = predecessor_codes("3203")
            succession_links()
        return None

    RequestMemoMiddleware(view)(object())
    assert set(seen["asker"]) == {"3025", "0220"}  # through the chain 3203 <- 3025 <- 0220


@pytest.mark.parametrize(("method", "queries"), [("GET", 3), ("HEAD", 3), ("POST", 6)])
def test_a_read_reads_the_users_grants_once_a_write_every_time(
        make_user, django_assert_num_queries, method, queries):
    """The status page asked for the same grants five times (filters, unit, years,
    import link, navigation); a write may change grants, so it asks afresh."""
    from django.test import RequestFactory

    from rusfelt.core.scoping import RequestMemoMiddleware

    user = make_user("leser", ("0301", "leser"))
    counts = []

    def view(request):
        list(units_for(user, Role.LESER))  # the grants and the reform links, read once
        # Three counts of the units: on a read only the counts, on a write the grants too.
        with django_assert_num_queries(queries):
            counts.extend(units_for(user, Role.LESER).count() for _ in range(3))
        return None

    RequestMemoMiddleware(view)(RequestFactory().generic(method, "/"))
    assert len(set(counts)) == 1 and counts[0] >= 16  # Oslo and its bydeler, every time


#: A made-up reform: Nyby (5099) takes over Hitra (5056), which was split from 5012.
NYBY_CSV = """kode,navn,niva,overordnet,gyldig_fra,gyldig_til,forgjengere
5056,Hitra,kommune,50,2020-01-01,2025-12-31,5012:deling
5099,Nyby,kommune,50,2026-01-01,,5056:nytt_nummer
"""


def test_the_reform_links_are_read_afresh_by_the_next_request(reforms):
    from rusfelt.core import services
    from rusfelt.core.scoping import RequestMemoMiddleware
    from rusfelt.core.services import predecessor_codes

    found = []
    middleware = RequestMemoMiddleware(lambda request: found.append(predecessor_codes("5099")))
    middleware(object())
    services.import_units(
        NYBY_CSV.encode(), "reform.csv")
    middleware(object())
    assert found == [[], ["5056", "5012"]]


def test_a_units_import_forgets_the_links_its_request_read(reforms):
    from rusfelt.core import services
    from rusfelt.core.scoping import RequestMemoMiddleware
    from rusfelt.core.services import predecessor_codes

    found = []

    def view(request):
        found.append(predecessor_codes("5099"))
        services.import_units(
            NYBY_CSV.encode(), "reform.csv")
        found.append(predecessor_codes("5099"))

    RequestMemoMiddleware(view)(object())
    assert found == [[], ["5056", "5012"]]


# --- has_role on the unit's path, the grants read once per read (issue 12) ----------


@pytest.mark.parametrize("grants", [
    [("0301", "planlegger")], [("030104", "kartlegger")], [("4601", "leser")],
    [("3203", "leser")], [("0220", "leser")], [("5056", "planlegger")],
    [("0", "leser"), ("4601", "administrator")], [],
])
def test_has_role_answers_as_the_database_does_for_every_unit(make_user, reforms, grants):
    """has_role reads the user's grants and checks the unit's path in Python: for every
    unit, role and reform of the fixtures it must agree with units_for's SQL."""
    user = make_user("bruker", *grants)
    for roles in ([Role.LESER], [Role.PLANLEGGER], [Role.KARTLEGGER], Role.ADMINISTRATOR):
        in_sql = set(units_for(user, roles).values_list("pk", flat=True))
        for unit in OrgUnit.objects.all():
            assert has_role(user, unit, roles) == (unit.pk in in_sql), (grants, roles, unit)


def test_has_role_is_false_for_inactive_users_and_true_for_superusers(oslo_planlegger, units):
    from django.contrib.auth import get_user_model

    boss = get_user_model().objects.create_superuser("sjef")
    assert has_role(boss, units["1103"], Role.PLANLEGGER)
    oslo_planlegger.is_active = False
    assert not has_role(oslo_planlegger, units["0301"], Role.PLANLEGGER)


def test_a_read_asks_for_the_grants_once_whatever_the_roles(
        make_user, units, django_assert_num_queries):
    """The status page asked the grants table five times in one read (its filters, the
    unit, the unit's role, the import link and the navigation), each for other roles."""
    from django.test import RequestFactory

    from rusfelt.core.context_processors import navigation
    from rusfelt.core.scoping import RequestMemoMiddleware, holds_any_role, succession_links

    user = make_user("leser", ("0301", "leser"), ("030104", "administrator"))
    seen = {}

    def view(request):
        request.user = user
        succession_links()  # the reform links: one read of their own
        with django_assert_num_queries(1):
            seen["units"] = units_for(user, [Role.LESER]).query  # no query of the units
            seen["any"] = units_for(user).query
            seen["write"] = holds_any_role(user, [Role.PLANLEGGER])
            seen["oslo"] = has_role(user, units["0301"], Role.LESER)
            seen["bergen"] = has_role(user, units["4601"], Role.LESER)
            seen["nav"] = navigation(request)
        return None

    request = RequestFactory().get("/")
    request.resolver_match = None
    RequestMemoMiddleware(view)(request)
    assert seen["write"] is True  # the administrator on St. Hanshaugen holds every role
    assert (seen["oslo"], seen["bergen"]) == (True, False)
    assert seen["nav"]["nav_is_admin"] is True


@pytest.mark.parametrize(("method", "queries"), [("GET", 1), ("POST", 2)])
def test_a_request_reads_the_grants_and_the_reform_links_in_one_query(
        make_user, reforms, django_assert_num_queries, method, queries):
    """The grants and the reform links were two queries on every signed-in page; they are
    one, with the same rows as each read alone (the links in their model's order). A
    write still reads the grants afresh each time they are asked for (``scope_of``)."""
    from django.test import RequestFactory

    from rusfelt.core.scoping import RequestMemoMiddleware, grant_pairs, succession_links

    user = make_user("leser", ("0301", "leser"), ("3203", "planlegger"), ("4601", "leser"))
    alone = (set(grant_pairs(user)), succession_links())  # outside a request: two reads
    assert len(alone[0]) == 3 and len(alone[1]) >= 4
    seen = {}

    def view(request):
        with django_assert_num_queries(queries):
            seen["grants"], seen["links"] = grant_pairs(user), succession_links()
            seen["scope"] = scope_of(user)
        return None

    RequestMemoMiddleware(view)(RequestFactory().generic(method, "/"))
    assert (set(seen["grants"]), seen["links"]) == alone
    assert len(seen["grants"]) == len(alone[0])
    # Asker 3203 took over 3025, which took over 0220: the chain, from the one read.
    assert {reforms[c].path for c in ("3203", "3025", "0220", "1201")} <= set(seen["scope"])


# --- One read of the object and the grants (issue 12) ---------------------------


def _read(fn, method="GET"):
    """``fn()`` inside a request's memo (``RequestMemoMiddleware``), as a view calls it."""
    from django.test import RequestFactory

    from rusfelt.core.scoping import RequestMemoMiddleware

    seen = {}

    def view(request):
        seen["result"] = fn()

    RequestMemoMiddleware(view)(RequestFactory().generic(method, "/"))
    return seen["result"]


@pytest.fixture
def cells(units, reforms):
    """A population cell of St. Hanshaugen (Oslo), of Stavanger and of Bergen 1201 (taken
    over whole by Bergen 4601 at a reform), by code."""
    from rusfelt.core.models import Population

    return {code: Population.objects.create(unit=reforms[code], year=2019, sex="mann",
                                            age_from=16, count=5)
            for code in ("030104", "1103", "1201")}


def test_a_read_loads_the_object_with_the_grants_and_links_in_one_query(
        make_user, cells, django_assert_num_queries):
    """A scoped object on a page was two queries, the grants (with the reform links) and
    then the object: it is one, and what the request's later checks and menu read of
    the grants and links is the same as the two reads give."""
    from rusfelt.core.models import Population
    from rusfelt.core.scoping import grant_pairs, succession_links

    user = make_user("leser", ("0301", "leser"), ("3203", "planlegger"), ("4601", "leser"))
    alone = (set(grant_pairs(user)), succession_links())  # outside a request: two reads

    def page():
        with django_assert_num_queries(1):
            obj = get_for_user_or_404(Population.objects.select_related("unit"), user,
                                      roles=Role.LESER, pk=cells["030104"].pk)
            return (obj, set(grant_pairs(user)), succession_links(), scope_of(user),
                    has_role(user, cells["1201"].unit, Role.LESER))

    obj, grants, links, scope, bergen_1201 = _read(page)
    assert obj == cells["030104"]
    assert not hasattr(obj, "_rusfelt_grants_and_links")
    assert (grants, links) == alone
    assert bergen_1201  # Bergen 4601 took 1201 over: the links came with the grants
    assert scope == _read(lambda: scope_of(user))


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("code", "roles", "answer"), [
    ("030104", Role.LESER, "found"), ("1103", Role.LESER, 404),
    ("030104", Role.PLANLEGGER, 403), ("1201", Role.LESER, "found"),
], ids=["own-unit", "other-kommune", "missing-role", "taken-over-at-a-reform"])
def test_scoped_loading_in_a_request_answers_as_outside_one(
        make_user, cells, method, code, roles, answer):
    """The same 404 and 403 in a read (one query) and a write (two) as outside a request,
    and a unit taken over at a reform (Bergen 1201 by 4601) found through the grants."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from rusfelt.core.models import Population

    user = make_user("leser", ("0301", "leser"), ("4601", "leser"))

    def load():
        try:
            return get_for_user_or_404(Population.objects.all(), user, roles=roles,
                                       pk=cells[code].pk)
        except Http404:
            return 404
        except PermissionDenied:
            return 403

    expected = cells[code] if answer == "found" else answer
    assert load() == expected  # outside a request
    assert _read(load, method) == expected


# --- The reform coverage worked out once per read of the links (issue 12) --------


def test_a_read_works_out_the_reform_coverage_once(make_user, reforms, monkeypatch):
    """The status page asked scope_of, has_role (twice) and units_for the same roles'
    coverage in one request, each working out the reform links anew."""
    import collections

    from rusfelt.core import scoping

    worked = []

    class Counting(collections.Counter):
        def __init__(self, *args, **kwargs):
            worked.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(scoping, "Counter", Counting)
    user = make_user("asker", ("3203", "planlegger"))
    alone = scope_of(user, [Role.PLANLEGGER])
    worked.clear()

    def fn():
        return (scope_of(user, [Role.PLANLEGGER]), has_role(user, reforms["0220"], Role.PLANLEGGER),
                has_role(user, reforms["4601"], Role.PLANLEGGER),
                set(units_for(user, Role.PLANLEGGER).values_list("code", flat=True)))

    scope, old_unit, other, codes = _read(fn)
    assert worked == [1]
    assert scope == alone and (old_unit, other) == (True, False)
    assert {"3203", "3025", "0220"} <= codes and "4601" not in codes


def test_links_changed_in_a_request_change_its_coverage_at_once(oslo_planlegger, reforms):
    """A service that writes reform links forgets the request's (``forget_successions``):
    what was worked out of the old links is not used again."""
    import datetime

    from rusfelt.core.models import UnitSuccession
    from rusfelt.core.scoping import forget_successions

    def fn():
        before = (scope_of(oslo_planlegger), has_role(oslo_planlegger, reforms["1103"], None))
        UnitSuccession.objects.create(successor=reforms["0301"], predecessor=reforms["1103"],
                                      reform_date=datetime.date(2030, 1, 1), kind="sammenslaing")
        forget_successions()
        return before, (scope_of(oslo_planlegger), has_role(oslo_planlegger, reforms["1103"], None))

    (scope, stavanger), (scope_after, stavanger_after) = _read(fn, "POST")
    assert reforms["1103"].path not in scope and not stavanger
    assert reforms["1103"].path in scope_after and stavanger_after
