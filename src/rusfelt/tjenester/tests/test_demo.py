import pytest
from django.db.models import Sum

from rusfelt.tjenester import demo
from rusfelt.tjenester.models import Tjeneste, TjenesteOversettelse

pytestmark = pytest.mark.django_db


def test_demo_loads_the_seed_services_and_a_second_run_changes_nothing(units):
    demo.load()
    counts = {code: Tjeneste.objects.filter(unit__code=code).count()
              for code in ("1103", "030104", "0301")}
    # Stavanger: 17 appendix services + Housing First (seed 004 L862-978, L404)
    # and the 7 housing offers of Tabell 4 (L627-638).
    assert counts["1103"] == 18 + 7
    # St. Hanshaugen: the 22 services of chapter 4 (seed 003 L382-657).
    assert counts["030104"] == 22
    # Oslo: 32 institutions (seed 000 L2128-2164) + 37 low-threshold services (L2168-2215).
    assert counts["0301"] == 32 + 37
    before = Tjeneste.objects.count()
    demo.load()
    assert Tjeneste.objects.count() == before
    assert TjenesteOversettelse.objects.count() == len(demo.ENGLISH)


def test_demo_places_add_up_to_the_seed_totals(units):
    demo.load()
    housing = Tjeneste.objects.filter(slug__startswith="stavanger-bolig-")
    assert housing.aggregate(n=Sum("places"))["n"] == 67  # seed 004 Tabell 4
    institutions = Tjeneste.objects.filter(source_ref__contains="Vedlegg 3")
    assert institutions.aggregate(n=Sum("places"))["n"] == 703  # seed 000 L2128-2164
    private = institutions.exclude(kind="kommunal")
    assert private.aggregate(n=Sum("places"))["n"] == 236  # seed 000 L643


def test_every_demo_service_cites_its_source(units):
    demo.load()
    assert not Tjeneste.objects.filter(source_ref="").exists()
    assert not Tjeneste.objects.exclude(source_ref__startswith="seed 0").exists()


def test_provider_names_are_whole_organisation_names(units):
    # The loader once cut them to their first word ("Blå", "Kirkens", "=").
    demo.load()
    providers = dict(Tjeneste.objects.values_list("name", "provider_name"))
    assert providers["Blå Kors kontaktsenter"] == "Blå Kors"
    assert providers["Kirkens Bymisjon Sporet"] == "Kirkens Bymisjon"
    assert providers["= Oslo"] == "= Oslo"
    assert providers["Caritas"] == "Caritas"
    assert providers["Oslo Røde Kors overnatting"] == "Oslo Røde Kors"
    assert providers["Den Åpne Dør, Frelsesarmeen"] == "Frelsesarmeen"
    cut = {"Blå", "Kirkens", "=", "Frelsesarmeen Fyrlyset", "Sub", "Foreningen"}
    assert not cut & set(providers.values())


def test_the_demo_invents_no_contact_details(units):
    # The seeds give no phone numbers, e-mail or web addresses for these services;
    # only the national legevakt number (116 117) and places the seeds name.
    demo.load()
    assert list(Tjeneste.objects.exclude(phone="").values_list("phone", flat=True)) == [
        "116 117"]
    assert not Tjeneste.objects.exclude(email="").exists()
    assert not Tjeneste.objects.exclude(website="").exists()
    assert not Tjeneste.objects.exclude(postal_code="").exists()
    assert list(Tjeneste.objects.exclude(street_address="").values_list(
        "street_address", flat=True)) == ["Legevakten, Storgata"]  # seed 000 L1288
