"""Demo rounds, generated to reproduce the seeds' published figures.

* St. Hanshaugen 2019 (``030104-2019``): the 319 persons of seed 003
  L216-335 with exactly its counts (a test checks Rusfelt's results).
* Stavanger 2010-2018 (``1103-<year>``): the shares of seed 004 Tabell 2
  (L327-348); 2013 and 2017 were not mapped (no round, so trends show them
  as «ikke kartlagt»). The rounds carry the seed's two breaks in series
  (``STAVANGER_BREAKS``): new age groups in 2015 (L348, the ``*`` of the
  table) and mainly-psychiatric users included for the first time in 2018
  (L325).
* Every Oslo bydel 2019, and St. Hanshaugen 2017-2018, generated around
  St. Hanshaugen's shares so comparisons and trends show something.
* ``030104-2026`` open and empty, for registering in the demo.

Each person gets a synthetic fødselsnummer: a birth date for the wanted age
and an individual number for the wanted sex, kept only when python-stdnum
accepts it. Only the pseudonym, age and sex are stored, as in real use. The
levels of the eight areas are drawn from one latent severity per person, so
areas go together as in real mapping; the marginal counts are exact.
``load()`` keys on round codes: a second run changes nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from stdnum.no import fodselsnummer

from rusfelt.core.models import OrgUnit
from rusfelt.screening import mapping as screening

from . import services
from .domain.levels import AREAS
from .domain.pseudonym import pseudonym
from .models import Registrering, Runde, State

HJEMMEL = "Helse- og omsorgstjenesteloven § 5-6 og personopplysningsloven (demo)"
FORMAL = ("Oversikt over omfang og levekår blant tjenestemottakere med rus- og psykiske "
          "problemer, til planlegging og dimensjonering av tjenestene (demo).")
DPIA = "DPIA-DEMO-2019-01"

# Seed 003 L216-335: St. Hanshaugen 2019, 319 persons.
STH_2019 = {
    "n": 319,
    "areas": {  # (gronn, gul, rod)
        "bolig": (215, 75, 29),  # L270-272
        "arbeid_aktivitet": (54, 119, 146),  # L286-288
        "okonomi": (102, 132, 85),  # L293-296
        "fysisk_helse": (133, 148, 38),  # L301-302 (gronn = 319 - 148 - 38)
        "psykisk_helse": (61, 169, 89),  # L305-307
        "rusmiddelbruk": (42, 200, 77),  # L320-322
        "sosial_fungering": (68, 188, 63),  # L327-329
        "nettverk": (54, 187, 78),  # L333-335 (gronn = 319 - 187 - 78)
    },
    "kategori": {"rus": 51, "rus_psykisk": 268, "psykisk": 0},  # L223
    "tjeneste": {"nav": 242, "helse_omsorg": 77},  # L218-219: 76 % / 24 %
    "menn": 214,  # L226: 67 %
    # L228: 16-30 / 30-59 / 60+ = 39 / 218 / 61 (sums to 318; the 319th is put
    # in the youngest band). L259: 1 aged 16-17 and 7 aged 18-23.
    "ages": [(16, 17, 1), (18, 23, 7), (24, 29, 32), (30, 59, 218), (60, 85, 61)],
    "varighet_over_3_ar": 222,  # L224
    "fodested": {"norge": 242, "utenfor_europa": 54, "ukjent": 7, "europa": 16},  # L230-231
    "bosituasjon": {"alene": 291, "partner": 11, "familie_venner": 8, "uklar": 9},  # L233
    "barn": {"omsorg": 2, "samvaer": 26, "ingen_kontakt": 24},  # L242-243, 52 parents
    "barn_total": 57,  # L242
    "flags": {"selvmordsforsok": 8, "selvmordsfare": 9, "overdose": 5, "overdosefare": 22},
    "anbefalt_arbeid": 56,  # L289
}

# Seed 004 Tabell 2 (L327-348): Stavanger, persons with substance problems.
STAVANGER = {
    2010: dict(n=780, u25=16, rus=(50, 17), bolig=(59, 18), psyk=(36, 7), ip=23, ag=50),
    2011: dict(n=755, u25=16, rus=(46, 16), bolig=(52, 19), psyk=(36, 7), ip=35, ag=56),
    2012: dict(n=746, u25=14, rus=(42, 19), bolig=(53, 20), psyk=(31, 9), ip=60, ag=61),
    2014: dict(n=797, u25=14, rus=(42, 11), bolig=(66, 14), psyk=(30, 11), ip=44, ag=56),
    2015: dict(n=688, u25=10, rus=(39, 10), bolig=(72, 12), psyk=(36, 7), ip=61, ag=55),
    2016: dict(n=676, u25=11, rus=(38, 8), bolig=(82, 7), psyk=(44, 7), ip=49, ag=64),
    2018: dict(n=861, u25=10, rus=(38, 8), bolig=(76, 7), psyk=(36, 7), ip=40, ag=58),
}

# Breaks in Stavanger's series, seed 004 L325 and L348 (our wording).
STAVANGER_BREAKS = {
    2015: ("aldersgrupper",
           "Aldersgruppene endret: fra 2015 kartlegges også unge fra 16 år, og 18–25 år "
           "ble til 16–23 og 24–29 år (seed 004 L348)"),
    2018: ("populasjon",
           "Populasjonen utvidet: for første gang også brukere med primært psykiske "
           "problemer, og flere virksomheter deltok (seed 004 L325)"),
}

# Mapped per 1 000 aged 16+ in each Oslo bydel in 2019 (demo values around
# Oslo's 7,3, seed 003 L218; St. Hanshaugen's own 9,4 comes from its 319).
OSLO_RATES = {
    "030101": 11.0, "030102": 9.0, "030103": 8.0, "030105": 6.5, "030106": 4.0,
    "030107": 3.0, "030108": 6.0, "030109": 5.0, "030110": 6.5, "030111": 6.0,
    "030112": 8.5, "030113": 7.5, "030114": 7.0, "030115": 6.0,
}
OSLO_ADULTS_2019 = {
    "030101": 50_500, "030102": 54_300, "030103": 39_400, "030105": 49_800,
    "030106": 27_100, "030107": 38_400, "030108": 41_200, "030109": 26_800,
    "030110": 21_900, "030111": 25_600, "030112": 39_300, "030113": 40_700,
    "030114": 41_300, "030115": 29_500,
}

LATENT_NOISE = 0.75  # lower: areas go together more strongly


# --- Synthetic numbers ------------------------------------------------------------


def synthetic_number(rng: random.Random, birth: date, male: bool, used: set) -> str:
    """A fødselsnummer python-stdnum accepts, for ``birth`` and sex, not in ``used``."""
    lo, hi = (0, 499) if birth.year < 2000 else (500, 999)
    for _ in range(2000):
        individual = rng.randint(lo, hi)
        if (individual // 1) % 2 != int(male):  # third digit of the individual number
            individual = individual + 1 if individual < hi else individual - 1
        if individual % 2 != int(male):
            continue
        base = f"{birth:%d%m}{birth.year % 100:02d}{individual:03d}"
        k1 = fodselsnummer.calc_check_digit1(base)
        if len(k1) != 1:
            continue
        k2 = fodselsnummer.calc_check_digit2(base + k1)
        number = base + k1 + k2
        if len(k2) == 1 and number not in used and fodselsnummer.is_valid(number):
            used.add(number)
            return number
    raise RuntimeError("no synthetic number found")


def birth_for(rng: random.Random, age: int, reference: date) -> date:
    """A birth date that makes the person ``age`` on ``reference``."""
    latest = date(reference.year - age, reference.month, min(reference.day, 28))
    return latest - timedelta(days=rng.randint(0, 364))


# --- Cohorts -----------------------------------------------------------------------


def _exact(rng, n, counts: dict) -> list:
    """A shuffled list with exactly ``counts[key]`` of each key (n in all)."""
    values = [key for key, k in counts.items() for _ in range(k)]
    assert len(values) == n, (len(values), n)
    rng.shuffle(values)
    return values


def _levels(rng, latent, counts):
    g, y, _r = counts
    order = sorted(range(len(latent)), key=lambda i: latent[i] + rng.gauss(0, LATENT_NOISE))
    levels = [""] * len(latent)
    for rank, i in enumerate(order):
        levels[i] = "gronn" if rank < g else "gul" if rank < g + y else "rod"
    return levels


def _pick(rng, n, k, weights=None):
    chosen = set(rng.sample(range(n), k)) if weights is None else set(
        sorted(range(n), key=lambda i: -(weights[i] + rng.gauss(0, 1)))[:k])
    return [i in chosen for i in range(n)]


def cohort(rng: random.Random, spec: dict) -> list[dict]:
    """Person dicts (with ``age`` and ``male``) reproducing ``spec``'s counts."""
    n = spec["n"]
    latent = [rng.gauss(0, 1) for _ in range(n)]
    people = [{"informert": True} for _ in range(n)]
    for area, counts in spec["areas"].items():
        for person, level in zip(people, _levels(rng, latent, counts), strict=True):
            person[area] = level
    # Kun rus: those with the best psykisk helse (seed 004 L350 puts anyone with a
    # substance problem under RUS/ROP; kun psykisk is not in these cohorts).
    psyk_rank = sorted(range(n), key=lambda i: ("gronn", "gul", "rod").index(
        people[i]["psykisk_helse"]) + rng.random())
    kat = spec["kategori"]
    for rank, i in enumerate(psyk_rank):
        people[i]["kategori"] = "rus" if rank < kat.get("rus", 0) else "rus_psykisk"
    for person, value in zip(people, _exact(rng, n, spec["tjeneste"]), strict=True):
        person["tjeneste"] = value
    males = _exact(rng, n, {True: spec["menn"], False: n - spec["menn"]})
    ages = [rng.randint(lo, hi) for lo, hi, k in spec["ages"] for _ in range(k)]
    assert len(ages) == n
    rng.shuffle(ages)
    for person, male, age in zip(people, males, ages, strict=True):
        person["male"], person["age"] = male, age
    if "varighet_over_3_ar" in spec:
        for person, flag in zip(people, _pick(rng, n, spec["varighet_over_3_ar"]), strict=True):
            person["varighet_over_3_ar"] = flag
    for key in ("fodested", "bosituasjon"):
        if key in spec:
            for person, value in zip(people, _exact(rng, n, spec[key]), strict=True):
                person[key] = value
    if "barn" in spec:
        parents = rng.sample(range(n), sum(spec["barn"].values()))
        kinds = _exact(rng, len(parents), spec["barn"])
        extra = spec["barn_total"] - len(parents)
        for j, (i, kind) in enumerate(zip(parents, kinds, strict=True)):
            people[i]["barn_kontakt"] = kind
            people[i]["antall_barn"] = 2 if j < extra else 1
    severity = [("gronn", "gul", "rod").index(p["rusmiddelbruk"]) + latent[i]
                for i, p in enumerate(people)]
    for flag, k in spec.get("flags", {}).items():
        for person, value in zip(people, _pick(rng, n, k, severity), strict=True):
            person[flag] = value
    for flag, k in spec.get("plain_flags", {}).items():
        for person, value in zip(people, _pick(rng, n, k), strict=True):
            person[flag] = value
    if "anbefalt_arbeid" in spec:
        for person, value in zip(people, _pick(rng, n, spec["anbefalt_arbeid"]), strict=True):
            person["anbefalte_tiltak"] = "arbeidsrettede_tiltak" if value else ""
    return people


