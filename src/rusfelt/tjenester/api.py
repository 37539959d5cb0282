"""The read-only JSON API: search (schema.org fields), OpenAPI, HSDS 3.0 export.

Public data only (published services); no login. The list takes the same
parameters as the search page. Texts come in the active language (``?lang=en``
or Accept-Language) with bokmål as fallback.
"""

import uuid
from datetime import time

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from rusfelt.core import audit
from rusfelt.core.models import AuditAction

from . import services
from .forms import SokForm
from .models import Kind, Tjeneste

API_PAGE_SIZE = 50
DAY_URIS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
HSDS_NAMESPACE = uuid.UUID("6f1c0e8e-4f7a-5b9e-9a57-7275736665c0")  # fixed: stable ids


def _lang(request):
    code = request.GET.get("lang")
    return code if code in ("nb", "en") else None


def hhmm(value: time) -> str:
    return value.strftime("%H:%M")


# --- schema.org ---------------------------------------------------------------


def schema_org(obj: Tjeneste, request, listing: services.Listing) -> dict:
    """One service as a schema.org Service (GovernmentService for public bodies)."""
    public = obj.kind in (Kind.KOMMUNAL, Kind.STATLIG)
    address = {
        "@type": "PostalAddress", "streetAddress": obj.street_address,
        "postalCode": obj.postal_code, "addressLocality": obj.city, "addressCountry": "NO",
    }
    place = {"@type": "Place", "address": address}
    if obj.latitude is not None and obj.longitude is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": float(obj.latitude),
                        "longitude": float(obj.longitude)}
    hours = [
        {"@type": "OpeningHoursSpecification",
         "dayOfWeek": f"https://schema.org/{DAY_URIS[p.weekday]}",
         "opens": hhmm(p.opens), "closes": hhmm(p.closes)}
        for p in obj.periods.all()
    ]
    hours += [
        {"@type": "OpeningHoursSpecification", "validFrom": e.day.isoformat(),
         "validThrough": e.day.isoformat(),
         **({"opens": "00:00", "closes": "00:00"} if e.closed
            else {"opens": hhmm(e.opens), "closes": hhmm(e.closes)}),
         "description": e.note}
        for e in obj.exceptions.all()
    ]
    return {
        "@type": "GovernmentService" if public else "Service",
        "@id": request.build_absolute_uri(obj.get_absolute_url()),
        "identifier": obj.slug,
        "name": obj.translated("name"),
        "description": obj.translated("description"),
        "serviceType": str(obj.get_category_display()),
        "category": obj.category,
        "provider": {
            "@type": "GovernmentOrganization" if public else "Organization",
            "name": obj.provider_display,
        },
        "areaServed": {"@type": "AdministrativeArea", "name": obj.unit.name,
                       "identifier": obj.unit.code},
        "audience": {
            "@type": "PeopleAudience",
            "audienceType": [str(label) for label in obj.get_target_group_labels()],
            "suggestedMinAge": obj.age_min, "suggestedMaxAge": obj.age_max,
            "description": obj.translated("target_text"),
        },
        "availableChannel": {
            "@type": "ServiceChannel",
            "description": obj.translated("access_text"),
            "servicePhone": {"@type": "ContactPoint", "telephone": obj.phone} if obj.phone
            else None,
            "serviceUrl": obj.website or None,
            "serviceLocation": place,
        },
        "hoursAvailable": hours,
        "availableLanguage": obj.languages,
        "telephone": obj.phone or None,
        "email": obj.email or None,
        "url": obj.website or None,
        # Rusfelt's own fields (outside schema.org), with our codes.
        "kind": obj.kind,
        "targetGroups": obj.target_groups,
        "accessRoutes": obj.access_routes,
        "openOnHolidays": obj.open_on_holidays,
        "openNow": listing.status.is_open,
        "statusChangesAt": listing.status.changes_at.isoformat() if listing.status.changes_at
        else None,
        "capacity": obj.capacity or None,
        "places": obj.places,
        "verifiedOn": obj.verified_on.isoformat() if obj.verified_on else None,
        "stale": listing.stale,
    }


