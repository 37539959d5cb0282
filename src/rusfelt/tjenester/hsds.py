"""Open Referral HSDS 3.0: the directory as compiled service objects.

Validated in tests against the official schemas (``../shared/reference/
hsds-3.0/schema/``, not copied into the project). Rules of the
specification that the JSON schemas do not encode are kept here too:

- an optional field without a value is left out, never ``null`` (the
  schemas allow only a string or a number there);
- ``closes_at`` is a clock time ``HH:MM`` (no "24:00"): a whole day is
  00:00-23:59 with a description saying so;
- an address needs ``postal_code``, ``city`` and ``state_province`` and
  its ``address_1`` is a street address; where the directory has no postal
  code, the location says where it is in its description instead;
- ``extent_type`` is one of geojson, topojson, kml, text: the export gives
  no extent, so it gives no ``extent_type`` either.

Times are Europe/Oslo wall-clock times. HSDS's ``timezone`` is one UTC
offset and Norway changes offset twice a year, so it is left out and each
schedule says so in ``notes``.
"""

import uuid
from datetime import time

from rusfelt.core.models import Niva, OrgUnit

from .models import AccessRoute, Category, Kind, Language, TargetGroup, Tjeneste

HSDS_NAMESPACE = uuid.UUID("6f1c0e8e-4f7a-5b9e-9a57-7275736665c0")  # fixed: stable ids
RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500


def hsds_id(*parts) -> str:
    return str(uuid.uuid5(HSDS_NAMESPACE, ":".join(str(p) for p in parts)))


def service_id(obj: Tjeneste) -> str:
    return hsds_id("service", obj.slug)


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def _clean(row: dict) -> dict:
    """Leave out what has no value: None, "" and empty lists (never null)."""
    return {k: v for k, v in row.items() if v is not None and v != "" and v != []}


def schedules(obj: Tjeneste, sid: str) -> list[dict]:
    """Weekly periods grouped by hours (one RRULE per set of days), then dated exceptions."""
    by_hours: dict[tuple[time, time], list[int]] = {}
    for p in obj.periods.all():
        by_hours.setdefault((p.opens, p.closes), []).append(p.weekday)
    holidays = ("Åpent også på helligdager." if obj.open_on_holidays
                else "Stengt på helligdager.")
    rows = []
    for (opens, closes), days in by_hours.items():
        whole_day = opens == closes == time(0)
        overnight = not whole_day and closes <= opens
        rows.append(_clean({
            "id": hsds_id("schedule", obj.slug, _hhmm(opens), _hhmm(closes)),
            "service_id": sid, "freq": "WEEKLY", "interval": 1,
            "byday": ",".join(RRULE_DAYS[d] for d in sorted(set(days))),
            "opens_at": _hhmm(opens),
            "closes_at": "23:59" if whole_day else _hhmm(closes),
            "description": "Åpent hele døgnet." if whole_day else (
                "Stenger neste morgen." if overnight else ""),
            "notes": f"Lokal tid i Europe/Oslo. {holidays}",
        }))
    for e in obj.exceptions.all():
        rows.append(_clean({
            "id": hsds_id("exception", e.pk), "service_id": sid,
            "valid_from": e.day.isoformat(), "valid_to": e.day.isoformat(),
            "opens_at": None if e.closed else _hhmm(e.opens),
            "closes_at": None if e.closed else _hhmm(e.closes),
            "description": e.note or ("Stengt denne dagen." if e.closed
                                      else "Endret åpningstid denne dagen."),
            "notes": "Unntak for én dato; lokal tid i Europe/Oslo.",
        }))
    return rows


def _organization(obj: Tjeneste) -> dict:
    name = obj.provider_display or obj.unit.name
    return {"id": hsds_id("organization", name), "name": name,
            "description": f"{name} ({Kind(obj.kind).label.lower()})"}


def _location(obj: Tjeneste, organization_id: str, fylker: dict[str, str]) -> dict | None:
    """The service's place, or None when the directory knows none."""
    has_point = obj.latitude is not None and obj.longitude is not None
    if not (obj.street_address or has_point):
        return None
    location_id = hsds_id("location", obj.slug)
    addresses = []
    if obj.street_address and obj.postal_code and obj.city:
        addresses.append({
            "id": hsds_id("address", obj.slug), "location_id": location_id,
            "address_1": obj.street_address, "city": obj.city,
            "state_province": _fylke(obj.unit, fylker),
            "postal_code": obj.postal_code, "country": "NO", "address_type": "physical",
        })
    where = ", ".join(x for x in (obj.street_address, obj.postal_code, obj.city) if x)
    return _clean({
        "id": location_id, "location_type": "physical", "organization_id": organization_id,
        "name": obj.name,
        "description": None if addresses else where,
        "latitude": float(obj.latitude) if has_point else None,
        "longitude": float(obj.longitude) if has_point else None,
        "addresses": addresses,
    })