# Seed 004 L350-360, Stavanger November 2018: 259 kun rus and 602 rus og
# psykisk; 93 of the 602 are ROP: rus RØD/psykisk RØD 27, RØD/GUL 38, GUL/RØD 28.
STAVANGER_2018_KUN_RUS = 259
STAVANGER_2018_ROP = {("rod", "rod"): 27, ("rod", "gul"): 38, ("gul", "rod"): 28}


def pair_rop(rng: random.Random, people: list[dict], rop: dict) -> None:
    """Re-deal rusmiddelbruk levels so the ROP combinations are exact.

    Each person keeps their psykisk helse level and the cohort keeps its
    rusmiddelbruk counts; only who holds which rus level changes. Rus rød
    goes first to the listed combinations, then to people with psykisk
    grønn (never making another ROP case).
    """
    pool = [p["rusmiddelbruk"] for p in people]
    rng.shuffle(pool)
    taken = {"gronn": 0, "gul": 0, "rod": 0}
    for level in pool:
        taken[level] += 1
    assigned: dict[int, str] = {}
    both = [i for i, p in enumerate(people) if p["kategori"] == "rus_psykisk"]
    for (rus, psyk), k in rop.items():
        candidates = [i for i in both if i not in assigned and people[i]["psykisk_helse"] == psyk]
        for i in candidates[:k]:
            assigned[i] = rus
            taken[rus] -= 1
    # Remaining rus rød: people with psykisk grønn (not ROP); psykisk rød without
    # a listed pair gets rus grønn, psykisk gul gets grønn or gul.
    rest = [i for i in range(len(people)) if i not in assigned]
    for i in sorted(rest, key=lambda i: people[i]["psykisk_helse"] != "gronn"):
        psyk = people[i]["psykisk_helse"]
        choices = ["rod", "gul", "gronn"] if psyk == "gronn" else ["gronn", "gul"]
        if psyk == "gul":
            choices = ["gul", "gronn"]
        level = next((c for c in choices if taken[c] > 0), None)
        if level is None:
            raise ValueError("cannot pair ROP combinations with these counts")
        assigned[i] = level
        taken[level] -= 1
    for i, level in assigned.items():
        people[i]["rusmiddelbruk"] = level


