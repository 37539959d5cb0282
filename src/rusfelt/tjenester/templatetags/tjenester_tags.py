"""Plain-language opening status ("Åpent nå til 15.30") and ways to reach a service."""

from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django import template
from django.core.cache import caches
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..kept import KEPT_CACHE, kept_key, kept_many
from ..labels import holiday_label

register = template.Library()

#: The search results' card parts (``result_card``) and the search form's
#: fields (``search_field``) are kept in the process (``..kept``).
CARD_PARTS = ("top", "bottom")
#: The fields whose valid values are a small set (choices, an age, a check box):
#: never the free text, which stays the person's own and is rendered each time.
MEMO_FIELDS = frozenset({"rolle", "alder", "kategori", "tilgang", "sted", "apen"})


def clock(moment) -> str:
    return date_format(moment, "H.i") if isinstance(moment, datetime) else moment.strftime("%H.%M")


def _when(moment: datetime, now: datetime) -> str:
    if moment.date() == now.date():
        return _("kl. %(tid)s") % {"tid": clock(moment)}
    if moment.date() == now.date() + timedelta(days=1):
        return _("i morgen kl. %(tid)s") % {"tid": clock(moment)}
    return _("%(dag)s kl. %(tid)s") % {"dag": date_format(moment, "l"), "tid": clock(moment)}


@register.simple_tag
def status_text(status, now) -> str:
    if status.is_open:
        if status.changes_at is None or status.changes_at - now > timedelta(days=6):
            return _("Åpent nå – hele døgnet")
        if status.changes_at.date() == now.date():
            return _("Åpent nå til %(tid)s") % {"tid": clock(status.changes_at)}
        return _("Åpent nå til %(when)s") % {"when": _when(status.changes_at, now)}
    if status.changes_at is None:
        return _("Stengt nå")
    return _("Stengt nå – åpner %(when)s") % {"when": _when(status.changes_at, now)}


@register.filter
def holiday(name: str) -> str:
    return holiday_label(name)


@register.filter
def hours(period) -> str:
    """One period as text: "08.30–15.30", or "hele døgnet"."""
    if period.opens == period.closes == time(0):
        return _("hele døgnet")
    return f"{clock(period.opens)}–{clock(period.closes)}"


@register.simple_tag
def tr(obj, field) -> str:
    """``obj``'s ``field`` in the active language, falling back to bokmål."""
    return obj.translated(field)


@register.simple_tag
def lang_attr(obj, field=None) -> str:
    """' lang="nb"' where a text shown on a page in another language is bokmål
    (WCAG 3.1.2, language of parts); '' otherwise. Without ``field``: for
    texts that are only kept in bokmål."""
    page = (translation.get_language() or "nb").split("-")[0]
    if page == "nb":
        return ""
    shown = obj.text_language(field) if field else "nb"
    return mark_safe(' lang="nb"') if shown != page else ""


@register.filter
def tel(number: str) -> str:
    """A phone number as a tel: URI: digits and a leading +, "116 117" -> "tel:116117"."""
    digits = "".join(ch for ch in number or "" if ch.isdigit() or ch == "+")
    return f"tel:{digits}"


@register.filter
def map_search(obj) -> str:
    """An OpenStreetMap search for the service's address (street, postal code, city)."""
    parts = [obj.street_address, " ".join(p for p in (obj.postal_code, obj.city) if p)]
    query = ", ".join(p for p in parts if p)
    return "https://www.openstreetmap.org/search?" + urlencode({"query": query})


@register.filter
def get_item(mapping, key):
    """``{{ labels|get_item:code }}``: a dict lookup by a variable key."""
    return mapping.get(key, "")


def _card_key(compiled, part: str, listing) -> str:
    # The compiled template's identity: an edited template (the dev server's
    # reload) is another key; the script prefix is in the card's links.
    return kept_key("card", (id(compiled.template), part, get_script_prefix(),
                              listing.card_key))


@register.simple_tag
def result_card(listing, part: str) -> str:
    """The fixed ``part`` of a search result's card ("top": name and meta line;
    "bottom": how to reach it, its text and access routes), rendered once per
    content and language and kept in the process (issue 12: the template was
    ~2 ms per row). What changes by the minute, the status and the stale flag,
    stays in the page's template."""
    return _cards([listing], part)[0]


def _cards(listings, part: str) -> list[str]:
    """``part`` of each listing's card: the kept ones read together, the others
    rendered and kept together."""
    if part not in CARD_PARTS:
        raise template.TemplateSyntaxError(f"result_card: unknown part {part!r}")
    compiled = get_template(f"tjenester/_result_{part}.html")
    keys = [_card_key(compiled, part, listing) for listing in listings]
    html = kept_many(keys, lambda i: compiled.render(
        {"r": listings[i], "t": listings[i].tjeneste}))
    return [mark_safe(text) for text in html]  # noqa: S308 - rendered


#: One result of the list (``result_items``): the fixed parts (``result_card``)
#: around what changes by the minute, the status and the stale flag.
RESULT_ITEM = ('\n        <li class="tj-result">\n          {}\n          '
               '<p class="tj-status {}">{}</p>\n          {}\n          {}\n        </li>\n      ')


@register.simple_tag
def result_items(results, now) -> str:
    """The results list's items, as the page's loop over them wrote them (an
    item per ``Listing``: its card's top, the status now, the card's bottom,
    the stale note), without a template loop, condition and tag call per
    item (issue 12)."""
    stale = format_html('<p class="tj-stale">{}</p>', _("Ikke kontrollert siste 12 måneder"))
    results = list(results)
    tops, bottoms = _cards(results, "top"), _cards(results, "bottom")
    return mark_safe("".join(  # every part is escaped by format_html or rendered
        format_html(RESULT_ITEM, top,
                    "tj-status--open" if r.status.is_open else "tj-status--closed",
                    status_text(r.status, now), bottom, stale if r.stale else "")
        for r, top, bottom in zip(results, tops, bottoms, strict=True)))


@register.simple_tag
def search_field(field) -> str:
    """``core/_field.html`` for a field of the public search form (``SokForm``),
    rendered once per value, language and version of the places, and kept in the
    process (issue 12: the form's fields were a third of the page's template
    time). What the markup is made of is the key: the field, its value, the
    language (labels and choices) and, for the place, the version of the units
    its choices were read from; a field with errors or free text is rendered
    every time."""
    compiled = get_template("core/_field.html")
    places = getattr(field.form, "places", None)
    if field.name not in MEMO_FIELDS or field.errors or (field.name == "sted" and not places):
        return compiled.render({"field": field})
    version = places.version if field.name == "sted" else None
    key = kept_key("field", (id(compiled.template), translation.get_language(), field.name,
                              version, repr(field.value())))
    html = caches[KEPT_CACHE].get_or_set(key, lambda: compiled.render({"field": field}),
                                         timeout=None)
    return mark_safe(html)  # noqa: S308 - rendered by our template, autoescaped