@require_GET
@cache_control(public=True, max_age=60)
def service_list(request):
    with translation.override(_lang(request) or translation.get_language()):
        form = SokForm(request.GET or None, places=[("", "")] + _all_places())
        filters = form.filters()
        now = services.now_local()
        ids = services.search_ids(filters, now)
        page = Paginator(ids, API_PAGE_SIZE).get_page(request.GET.get("side"))
        items = [schema_org(item.tjeneste, request, item)
                 for item in services.listings(services.load(page.object_list), now)]
        next_url = None
        if page.has_next():
            query = request.GET.copy()
            query["side"] = page.next_page_number()
            next_url = request.build_absolute_uri(f"?{query.urlencode()}")
        return JsonResponse({
            "@context": "https://schema.org",
            "count": page.paginator.count, "page": page.number, "next": next_url,
            "errors": {k: [str(e) for e in v] for k, v in form.errors.items()},
            "results": items,
        }, json_dumps_params={"ensure_ascii": False})


def _all_places():
    from rusfelt.core.models import Niva, OrgUnit

    return list(OrgUnit.objects.filter(level__in=[Niva.KOMMUNE, Niva.BYDEL])
                .values_list("code", "name"))


@require_GET
@cache_control(public=True, max_age=60)
def service_detail(request, slug):
    with translation.override(_lang(request) or translation.get_language()):
        objs = services.load(Tjeneste.objects.published().filter(slug=slug)
                             .values_list("pk", flat=True))
        if not objs:
            raise Http404
        item = services.listings(objs, services.now_local())[0]
        return JsonResponse({"@context": "https://schema.org",
                             **schema_org(objs[0], request, item)},
                            json_dumps_params={"ensure_ascii": False})


# --- HSDS 3.0 -----------------------------------------------------------------


def hsds_id(*parts) -> str:
    return str(uuid.uuid5(HSDS_NAMESPACE, ":".join(str(p) for p in parts)))


def hsds_schedules(obj: Tjeneste, service_id: str) -> list[dict]:
    rows = []
    for p in obj.periods.all():
        whole_day = p.opens == p.closes == time(0)
        rows.append({
            "id": hsds_id("schedule", p.pk), "service_id": service_id,
            "freq": "WEEKLY", "interval": 1, "byday": RRULE_DAYS[p.weekday],
            "opens_at": hhmm(p.opens), "closes_at": "24:00" if whole_day else hhmm(p.closes),
            "description": "Hele døgnet" if whole_day else "",
            "notes": "Lokal tid i Europe/Oslo. " + (
                "Åpent også på helligdager." if obj.open_on_holidays
                else "Stengt på helligdager."),
        })
    for e in obj.exceptions.all():
        row = {"id": hsds_id("exception", e.pk), "service_id": service_id,
               "valid_from": e.day.isoformat(), "valid_to": e.day.isoformat(),
               "description": e.note or ("Stengt" if e.closed else "Endret åpningstid"),
               "notes": "Unntak for en dato; lokal tid i Europe/Oslo."}
        if not e.closed:
            row.update(opens_at=hhmm(e.opens), closes_at=hhmm(e.closes))
        rows.append(row)
    return rows