def _split(n, shares: tuple[int, int]) -> tuple[int, int, int]:
    """(gronn, gul, rod) counts for n persons from (gronn %, rod %)."""
    g = round(n * shares[0] / 100)
    r = round(n * shares[1] / 100)
    return g, n - g - r, r


def stavanger_spec(year: int, row: dict) -> dict:
    n = row["n"]
    sth = STH_2019["areas"]
    areas = {a: tuple(round(v * n / 319) for v in sth[a]) for a in AREAS}
    for a, (g, _y, r) in areas.items():  # make each add up to n
        areas[a] = (g, n - g - r, r)
    areas["rusmiddelbruk"] = _split(n, row["rus"])
    areas["bolig"] = _split(n, row["bolig"])
    areas["psykisk_helse"] = _split(n, row["psyk"])
    under25 = round(n * row["u25"] / 100)
    # From 2015 the youngest band starts at 16 instead of 18 (seed 004 L348).
    young_lo = 16 if year >= 2015 else 18
    rus_only = STAVANGER_2018_KUN_RUS if year == 2018 else round(n * 0.3)
    return {
        "n": n, "areas": areas,
        "kategori": {"rus": rus_only, "rus_psykisk": n - rus_only},
        "tjeneste": {"nav": round(n * 0.55), "helse_omsorg": n - round(n * 0.55)},
        "menn": round(n * 0.68),
        "ages": [(young_lo, 24, under25), (25, 59, n - under25 - round(n * 0.12)),
                 (60, 80, round(n * 0.12))],
        "plain_flags": {"individuell_plan": round(n * row["ip"] / 100),
                        "ansvarsgruppe": round(n * row["ag"] / 100)},
    }


