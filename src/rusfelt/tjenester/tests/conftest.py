from datetime import date, time

import pytest

from rusfelt.tjenester.models import Apningstid, Tjeneste, Unntak

WEEKDAYS = range(5)


@pytest.fixture
def make_tjeneste(units):
    """make_tjeneste("slug", unit="0301", hours=[(weekday, "08:00", "15:30")], **fields)."""

    def make(slug, *, unit="0301", hours=(), exceptions=(), **fields):
        defaults = {
            "name": slug.replace("-", " ").capitalize(),
            "kind": "kommunal", "category": "oppfolging", "provider_name": "Kommunen",
            "description": "Et tilbud.", "verified_on": date(2026, 9, 1),
        }
        defaults.update(fields)
        obj = Tjeneste.objects.create(slug=slug, unit=units[unit], **defaults)
        for weekday, opens, closes in hours:
            Apningstid.objects.create(tjeneste=obj, weekday=weekday,
                                      opens=time.fromisoformat(opens),
                                      closes=time.fromisoformat(closes))
        for day, closed, opens, closes in exceptions:
            Unntak.objects.create(tjeneste=obj, day=day, closed=closed,
                                  opens=opens and time.fromisoformat(opens),
                                  closes=closes and time.fromisoformat(closes))
        return obj

    return make


@pytest.fixture
def office_hours():
    return [(d, "08:30", "15:30") for d in WEEKDAYS]
