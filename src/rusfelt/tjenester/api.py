"""The read-only JSON API: search (schema.org fields), OpenAPI, HSDS 3.0 export.

Public data only (published services); no login. The list takes the same
parameters as the search page. Texts come in the active language (``?lang=en``
or Accept-Language) with bokmål as fallback.
"""

import json
from datetime import time

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from rusfelt.core import audit
from rusfelt.core.models import AuditAction

from . import hsds, services
from .domain import apningstider
from .forms import ApiSokForm, HsdsPageForm
from .kept import kept_key, kept_many
from .models import AccessRoute, Category, Kind, Tjeneste

API_PAGE_SIZE = 50
DAY_URIS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _lang(request):
    code = request.GET.get("lang")
    return code if code in ("nb", "en") else None


def hhmm(value: time) -> str:
    return value.strftime("%H:%M")


# --- schema.org ---------------------------------------------------------------


def schema_org(obj: Tjeneste, request, listing: services.Listing,
               schedule: apningstider.Schedule | None = None) -> dict:
    """One service as a schema.org Service (GovernmentService for public bodies).

    ``schedule``: its hours as domain values (``services.schedules_for``), when
    they were not loaded as model objects with it."""
    return {**schema_org_fixed(obj, request, schedule), **schema_org_now(listing)}


def schema_org_now(listing: services.Listing) -> dict:
    """What changes by the minute in a service's schema.org object: its status now."""
    return {
        "openNow": listing.status.is_open,
        "statusChangesAt": listing.status.changes_at.isoformat() if listing.status.changes_at
        else None,
        "stale": listing.stale,
    }


def schema_org_fixed(obj: Tjeneste, request,
                     schedule: apningstider.Schedule | None = None) -> dict:
    """A service's schema.org object but its status now (``schema_org_now``)."""
    if schedule is None:
        schedule = obj.schedule()
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
        for p in schedule.periods
    ]
    hours += [
        {"@type": "OpeningHoursSpecification", "validFrom": e.day.isoformat(),
         "validThrough": e.day.isoformat(),
         **({"opens": "00:00", "closes": "00:00"} if e.closed
            else {"opens": hhmm(e.opens), "closes": hhmm(e.closes)}),
         "description": e.note}
        for e in schedule.exceptions
    ]
    return {
        "@type": "GovernmentService" if public else "Service",
        "@id": request.build_absolute_uri(obj.get_absolute_url()),
        "identifier": obj.slug,
        "name": obj.translated("name"),
        "description": obj.translated("description"),
        "serviceType": obj.category_label,
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
        "capacity": obj.capacity or None,
        "places": obj.places,
        "verifiedOn": obj.verified_on.isoformat() if obj.verified_on else None,
    }


def _items_json(request, items: list[services.Listing], schedules) -> list[str]:
    """Each listing's schema.org object as JSON text. The fixed part of each is
    encoded once per content and kept in the process (the ``tjenester`` cache,
    as the result cards), under everything it is made of: the service's, its
    units' and translations' values (``Listing.card_key``), its hours and the
    address the links start from; the status now is added to it each time
    (issue 12: building and encoding 50 objects was a third of a page)."""
    base = request.build_absolute_uri("/")
    keys = [kept_key("api-item", (base, get_script_prefix(), item.card_key,
                                   schedules[item.tjeneste.pk])) for item in items]
    fixed = kept_many(keys, lambda i: _json(schema_org_fixed(
        items[i].tjeneste, request, schedules[items[i].tjeneste.pk])))
    # An object's text without its closing brace, then the status now.
    return [text[:-1] + ", " + _json(schema_org_now(item))[1:]
            for text, item in zip(fixed, items, strict=True)]


def _json(value) -> str:
    """JSON text as ``JsonResponse`` writes it here (UTF-8, not ASCII escapes)."""
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


@require_GET
@cache_control(public=True, max_age=60)
def service_list(request):
    """The search as JSON. Every parameter is checked: a bad value gets 400."""
    with translation.override(_lang(request) or translation.get_language()):
        form = ApiSokForm(request.GET)
        if not form.is_valid():
            return _bad_request(form)
        filters = form.filters()
        now = services.now_local()
        ids = services.search_ids(filters, now)
        paginator = Paginator(ids, API_PAGE_SIZE)
        number = form.cleaned_data["side"] or 1
        if number > paginator.num_pages:
            return JsonResponse(
                {"message": _("Siden finnes ikke: det er %(n)s sider.")
                 % {"n": paginator.num_pages}, "errors": {"side": [_("For høyt sidenummer.")]}},
                status=404, json_dumps_params={"ensure_ascii": False})
        page = paginator.page(number)
        # A page in bokmål reads no translations (``Tjeneste.translated``); the
        # hours are read as domain values, not as a model object per period.
        objects = services.load(page.object_list, hours=False,
                                translations=not services.in_bokmal())
        schedules = services.schedules_for([o.pk for o in objects],
                                           holidays={o.pk: o.open_on_holidays for o in objects})
        items = _items_json(request, services.listings(objects, now, schedules), schedules)
        next_url = None
        if page.has_next():
            query = request.GET.copy()
            query["side"] = page.next_page_number()
            next_url = request.build_absolute_uri(f"?{query.urlencode()}")
        head = _json({"@context": "https://schema.org", "count": paginator.count,
                      "page": page.number, "next": next_url})
        # The page's object with its results, the items' JSON text as they are.
        return HttpResponse(f'{head[:-1]}, "results": [{", ".join(items)}]}}',
                            content_type="application/json")


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