def bydel_spec(rng: random.Random, n: int) -> dict:
    """A cohort around St. Hanshaugen's shares, varied per bydel."""
    areas = {}
    for area, (g, _y, r) in STH_2019["areas"].items():
        gs = max(0.02, min(0.9, g / 319 + rng.uniform(-0.08, 0.08)))
        rs = max(0.02, min(0.6, r / 319 + rng.uniform(-0.06, 0.06)))
        gn, rn = round(n * gs), round(n * rs)
        areas[area] = (gn, n - gn - rn, rn)
    rus = round(n * rng.uniform(0.12, 0.25))
    nav = round(n * rng.uniform(0.6, 0.8))
    young = round(n * rng.uniform(0.08, 0.16))
    old = round(n * rng.uniform(0.12, 0.22))
    return {
        "n": n, "areas": areas, "kategori": {"rus": rus, "rus_psykisk": n - rus},
        "tjeneste": {"nav": nav, "helse_omsorg": n - nav},
        "menn": round(n * rng.uniform(0.6, 0.72)),
        "ages": [(18, 29, young), (30, 59, n - young - old), (60, 85, old)],
        "flags": {"overdosefare": round(n * 0.07), "selvmordsfare": round(n * 0.03)},
        "plain_flags": {"individuell_plan": round(n * rng.uniform(0.2, 0.45)),
                        "ansvarsgruppe": round(n * rng.uniform(0.3, 0.6))},
    }