def hsds_service(obj: Tjeneste, absolute) -> dict:
    """One service as an HSDS 3.0 service object with its related objects nested."""
    service_id = hsds_id("service", obj.slug)
    organization_id = hsds_id("organization", obj.provider_display or obj.unit.code)
    location_id = hsds_id("location", obj.slug)
    location = {
        "id": location_id, "location_type": "physical", "name": obj.name,
        "organization_id": organization_id,
        "latitude": float(obj.latitude) if obj.latitude is not None else None,
        "longitude": float(obj.longitude) if obj.longitude is not None else None,
        "addresses": [{
            "id": hsds_id("address", obj.slug), "location_id": location_id,
            "address_1": obj.street_address or obj.name, "city": obj.city or obj.unit.name,
            "state_province": obj.unit.name, "postal_code": obj.postal_code, "country": "NO",
            "address_type": "physical",
        }] if obj.street_address or obj.city else [],
    }
    return {
        "id": service_id,
        "organization_id": organization_id,
        "name": obj.name,
        "alternate_name": obj.translated("name", "en") if obj.translated("name", "en")
        != obj.name else None,
        "description": obj.description,
        "url": obj.website or absolute(obj.get_absolute_url()),
        "email": obj.email or None,
        "status": "active",
        "application_process": obj.access_text or ", ".join(
            str(label) for label in obj.get_access_route_labels()),
        "eligibility_description": obj.target_text,
        "minimum_age": obj.age_min,
        "maximum_age": obj.age_max,
        "assured_date": obj.verified_on.isoformat() if obj.verified_on else None,
        "organization": {
            "id": organization_id, "name": obj.provider_display or obj.unit.name,
            "description": obj.provider_display or obj.unit.name,
        },
        "phones": [{"id": hsds_id("phone", obj.slug), "service_id": service_id,
                    "number": obj.phone, "type": "voice"}] if obj.phone else [],
        "schedules": hsds_schedules(obj, service_id),
        "service_areas": [{"id": hsds_id("area", obj.slug), "service_id": service_id,
                           "name": obj.unit.name, "extent_type": "other",
                           "uri": f"urn:rusfelt:enhet:{obj.unit.code}"}],
        "languages": [{"id": hsds_id("language", obj.slug, code), "service_id": service_id,
                       "code": code, "name": str(label)}
                      for code, label in zip(obj.languages, obj.get_language_labels(),
                                             strict=False)],
        "service_at_locations": [{
            "id": hsds_id("service_at_location", obj.slug), "service_id": service_id,
            "location_id": location_id, "location": location,
        }],
        "attributes": [
            {"id": hsds_id("attribute", obj.slug, vocabulary, code), "link_id": service_id,
             "link_type": "service", "link_entity": "service", "value": code,
             "taxonomy_term": {"id": hsds_id("term", vocabulary, code), "code": code,
                               "name": code, "description": code,
                               "taxonomy": f"rusfelt-{vocabulary}"}}
            for vocabulary, codes in (("kategori", [obj.category]), ("type", [obj.kind]),
                                      ("malgruppe", obj.target_groups),
                                      ("tilgang", obj.access_routes))
            for code in codes
        ],
    }


@require_GET
def hsds_export(request):
    """Every published service as an HSDS 3.0 page of compiled service objects."""
    document = hsds_document(request.build_absolute_uri)
    audit.record(AuditAction.EXPORT, request=request,
                 detail={"format": "hsds-3.0", "services": document["total_items"]})
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})


def hsds_document(absolute) -> dict:
    """The HSDS 3.0 export; ``absolute(path)`` makes a full URL of a path."""
    objects = services.load(Tjeneste.objects.published().order_by("name", "pk")
                            .values_list("pk", flat=True))
    contents = [hsds_service(o, absolute) for o in objects]
    return {
        "total_items": len(contents), "total_pages": 1, "page_number": 1,
        "size": len(contents), "first_page": True, "last_page": True,
        "empty": not contents, "contents": contents,
    }


@require_GET
@cache_control(public=True, max_age=3600)
def openapi(request):
    return JsonResponse(openapi_document(request), json_dumps_params={"ensure_ascii": False})