def _bad_request(form) -> JsonResponse:
    """400 with a message per bad parameter (bokmål, or English with lang=en)."""
    errors = {k: [str(e) for e in v] for k, v in form.errors.items()}
    return JsonResponse({"message": _("Ugyldige parametre."), "errors": errors}, status=400,
                        json_dumps_params={"ensure_ascii": False})


def _published_ids():
    return Tjeneste.objects.published().order_by("name", "pk").values_list("pk", flat=True)


@require_GET
def hsds_export(request):
    """Every published service as one HSDS 3.0 page of compiled service objects."""
    document = hsds_document(request.build_absolute_uri)
    audit.record(AuditAction.EXPORT, request=request,
                 detail={"format": "hsds-3.0", "services": document["total_items"]})
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})


def hsds_document(absolute) -> dict:
    """The HSDS 3.0 export; ``absolute(path)`` makes a full URL of a path."""
    objects = services.load(_published_ids())
    fylker = hsds.fylke_names()
    contents = [hsds.full_service(o, absolute, fylker) for o in objects]
    return hsds.page(contents, total=len(contents), number=1, per_page=max(1, len(contents)))


@require_GET
@cache_control(public=True, max_age=60)
def hsds_services(request):
    """HSDS API ``/services``: a page of services with their one-to-one fields
    (``full=true``: fully nested), optionally a text search."""
    form = HsdsPageForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    number = form.cleaned_data["page"] or 1
    per_page = form.cleaned_data["per_page"] or hsds.DEFAULT_PER_PAGE
    search = form.cleaned_data["search"]
    ids = (list(services.search_ids(services.Filters(q=search))) if search
           else list(_published_ids()))
    chosen = ids[(number - 1) * per_page: number * per_page]
    absolute = request.build_absolute_uri
    if form.cleaned_data["full"]:
        fylker = hsds.fylke_names()
        items = [hsds.full_service(o, absolute, fylker) for o in services.load(chosen)]
    else:
        objects = Tjeneste.objects.filter(pk__in=chosen).select_related("unit", "provider_unit")
        by_id = {o.pk: o for o in objects.prefetch_related("translations")}
        items = [hsds.one_to_one(by_id[i], absolute) for i in chosen if i in by_id]
    return JsonResponse(hsds.page(items, total=len(ids), number=number, per_page=per_page),
                        json_dumps_params={"ensure_ascii": False})


@require_GET
@cache_control(public=True, max_age=60)
def hsds_service(request, service_id):
    """HSDS API ``/services/{id}``: one fully nested service by its HSDS id."""
    wanted = str(service_id)
    slugs = Tjeneste.objects.published().values_list("pk", "slug")
    pk = next((pk for pk, slug in slugs if hsds.hsds_id("service", slug) == wanted), None)
    if pk is None:
        return JsonResponse({"message": _("Fant ingen tjeneste med denne id-en.")},
                            status=404, json_dumps_params={"ensure_ascii": False})
    obj = services.load([pk])[0]
    return JsonResponse(hsds.full_service(obj, request.build_absolute_uri, hsds.fylke_names()),
                        json_dumps_params={"ensure_ascii": False})


@require_GET
@cache_control(public=True, max_age=3600)
def openapi(request):
    return JsonResponse(openapi_document(request), json_dumps_params={"ensure_ascii": False})


def _query(name, schema, description):
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}


