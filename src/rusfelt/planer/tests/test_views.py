"""Plan pages: access for each URL (owner, another municipality, wrong role)."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from rusfelt.core.models import AuditEvent
from rusfelt.planer import demo
from rusfelt.planer.models import Endring, Plan, Statusoppdatering, Tiltak

pytestmark = pytest.mark.django_db
SLUG = "stavanger-rusplan-2019-2023"


@pytest.fixture
def plans(units):
    demo.load(slugs=["stavanger-rusplan-2019-2023", "bergen-rusplan-2018-2022"])


@pytest.fixture
def stavanger_leser(make_user):
    return make_user("stavanger-leser", ("1103", "leser"))


def client_for(client, user):
    client.force_login(user)
    return client


def t(number="7"):
    return Tiltak.objects.get(plan__slug=SLUG, number=number)


READ_URLS = [
    ("planer:plan_detail", lambda: [SLUG]),
    ("planer:tiltak_list", lambda: [SLUG]),
    ("planer:tiltak_detail", lambda: [SLUG, t().pk]),
    ("planer:endringer", lambda: [SLUG]),
    ("planer:rapport", lambda: [SLUG]),
    ("planer:eksport", lambda: [SLUG, "csv"]),
]
WRITE_URLS = [
    ("planer:status_update", lambda: [SLUG]),
    ("planer:tiltak_edit", lambda: [SLUG, t().pk]),
    ("planer:tiltak_new", lambda: [SLUG]),
    ("planer:plan_edit", lambda: [SLUG]),
]


@pytest.mark.parametrize(("name", "args"), READ_URLS + WRITE_URLS)
def test_owner_planner_may_open(client, plans, stavanger_planlegger, name, args):
    response = client_for(client, stavanger_planlegger).get(reverse(name, args=args()))
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "args"), READ_URLS + WRITE_URLS)
def test_another_municipality_gets_404(client, plans, bergen_planlegger, name, args):
    response = client_for(client, bergen_planlegger).get(reverse(name, args=args()))
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "args"), READ_URLS)
def test_reader_may_read(client, plans, stavanger_leser, name, args):
    assert client_for(client, stavanger_leser).get(reverse(name, args=args())).status_code == 200


@pytest.mark.parametrize(("name", "args"), WRITE_URLS)
def test_reader_may_not_write(client, plans, stavanger_leser, name, args):
    assert client_for(client, stavanger_leser).get(reverse(name, args=args())).status_code == 403


def test_wrong_role_gets_403(client, plans, make_user):
    kartlegger = make_user("stv-kartlegger", ("1103", "kartlegger"))
    response = client_for(client, kartlegger).get(reverse("planer:plan_detail", args=[SLUG]))
    assert response.status_code == 403


def test_plan_list_shows_only_own_plans(client, plans, stavanger_planlegger):
    body = client_for(client, stavanger_planlegger).get(reverse("planer:index")).content.decode()
    assert "Erfaring og fag" in body and "Samarbeid, mestring" not in body


def test_import_page_needs_a_planner(client, plans, stavanger_leser):
    assert client_for(client, stavanger_leser).get(reverse("planer:import")).status_code == 403


def test_anonymous_is_sent_to_login(client, plans):
    url = reverse("planer:plan_detail", args=[SLUG])
    assertRedirects(client.get(url), f"{reverse('core:login')}?next={url}")


def form_data(tiltak, **changes):
    data = {
        "number": tiltak.number, "text": tiltak.text, "area": tiltak.area_id or "",
        "responsible_text": tiltak.responsible_text, "kind": tiltak.kind,
        "period_from": tiltak.period_from or "", "period_to": tiltak.period_to or "",
        "financing": tiltak.financing, "version": tiltak.version,
        "goals": [g.pk for g in tiltak.goals.all()],
    }
    data.update(changes)
    return data


def test_edit_keeps_an_amendment_and_raises_the_version(client, plans, stavanger_planlegger):
    tiltak = t("9")
    url = reverse("planer:tiltak_edit", args=[SLUG, tiltak.pk])
    response = client_for(client, stavanger_planlegger).post(
        url, form_data(tiltak, text="Ny tekst", amendment_date="2021-03-01",
                       amendment_ref="bystyresak 12/21"))
    assertRedirects(response, tiltak.get_absolute_url())
    tiltak.refresh_from_db()
    assert tiltak.text == "Ny tekst" and tiltak.version == 2
    endring = Endring.objects.get(tiltak=tiltak)
    assert (endring.decision_ref, str(endring.date)) == ("bystyresak 12/21", "2021-03-01")
    detail = client.get(reverse("planer:tiltak_detail", args=[SLUG, tiltak.pk]),
                        {"dato": "2021-02-28"}).content.decode()
    assert "hjemmeboende" not in detail  # our demo wording is shorter
    assert "eldre tidlig" in detail  # the text before the amendment
    assert AuditEvent.objects.filter(action="update", object_id=str(tiltak.pk)).exists()


def test_second_of_two_concurrent_saves_gets_a_conflict(client, plans, stavanger_planlegger):
    tiltak = t("9")
    url = reverse("planer:tiltak_edit", args=[SLUG, tiltak.pk])
    c = client_for(client, stavanger_planlegger)
    first = form_data(tiltak, text="Første lagring")
    second = form_data(tiltak, text="Andre lagring, skrevet samtidig")
    assertRedirects(c.post(url, first), tiltak.get_absolute_url())
    response = c.post(url, second)
    body = response.content.decode()
    assert response.status_code == 200
    assert "endret av noen andre" in body
    assert "Andre lagring, skrevet samtidig" in body  # their text is kept in the form
    tiltak.refresh_from_db()
    assert tiltak.text == "Første lagring" and tiltak.version == 2
    # Saving again after seeing the conflict goes through.
    assertRedirects(c.post(url, form_data(tiltak, text="Andre lagring")),
                    tiltak.get_absolute_url())


def test_status_update_for_a_period_keeps_history(client, plans, stavanger_planlegger):
    plan = Plan.objects.get(slug=SLUG)
    measures = list(plan.tiltak.order_by("order"))
    before = Statusoppdatering.objects.count()
    data = {"form-TOTAL_FORMS": len(measures), "form-INITIAL_FORMS": len(measures)}
    for i, m in enumerate(measures):
        data[f"form-{i}-tiltak_id"] = m.pk
        data[f"form-{i}-status"] = "gjennomfort" if i < 3 else ""
        data[f"form-{i}-comment"] = "Ferdig i T1" if i < 3 else ""
    url = reverse("planer:status_update", args=[SLUG]) + "?year=2023&tertial=1"
    response = client_for(client, stavanger_planlegger).post(url, data)
    assertRedirects(response, reverse("planer:status_update", args=[SLUG])
                    + "?year=2023&tertial=1")
    assert Statusoppdatering.objects.count() == before + 3
    new = Statusoppdatering.objects.filter(year=2023, tertial=1)
    assert {s.tiltak_id for s in new} == {m.pk for m in measures[:3]}
    assert all(s.created_by == stavanger_planlegger for s in new)


def test_report_downloads_are_audited(client, plans, stavanger_planlegger):
    url = reverse("planer:rapport", args=[SLUG])
    c = client_for(client, stavanger_planlegger)
    for fmt, magic in (("pdf", b"%PDF"), ("docx", b"PK"), ("html", b"<!DOCTYPE")):
        response = c.get(url, {"periode": 2021, "format": fmt})
        assert response.status_code == 200 and response.content.startswith(magic)
    assert AuditEvent.objects.filter(action="export").count() == 3


def test_import_page_reports_errors_by_line_and_stores_nothing(client, plans,
                                                               stavanger_planlegger, units):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = b"type,kode,tekst,omrade\ntiltak,1,Noe,X\nmal,2,Annet,\n"
    response = client_for(client, stavanger_planlegger).post(reverse("planer:import"), {
        "file": SimpleUploadedFile("plan.csv", bad), "owner": units["1103"].pk,
        "slug": "ny", "title": "Ny", "period_from": 2024, "period_to": 2027, "state": "utkast",
    })
    body = response.content.decode()
    assert "Ingenting er lagret" in body
    assert "Linje 2, kolonne omrade" in body and "Linje 3, kolonne type" in body
    assert not Plan.objects.filter(slug="ny").exists()


def test_a_measure_added_after_adoption_is_an_amendment(client, plans, stavanger_planlegger):
    from datetime import date

    from rusfelt.planer import services

    plan = Plan.objects.get(slug=SLUG)
    response = client_for(client, stavanger_planlegger).post(
        reverse("planer:tiltak_new", args=[SLUG]),
        {"number": "39", "text": "Nytt tiltak om lavterskel", "kind": "gjennomfore",
         "version": 0, "amendment_date": "2022-02-01", "amendment_ref": "bystyresak 5/22"},
    )
    new = Tiltak.objects.get(plan=plan, number="39")
    assertRedirects(response, new.get_absolute_url())
    assert Endring.objects.get(tiltak=new).old_text == ""
    assert services.text_of(new, date(2022, 1, 31)) is None
    assert services.text_of(new, date(2022, 2, 1)) == "Nytt tiltak om lavterskel"


def test_list_pages_do_not_query_per_measure(client, plans, stavanger_planlegger,
                                             django_assert_max_num_queries):
    c = client_for(client, stavanger_planlegger)
    with django_assert_max_num_queries(15):
        assert c.get(reverse("planer:tiltak_list", args=[SLUG])).status_code == 200
    with django_assert_max_num_queries(12):
        assert c.get(reverse("planer:index")).status_code == 200


def test_plan_amendment_by_planner_not_by_reader(client, plans, stavanger_planlegger,
                                                  stavanger_leser):
    url = reverse("planer:endringer", args=[SLUG])
    data = {"date": "2021-06-01", "decision_ref": "bystyresak 77/21", "description": "Ny del 1.5"}
    assert client_for(client, stavanger_leser).post(url, data).status_code == 403
    assertRedirects(client_for(client, stavanger_planlegger).post(url, data), url)
    assert Endring.objects.filter(decision_ref="bystyresak 77/21", tiltak=None).count() == 1


def test_import_page_reports_an_unreadable_file(client, plans, stavanger_planlegger, units):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(client, stavanger_planlegger).post(reverse("planer:import"), {
        "file": SimpleUploadedFile("plan.xlsx", b"PK\x03\x04 not really"),
        "owner": units["1103"].pk, "slug": "ny", "title": "Ny", "period_from": 2024,
        "period_to": 2027, "state": "utkast",
    })
    assert "kan ikke leses" in response.content.decode()
    assert not Plan.objects.filter(slug="ny").exists()


def test_import_cannot_take_another_municipalitys_slug(client, plans, bergen_planlegger,
                                                       units):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(client, bergen_planlegger).post(reverse("planer:import"), {
        "file": SimpleUploadedFile("plan.csv", b"type,kode,tekst\nhovedmal,H,Mal\n"),
        "owner": units["4601"].pk, "slug": SLUG, "title": "Kapret", "period_from": 2024,
        "period_to": 2027, "state": "utkast",
    })
    assert "er i bruk av en annen plan" in response.content.decode()
    assert Plan.objects.get(slug=SLUG).owner.code == "1103"


def _another_process():
    """As if the next request came to another process: nothing kept in this one's memory."""
    from django.conf import settings
    from django.core.cache import caches

    for alias, config in settings.CACHES.items():
        if config["BACKEND"].endswith("LocMemCache"):
            caches[alias].clear()