def openapi_document(request) -> dict:
    base = request.build_absolute_uri(reverse("tjenester_api:list"))
    params = [
        ("q", "string", "Fritekst; tåler bøyninger og sammensatte ord (rusbehandling)."),
        ("alder", "integer", "Alder i år; gir tilbud uten aldersgrense eller der alderen passer."),
        ("rolle", "string", "bruker eller parorende."),
        ("kategori", "string", "Kategori, f.eks. lavterskel, akutt, bolig, behandling."),
        ("tilgang", "string", "drop_in, henvisning, vedtak, timebestilling eller telefon_forst."),
        ("apen", "boolean", "on: bare tilbud som er åpne nå (Europe/Oslo, helligdager medregnet)."),
        ("sted", "string", "Kommune- eller bydelsnummer, f.eks. 0301 eller 030104."),
        ("side", "integer", "Sidenummer (50 per side)."),
        ("lang", "string", "nb eller en."),
    ]
    parameters = [{"name": n, "in": "query", "required": False, "description": d,
                   "schema": {"type": t}} for n, t, d in params]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Rusfelt tjenestekatalog", "version": "1.0.0",
                 "description": "Offentlig, lesbar katalog over hjelpetilbud. "
                                "Feltene følger schema.org/Service; eksporten følger "
                                "Open Referral HSDS 3.0."},
        "servers": [{"url": base}],
        "paths": {
            "/": {"get": {"summary": "Søk i tjenester", "operationId": "listServices",
                          "parameters": parameters,
                          "responses": {"200": {"description": "Treff",
                                                "content": {"application/json": {"schema": {
                                                    "$ref": "#/components/schemas/Page"}}}}}}},
            "/{slug}/": {"get": {"summary": "Én tjeneste", "operationId": "getService",
                                 "parameters": [{"name": "slug", "in": "path",
                                                 "required": True,
                                                 "schema": {"type": "string"}}],
                                 "responses": {"200": {"description": "Tjenesten",
                                                       "content": {"application/json": {
                                                           "schema": {"$ref":
                                                                      "#/components/schemas/"
                                                                      "Service"}}}},
                                               "404": {"description": "Finnes ikke"}}}},
            "/hsds/": {"get": {"summary": "Full eksport i Open Referral HSDS 3.0",
                               "operationId": "exportHsds",
                               "responses": {"200": {"description": "HSDS 3.0-side med "
                                                                    "alle tjenester"}}}},
            "/openapi.json": {"get": {"summary": "Denne beskrivelsen",
                                      "operationId": "openapi",
                                      "responses": {"200": {"description": "OpenAPI 3.1"}}}},
        },
        "components": {"schemas": {
            "Page": {"type": "object", "required": ["count", "page", "results"],
                     "properties": {"count": {"type": "integer"}, "page": {"type": "integer"},
                                    "next": {"type": ["string", "null"]},
                                    "errors": {"type": "object"},
                                    "results": {"type": "array", "items": {
                                        "$ref": "#/components/schemas/Service"}}}},
            "Service": {"type": "object", "description": "schema.org Service med Rusfelts "
                                                         "egne felt",
                        "required": ["@type", "@id", "identifier", "name", "openNow"],
                        "properties": {
                            "@type": {"type": "string",
                                      "enum": ["Service", "GovernmentService"]},
                            "@id": {"type": "string", "format": "uri"},
                            "identifier": {"type": "string"},
                            "name": {"type": "string"}, "description": {"type": "string"},
                            "serviceType": {"type": "string"},
                            "category": {"type": "string"},
                            "provider": {"type": "object"}, "areaServed": {"type": "object"},
                            "audience": {"type": "object"},
                            "availableChannel": {"type": "object"},
                            "hoursAvailable": {"type": "array", "items": {"type": "object"}},
                            "kind": {"type": "string"},
                            "targetGroups": {"type": "array", "items": {"type": "string"}},
                            "accessRoutes": {"type": "array", "items": {"type": "string"}},
                            "openNow": {"type": "boolean"},
                            "stale": {"type": "boolean"},
                            "verifiedOn": {"type": ["string", "null"], "format": "date"},
                        }},
        }},
    }