# --- Loading -----------------------------------------------------------------------


def registrations(runde: Runde, people: list[dict], rng: random.Random) -> list[Registrering]:

    secret = settings.RUSFELT_PSEUDONYM_KEY
    used: set = set()
    objects = []
    for person in people:
        person = dict(person)
        age, male = person.pop("age"), person.pop("male")
        number = synthetic_number(rng, birth_for(rng, age, runde.reference_date), male, used)
        values = {k: v for k, v in person.items()}
        objects.append(Registrering(
            runde=runde, pseudonym=pseudonym(number, runde.code, secret), alder=age,
            kjonn="mann" if male else "kvinne", **values,
            **services.derived(values, runde.levekarsindeks_regel)))
    return objects


# The demo round whose registrations carry (made-up) screening results.
SCREENING_ROUNDS = {"030104-2019"}


def _make_round(unit, year, people, rng, state, stdout=None, **fields):

    code = f"{unit.code}-{year}"
    if Runde.objects.filter(code=code).exists():
        return None
    runde = Runde.objects.create(
        code=code, unit=unit, year=year, reference_date=date(year, 12, 31),
        opens=date(year, 11, 1), deadline=date(year, 12, 15), state=State.OPEN,
        hjemmel=HJEMMEL, formal=FORMAL, dpia_ref=DPIA,
        tjenester=["nav", "helse_omsorg", "barnevern", "annen"], **fields,
    )
    if people:
        objects = Registrering.objects.bulk_create(registrations(runde, people, rng),
                                                   batch_size=1000)
        if code in SCREENING_ROUNDS:  # AUDIT/DUDIT results (issue #16), made up

            day = date(year, 11, 15)
            screening.bulk_attach(zip(objects, screening.demo_values(code, day, len(objects)),
                                      strict=True))
    if state in (State.CLOSED, State.PUBLISHED):
        runde.state = state
        if state == State.PUBLISHED:
            runde.published_at = timezone.make_aware(
                timezone.datetime(min(year + 1, 2026), 2, 1, 12, 0))
        runde.save()
        if state == State.PUBLISHED:
            services.publish(runde)
    if stdout:
        stdout.write(f"  {code}: {len(people)} registreringer")
    return runde


@transaction.atomic
def load(stdout=None) -> None:
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=[
        "030104", "1103", *OSLO_RATES])}
    rng = random.Random(2019)
    _make_round(units["030104"], 2019, cohort(rng, STH_2019), rng, State.PUBLISHED, stdout)
    for year, n in ((2017, 296), (2018, 305)):
        spec = bydel_spec(random.Random(year), n)
        _make_round(units["030104"], year, cohort(random.Random(year), spec),
                    random.Random(year), State.PUBLISHED, stdout)
    for code, rate in OSLO_RATES.items():
        n = round(OSLO_ADULTS_2019[code] * rate / 1000)
        r = random.Random(int(code))
        _make_round(units[code], 2019, cohort(r, bydel_spec(r, n)), r, State.PUBLISHED, stdout)
    for year, row in STAVANGER.items():
        r = random.Random(year * 7)
        people = cohort(r, stavanger_spec(year, row))
        if year == 2018:
            pair_rop(r, people, STAVANGER_2018_ROP)
        kind, reason = STAVANGER_BREAKS.get(year, ("", ""))
        _make_round(units["1103"], year, people, r, State.PUBLISHED, stdout,
                    break_kind=kind, break_reason=reason)
    _make_round(units["030104"], 2026, [], rng, State.OPEN, stdout)
    # The country's sum, published once per year after the rounds.
    land = OrgUnit.objects.filter(level="land").first()
    if land is not None:

        years = (Runde.objects.filter(state=State.PUBLISHED).values_list("year", flat=True)
                 .distinct().order_by("year"))
        for year in years:
            if services.sum_publication(land, year) is None:
                services.publish_sum(land, year)
