"""The demo plans carry the seeds' own counts."""

from collections import Counter
from datetime import date

import pytest

from rusfelt.planer import demo, services
from rusfelt.planer.models import Endring, Hovedmal, Omrade, Plan, Statusoppdatering, Tiltak

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_plans(units):
    demo.load()
    return {p.slug.split("-")[0]: p for p in Plan.objects.all()}


def test_bergen_has_7_goals_and_48_goals_in_six_lists(demo_plans):
    bergen = demo_plans["bergen"]
    assert Hovedmal.objects.filter(plan=bergen).count() == 7  # seed 002 L195-202
    per_list = Counter(bergen.tiltak.values_list("area__code", flat=True))
    # seed 002 L89: 11 + 7 + 3 + 14 + 7 + 6 = 48
    assert per_list == {"K2.1": 11, "K2.2": 7, "K2.3": 3, "K3": 14, "K4": 7, "K5": 6}
    trinn = Omrade.objects.get(plan=bergen, code="K2.2")
    assert trinn.parent.code == "K2" and trinn.kind == "trinn"
    assert trinn.path_titles() == ["Forebyggende arbeid", "Trinn 2 – selektiv forebygging"]
    assert bergen.decision_ref == "bystyresak 278/17"


def test_stavanger_has_38_measures_in_6_areas_and_the_change_log(demo_plans):
    stavanger = demo_plans["stavanger"]
    per_area = Counter(stavanger.tiltak.values_list("area__code", flat=True))
    # seed 004 §2.1: measures 1-5, 6-15, 16-19, 20-24, 25-30, 31-38
    assert per_area == {"I1": 5, "I2": 10, "I3": 4, "I4": 5, "I5": 6, "I6": 8}
    assert stavanger.tiltak.filter(kind="vurdere").count() == 13
    # seed 004 L804-860: ten changes to measures, three to the plan's text
    assert Endring.objects.filter(plan=stavanger, tiltak__isnull=False).count() == 10
    assert Endring.objects.filter(plan=stavanger, tiltak__isnull=True).count() == 3


def test_text_at_a_date_from_the_demo_change_log(demo_plans):
    t7 = Tiltak.objects.get(plan=demo_plans["stavanger"], number="7")
    assert "to helse- og sosialkontor" in services.text_of(t7, date(2019, 6, 1))
    assert services.text_of(t7, date(2019, 6, 17)) == t7.text
    t38 = Tiltak.objects.get(plan=demo_plans["stavanger"], number="38")
    assert services.text_of(t38, date(2019, 6, 16)) is None  # new point, L834


def test_st_hanshaugen_measures_answer_the_city_measures(demo_plans):
    city, sth = demo_plans["oslo"], demo_plans["st"]
    assert city.tiltak.count() == 36 and sth.tiltak.count() == 42  # seed-notes 003 §2.2
    assert sth.tiltak.filter(parent__isnull=True).count() == 2  # S1 row 6 and T2 item 5
    assert set(sth.tiltak.exclude(parent=None).values_list("parent__plan", flat=True)) == {
        city.pk
    }
    c = Tiltak.objects.get(plan=city, number="S1-c")
    assert sorted(c.children.values_list("number", flat=True)) == ["S1-3", "S1-3b"]
    assert Omrade.objects.get(plan=sth, code="S3-T4").parent.code == "S3"
    assert set(Hovedmal.objects.filter(plan=sth).values_list("code", flat=True)) == {"M1", "M2"}


def test_loading_twice_changes_nothing(demo_plans):
    before = (Tiltak.objects.count(), Statusoppdatering.objects.count(), Endring.objects.count(),
              list(Tiltak.objects.order_by("pk").values_list("version", flat=True)))
    demo.load()
    after = (Tiltak.objects.count(), Statusoppdatering.objects.count(), Endring.objects.count(),
             list(Tiltak.objects.order_by("pk").values_list("version", flat=True)))
    assert before == after


def test_report_counts_match_the_statuses(demo_plans):
    stavanger = demo_plans["stavanger"]
    counts = services.status_counts(stavanger, 2021)
    assert sum(counts.values()) == 38
    latest = Counter(
        t.statuser.filter(year__lte=2021).order_by("-period_key", "-created_at").first().status
        for t in stavanger.tiltak.all()
    )
    assert {k: v for k, v in counts.items() if v} == dict(latest)


def test_plan_summaries_for_other_apps(demo_plans, stavanger_planlegger):
    summaries = services.plan_summaries(
        Plan.objects.for_user(stavanger_planlegger, services.READ_ROLES), 2022
    )
    assert [s["plan"].slug for s in summaries] == ["stavanger-rusplan-2019-2023"]
    assert summaries[0]["total"] == 38
    assert summaries[0]["done_pct"] == round(
        100 * (summaries[0]["counts"]["gjennomfort"] + summaries[0]["counts"]["avsluttet"]) / 38
    )
