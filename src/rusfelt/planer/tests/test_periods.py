"""Plan periods (issue 15, item 7): the status form's period, gaps, «endring fra»,
plurals and measures left unfinished when a plan ends."""

from datetime import date
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from rusfelt.planer import demo, report, services
from rusfelt.planer.charts import status_chart_spec
from rusfelt.planer.domain import status as st
from rusfelt.planer.models import Plan, Statusoppdatering

pytestmark = pytest.mark.django_db
SLUG = "stavanger-rusplan-2019-2023"  # 2019–2023


@pytest.fixture
def plan(units):
    demo.load(slugs=[SLUG])
    return Plan.objects.get(slug=SLUG)


def on(day):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


def form_url(**query):
    url = reverse("planer:status_update", args=[SLUG])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_status_form_opens_on_the_running_year_of_the_plan(client, plan, stavanger_planlegger):
    client.force_login(stavanger_planlegger)
    with on(date(2021, 5, 1)):
        response = client.get(form_url())
    assert response.context["period_form"].cleaned_data["year"] == 2021


def test_status_form_of_an_ended_plan_opens_on_its_last_year(client, plan, stavanger_planlegger):
    client.force_login(stavanger_planlegger)
    with on(date(2026, 11, 29)):
        response = client.get(form_url())
    assert response.context["period_form"].cleaned_data["year"] == 2023


def post_data(measures, status="pagar", n=1):
    data = {"form-TOTAL_FORMS": len(measures), "form-INITIAL_FORMS": len(measures)}
    for i, m in enumerate(measures):
        data[f"form-{i}-tiltak_id"] = m.pk
        data[f"form-{i}-status"] = status if i < n else ""
        data[f"form-{i}-comment"] = ""
    return data


def test_status_form_refuses_a_year_outside_the_plan(client, plan, stavanger_planlegger):
    client.force_login(stavanger_planlegger)
    response = client.get(form_url(year=2024, tertial=0))
    assert "2024 ligger utenfor planperioden 2019–2023" in response.content.decode()
    assert "Lagre statuser" not in response.content.decode()
    before = Statusoppdatering.objects.count()
    measures = list(plan.tiltak.order_by("order"))
    response = client.post(form_url(year=2024, tertial=0), post_data(measures))
    assert response.status_code == 400
    assert Statusoppdatering.objects.count() == before
    assert not Statusoppdatering.objects.filter(year=2024).exists()


@pytest.mark.parametrize(("n", "expected"), [
    (1, "1 status er lagret for 2023."),
    (2, "2 statuser er lagret for 2023."),
])
def test_saved_message_uses_norwegian_plurals(client, plan, stavanger_planlegger, n, expected):
    client.force_login(stavanger_planlegger)
    measures = list(plan.tiltak.order_by("order"))
    response = client.post(form_url(year=2023, tertial=0), post_data(measures, n=n))
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [expected]


def section(document, key):
    return next(s for s in document.sections if s.key == key)


def only_reports_in(plan, user, years):
    Statusoppdatering.objects.filter(tiltak__plan=plan).delete()
    first = plan.tiltak.order_by("order").first()
    for year in years:
        services.record_status(first, year, 0, st.PAGAR, "", user=user)


def test_chart_and_table_show_years_without_reports_as_gaps(plan, stavanger_planlegger):
    only_reports_in(plan, stavanger_planlegger, [2019, 2022])
    over = services.status_over_periods(plan)
    assert [y for y, _c in over] == [2019, 2020, 2021, 2022]
    assert over[1][1] is None and over[2][1] is None
    spec = status_chart_spec(over)
    assert spec["encoding"]["x"]["scale"]["domain"] == ["2019", "2020", "2021", "2022"]
    assert {row["År"] for row in spec["data"]["values"]} == {"2019", "2022"}
    table = section(report.build(plan, 2022), "perioder").tables()[0]
    assert [str(c) for c in table.rows[1][1:]] == [".."] * len(st.SUMMARY_ORDER)


def test_change_names_the_period_it_compares_with(plan, stavanger_planlegger):
    only_reports_in(plan, stavanger_planlegger, [2019, 2022])
    built = report.build(plan, 2022)
    assert section(built, "status").tables()[0].header[-1] == "Endring fra 2019"
    assert section(built, "endret").heading == "Endringer siden 2019"


OSLO = "oslo-strategisk-plan-rus"  # 2018–2023; its 36 measures run for the whole plan


def test_measures_unfinished_when_the_plan_ends_are_overdue(units):
    demo.load(slugs=[OSLO])
    oslo = Plan.objects.get(slug=OSLO)
    open_ended = set(oslo.tiltak.filter(deadline__isnull=True, period_to__isnull=True)
                     .values_list("pk", flat=True))
    assert len(open_ended) == 36
    unfinished = {t.pk for t in services.with_status(oslo.tiltak.all(), 2023)
                  if st.normalise(t.cur) not in st.CLOSED}
    assert unfinished  # the demo leaves some undone
    assert not {t.pk for t in services.overdue(oslo, date(2023, 6, 1))}
    after = services.overdue(oslo, date(2026, 11, 29))
    assert {t.pk for t in after} == unfinished
    assert {t.due_year for t in after} == {2023}
    final = section(report.build(oslo, 2023), "forfalt")
    assert final.heading == "Forfalte tiltak ved utgangen av 2023"
    assert len(final.tables()[0].rows) == len(unfinished)