@pytest.mark.parametrize("other_process", [False, True], ids=["same-process", "other-process"])
@pytest.mark.parametrize(("change", "name", "answer"), [
    ("revoke", "planer:tiltak_detail", 404), ("revoke", "planer:plan_detail", 404),
    ("to-leser", "planer:plan_edit", 403), ("deactivate", "planer:tiltak_detail", 302),
], ids=["revoked-measure", "revoked-plan", "role-changed", "deactivated"])
def test_a_changed_grant_or_user_counts_on_the_very_next_request(
        client, plans, stavanger_planlegger, change, name, answer, other_process):
    """The grants come with the plan's read (one query), never from a copy kept between
    requests: a grant revoked or changed, or a user deactivated, by a plain UPDATE or
    DELETE (no signal, as from another process) counts on the next request."""
    from rusfelt.core.models import Grant

    url = reverse(name, args=[SLUG, t().pk] if name == "planer:tiltak_detail" else [SLUG])
    client = client_for(client, stavanger_planlegger)
    assert client.get(url).status_code == 200
    grants = Grant.objects.filter(user=stavanger_planlegger)
    if change == "revoke":
        grants._raw_delete(grants.db)
    elif change == "to-leser":
        grants.update(role="leser")
    else:
        type(stavanger_planlegger).objects.filter(pk=stavanger_planlegger.pk).update(
            is_active=False)
    if other_process:
        _another_process()
    assert client.get(url).status_code == answer
