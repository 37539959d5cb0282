"""Gaps in a service's information, for planners (rule version ``kvalitet-v1``).

A person must be able to reach a service: by phone, at an address they can
find (street and postal code), on the web, and at known hours. A service
missing any of these, or not verified for 12 months (``verifisering``), is
listed for its unit's planners with what is missing. No Django here.
"""

from dataclasses import dataclass
from datetime import date

from . import verifisering

RULE_VERSION = "kvalitet-v1"

#: Gap codes, in the order pages and exports show them.
PHONE, ADDRESS, WEBSITE, HOURS, STALE = "telefon", "adresse", "nettside", "apningstider", \
    "ikke_kontrollert"
GAPS = (PHONE, ADDRESS, WEBSITE, HOURS, STALE)


@dataclass(frozen=True)
class Facts:
    phone: str = ""
    street_address: str = ""
    postal_code: str = ""
    website: str = ""
    has_hours: bool = False  # weekly periods, or a note on the hours
    verified_on: date | None = None


def gaps(facts: Facts, today: date) -> tuple[str, ...]:
    """The gap codes of one service, in ``GAPS`` order ('' for none)."""
    found = {
        PHONE: not facts.phone.strip(),
        ADDRESS: not (facts.street_address.strip() and facts.postal_code.strip()),
        WEBSITE: not facts.website.strip(),
        HOURS: not facts.has_hours,
        STALE: verifisering.is_stale(facts.verified_on, today),
    }
    return tuple(code for code in GAPS if found[code])