def openapi_document(request) -> dict:
    """The API's OpenAPI 3.1 document. Each query parameter names the form field
    that checks it (ApiSokForm, HsdsPageForm); test_openapi_walk.py sends every
    parameter a good and a bad value."""
    base = request.build_absolute_uri(reverse("tjenester_api:list"))
    search = [
        _query("q", {"type": "string", "maxLength": 200},
               "Fritekst eller et spørsmål («jeg trenger hjelp med rus i natt»); tåler "
               "bøyninger, sammensatte ord og skrivefeil."),
        _query("alder", {"type": "integer", "minimum": 0, "maximum": 120},
               "Alder i år; gir tilbud uten aldersgrense eller der alderen passer."),
        _query("rolle", {"type": "string", "enum": ["bruker", "parorende"]},
               "bruker (jeg trenger hjelp selv) eller parorende."),
        _query("kategori", {"type": "string", "enum": list(Category.values)}, "Kategori."),
        _query("tilgang", {"type": "string", "enum": list(AccessRoute.values)},
               "Hvordan du kommer inn."),
        _query("apen", {"type": "string", "enum": list(ApiSokForm.APEN_VALUES)},
               "on eller true: bare tilbud som er åpne nå (Europe/Oslo, helligdager medregnet)."),
        _query("sted", {"type": "string", "pattern": "^[0-9]{2,6}$"},
               "Kommune- eller bydelsnummer som finnes i Rusfelt, f.eks. 0301 eller 030104."),
        _query("side", {"type": "integer", "minimum": 1},
               f"Sidenummer ({API_PAGE_SIZE} per side); et tall fra 1."),
        _query("lang", {"type": "string", "enum": ["nb", "en"]}, "Språket tekstene kommer på."),
    ]
    hsds_params = [
        _query("search", {"type": "string", "maxLength": 200}, "Fritekst, som q over."),
        _query("page", {"type": "integer", "minimum": 1}, "Sidenummer, fra 1."),
        _query("per_page", {"type": "integer", "minimum": 1, "maximum": hsds.MAX_PER_PAGE},
               f"Tjenester per side (standard {hsds.DEFAULT_PER_PAGE})."),
        _query("full", {"type": "string", "enum": ["true", "false"]},
               "true: tjenestene med alt det HSDS nøster inn (som /services/{id})."),
    ]
    json_ok = {"description": "OK", "content": {"application/json": {}}}
    bad = {"description": "Ugyldig parameter: svaret sier hvilken og hvorfor",
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    not_found = {"description": "Finnes ikke",
                 "content": {"application/json": {"schema": {
                     "$ref": "#/components/schemas/Error"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Rusfelt tjenestekatalog", "version": "1.1.0",
                 "description": "Offentlig, lesbar katalog over hjelpetilbud. "
                                "Feltene følger schema.org/Service; /hsds/ følger "
                                "Open Referral HSDS 3.0."},
        "servers": [{"url": base}],
        "paths": {
            "/": {"get": {"summary": "Søk i tjenester", "operationId": "listServices",
                          "parameters": search,
                          "responses": {"200": {"description": "Treff",
                                                "content": {"application/json": {"schema": {
                                                    "$ref": "#/components/schemas/Page"}}}},
                                        "400": bad, "404": not_found}}},
            "/{slug}/": {"get": {"summary": "Én tjeneste", "operationId": "getService",
                                 "parameters": [{"name": "slug", "in": "path",
                                                 "required": True,
                                                 "schema": {"type": "string",
                                                            "pattern": "^[-a-zA-Z0-9_]+$"}}],
                                 "responses": {"200": {"description": "Tjenesten",
                                                       "content": {"application/json": {
                                                           "schema": {"$ref":
                                                                      "#/components/schemas/"
                                                                      "Service"}}}},
                                               "404": {"description": "Finnes ikke"}}}},
            "/hsds/": {"get": {"summary": "Full eksport i Open Referral HSDS 3.0",
                               "operationId": "exportHsds",
                               "responses": {"200": {"description": "HSDS 3.0-side med "
                                                                    "alle tjenester",
                                                     "content": {"application/json": {}}}}}},
            "/hsds/services": {"get": {
                "summary": "HSDS 3.0: tjenester side for side",
                "operationId": "getPaginatedListOfServices", "parameters": hsds_params,
                "responses": {"200": json_ok, "400": bad}}},
            "/hsds/services/{id}": {"get": {
                "summary": "HSDS 3.0: én tjeneste med alt nøstet inn",
                "operationId": "getFullyNestedServiceById",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "string", "format": "uuid"}}],
                "responses": {"200": json_ok, "404": not_found}}},
            "/openapi.json": {"get": {"summary": "Denne beskrivelsen",
                                      "operationId": "openapi",
                                      "responses": {"200": {"description": "OpenAPI 3.1"}}}},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["message"],
                      "properties": {"message": {"type": "string"},
                                     "errors": {"type": "object", "additionalProperties": {
                                         "type": "array", "items": {"type": "string"}}}}},
            "Page": {"type": "object", "required": ["count", "page", "results"],
                     "properties": {"count": {"type": "integer"}, "page": {"type": "integer"},
                                    "next": {"type": ["string", "null"]},
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