def _fylke(unit: OrgUnit, fylker: dict[str, str]) -> str:
    """The name of the fylke above ``unit`` (path /land/fylke/kommune/...)."""
    codes = unit.path.strip("/").split("/")
    return fylker.get(codes[1], unit.name) if len(codes) > 1 else unit.name


def _attributes(obj: Tjeneste, sid: str) -> list[dict]:
    vocabularies = (
        ("kategori", "service_category", [obj.category], Category),
        ("type", "organization_type", [obj.kind], Kind),
        ("malgruppe", "audience", obj.target_groups, TargetGroup),
        ("tilgang", "access_route", obj.access_routes, AccessRoute),
    )
    rows = []
    for vocabulary, link_type, codes, choices in vocabularies:
        for code in codes:
            if code not in choices.values:
                continue
            label = str(choices(code).label)
            rows.append({
                "id": hsds_id("attribute", obj.slug, vocabulary, code), "link_id": sid,
                "link_type": link_type, "link_entity": "service", "value": code,
                "taxonomy_term": {"id": hsds_id("term", vocabulary, code), "code": code,
                                  "name": label, "description": label,
                                  "taxonomy": f"rusfelt-{vocabulary}", "language": "nb"},
            })
    return rows


def one_to_one(obj: Tjeneste, absolute) -> dict:
    """The service's own fields and its organization (HSDS compiled/service_list.json)."""
    sid = service_id(obj)
    organization = _organization(obj)
    english = obj.translated("name", "en")
    return _clean({
        "id": sid,
        "organization_id": organization["id"],
        "name": obj.name,
        "alternate_name": english if english != obj.name else None,
        "description": obj.description,
        "url": obj.website or absolute(obj.get_absolute_url()),
        "email": obj.email,
        "status": "active",
        "application_process": obj.access_text or ", ".join(
            str(label) for label in obj.get_access_route_labels()),
        "eligibility_description": obj.target_text,
        "minimum_age": obj.age_min,
        "maximum_age": obj.age_max,
        "assured_date": obj.verified_on.isoformat() if obj.verified_on else None,
        "last_modified": obj.updated_at.isoformat() if obj.updated_at else None,
        "organization": organization,
    })


def full_service(obj: Tjeneste, absolute, fylker: dict[str, str]) -> dict:
    """One service with its related objects nested (HSDS compiled/service.json)."""
    service = one_to_one(obj, absolute)
    sid = service["id"]
    location = _location(obj, service["organization_id"], fylker)
    level = Niva(obj.unit.level).label if obj.unit.level in Niva.values else ""
    service.update(_clean({
        "phones": [{"id": hsds_id("phone", obj.slug), "service_id": sid,
                    "number": obj.phone, "type": "voice"}] if obj.phone else [],
        "schedules": schedules(obj, sid),
        "service_areas": [{"id": hsds_id("area", obj.slug), "service_id": sid,
                           "name": obj.unit.name,
                           "description": f"{level} {obj.unit.code}".strip()}],
        "languages": [{"id": hsds_id("language", obj.slug, code), "service_id": sid,
                       "code": code, "name": str(Language(code).label)}
                      for code in obj.languages if code in Language.values],
        "service_at_locations": [{
            "id": hsds_id("service_at_location", obj.slug), "service_id": sid,
            "location_id": location["id"], "location": location,
        }] if location else [],
        "attributes": _attributes(obj, sid),
    }))
    return service


def fylke_names() -> dict[str, str]:
    return dict(OrgUnit.objects.filter(level=Niva.FYLKE).values_list("code", "name"))


def page(items: list, *, total: int, number: int, per_page: int) -> dict:
    """An HSDS API page (openapi.json components/schemas/Page) around ``items``."""
    pages = max(1, -(-total // per_page))
    return {
        "total_items": total, "total_pages": pages, "page_number": number,
        "size": len(items), "first_page": number == 1, "last_page": number >= pages,
        "empty": not items, "contents": items,
    }
