"""Demo data of core: units, approximate population and one login per role.

``load()`` keys everything on official codes and user names, so a second run
changes nothing. Other apps' ``demo.load()`` run after this one.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from . import services
from .domain.enheter import PopulationRow
from .models import Grant, OrgUnit, Population, Profile
from .roles import Role

DEMO_DIR = Path(__file__).parent / "demo"
DEMO_PASSWORD = "rusfelt-demo-2026"
YEARS = range(2010, 2027)

# Inhabitants aged 16+ in 2019, APPROXIMATE (rounded from SSB's published
# totals, not exact). St. Hanshaugen is set from seed 003 L216-217: 319 mapped
# persons at 9,4 per 1 000 aged 16+ gives about 33 936. Oslo's bydeler sum
# near seed 001 L683 (3 968 mapped = 7,3 per 1 000 over 18).
ADULTS_2019 = {
    "0": 4_350_000,
    "030101": 50_500, "030102": 54_300, "030103": 39_400, "030104": 33_936,
    "030105": 49_800, "030106": 27_100, "030107": 38_400, "030108": 41_200,
    "030109": 26_800, "030110": 21_900, "030111": 25_600, "030112": 39_300,
    "030113": 40_700, "030114": 41_300, "030115": 29_500,
    "460101": 11_100, "460102": 36_600, "460103": 32_100, "460104": 24_100,
    "460105": 32_500, "460106": 22_600, "460107": 34_400, "460108": 35_900,
    "1103": 114_900,
}
# Share of the 16+ population in each band, and children per adult.
BANDS = [(16, 17, 0.03), (18, 66, 0.82), (67, None, 0.15)]
CHILDREN_PER_ADULT = 0.22
GROWTH_PER_YEAR = 0.01

# One login per role; printed by ``rusfelt loaddemo``.
DEMO_USERS = [
    ("admin", "Ada", "Administrator", [("0", Role.ADMINISTRATOR)]),
    ("planlegger.oslo", "Per", "Planlegger", [("0301", Role.PLANLEGGER)]),
    ("kartlegger.sth", "Kari", "Kartlegger", [("030104", Role.KARTLEGGER)]),
    ("leser.oslo", "Lise", "Leser", [("0301", Role.LESER)]),
    ("planlegger.bergen", "Bjørn", "Bergensen", [("4601", Role.PLANLEGGER)]),
    ("planlegger.stavanger", "Siri", "Stavang", [("1103", Role.PLANLEGGER)]),
    ("kartlegger.stavanger", "Kåre", "Kartlegger", [("1103", Role.KARTLEGGER)]),
    ("personvernombud", "Pia", "Personvern", [("0", Role.PERSONVERNOMBUD)]),
    ("evaluator", "Eva", "Evaluator", [("0", Role.LESER)]),
    ("admin.bergen", "Berit", "Bergadmin", [("4601", Role.ADMINISTRATOR)]),
]
# Users without a grant yet, by home unit: only that unit's administrators
# (and those above) see them (issue 18).
DEMO_USERS_WITHOUT_GRANTS = [
    ("ny.bergen", "Nils", "Nyansatt", "4601"),
    ("ny.oslo", "Nora", "Nyansatt", "0301"),
]


def population_rows() -> list[PopulationRow]:
    """Approximate population by unit, year, sex and band (see ADULTS_2019)."""
    rows = []
    for code, adults_2019 in ADULTS_2019.items():
        for year in YEARS:
            adults = adults_2019 * (1 + GROWTH_PER_YEAR) ** (year - 2019)
            bands = [(0, 15, adults * CHILDREN_PER_ADULT)] + [
                (lo, hi, adults * share) for lo, hi, share in BANDS
            ]
            for lo, hi, n in bands:
                total = round(n)
                men = total // 2
                for sex, count in (("mann", men), ("kvinne", total - men)):
                    rows.append(PopulationRow(0, code, year, sex, lo, hi, count, True))
    return rows


@transaction.atomic
def load(stdout=None) -> None:

    services.import_units((DEMO_DIR / "enheter.csv").read_bytes(), "enheter.csv")
    units = {u.code: u for u in OrgUnit.objects.all()}
    if not Population.objects.exists():
        services._store_population(population_rows(), units)

    User = get_user_model()
    users = [(u, f, la, g, g[0][0]) for u, f, la, g in DEMO_USERS] + [
        (u, f, la, [], home) for u, f, la, home in DEMO_USERS_WITHOUT_GRANTS
    ]
    for username, first, last, grants, home in users:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        Profile.objects.get_or_create(user=user, defaults={"home_unit": units[home]})
        for code, role in grants:
            Grant.objects.get_or_create(user=user, unit=units[code], role=role)
