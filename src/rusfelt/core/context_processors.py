"""The navigation: the five capabilities of DESIGN.md, in order."""

import functools

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject

from .csrf_holes import masked_token
from .scoping import grant_pairs

CAPABILITY_APPS = ["kartlegging", "indikatorer", "planer", "tjenester", "rapporter"]


def capabilities():
    """The label, name, description and url of each capability app (its AppConfig's
    ``nav_label`` and ``nav_description``): built once per URL configuration and
    script prefix, as the names are translated where they are shown (lazily)."""
    return _capabilities(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=16)
def _capabilities(_urlconf, _prefix):
    items = []
    for label in CAPABILITY_APPS:
        config = apps.get_app_config(label)
        try:
            url = reverse(f"{label}:index")
        except NoReverseMatch:
            url = "#"
        items.append(
            {
                "label": label,
                "name": config.nav_label,
                "description": config.nav_description,
                "url": url,
            }
        )
    return tuple(items)


#: The frame's links that take no arguments (base.html), by the names the template uses.
FRAME_URLS = {"home": "core:home", "set_language": "set_language", "enrol": "konto:enrol",
              "logout": "core:logout", "login": "core:login", "help": "tjenester:index"}


def frame_urls():
    """``FRAME_URLS`` reversed: once per URL configuration and script prefix, as the
    capabilities' (reversing them on every page was a fifth of its frame, issue 12)."""
    return _frame_urls(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=16)
def _frame_urls(_urlconf, _prefix):
    return {key: reverse(name) for key, name in FRAME_URLS.items()}


def navigation(request):
    user = getattr(request, "user", None)
    # Each of the user's fields read once: request.user is a lazy object, and each read
    # through it cost more than the menu's own work (issue 12).
    signed_in = user is not None and user.is_authenticated
    # The grants the view read in this request (scoping keeps them for a read): the
    # menu needs no query of its own (the admin pages check access themselves).
    if signed_in and user.is_active:
        roles = {role for role, _path in grant_pairs(user)}
    else:
        roles = set()
    is_admin = bool(signed_in and (user.is_superuser or "administrator" in roles))
    is_dpo = "personvernombud" in roles
    match = request.resolver_match
    current = match.namespace if match else ""
    # The URL configuration and script prefix read once (each a context-local read).
    urlconf, prefix = get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    # Everything the menu shows is named here (and the language and the user's signed-in
    # state): base.html keeps the menu's markup under these (the "sider" cache).
    return {"frame_urls": _frame_urls(urlconf, prefix),
            "nav_capabilities": _capabilities(urlconf, prefix), "nav_current": current,
            "nav_is_admin": is_admin, "nav_is_dpo": is_dpo, "nav_prefix": prefix,
            "nav_units_current": bool(match and match.url_name == "unit_list")}


def csrf(request):
    """Django's ``csrf`` context processor, which every template engine runs before the
    settings' own, with the token masked by ``csrf_holes.masked_token``: the same token,
    drawn with one read of the system's randomness instead of 32 (issue 12). Read lazily,
    as Django's: a page without a form neither masks a token nor renews the cookie."""
    return {"csrf_token": SimpleLazyObject(lambda: masked_token(request))}
