"""The navigation: the five capabilities of DESIGN.md, in order."""

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from .scoping import GRANT_PAIRS_ATTR, units_for

CAPABILITY_APPS = ["kartlegging", "indikatorer", "planer", "tjenester", "rapporter"]


def capabilities():
    """The label, name, description and url of each capability app (its AppConfig's
    ``nav_label`` and ``nav_description``)."""
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
    return items


def navigation(request):
    user = getattr(request, "user", None)
    # The grants a view read through get_for_user_or_404 in this request, if any:
    # the menu needs no query of its own (the admin pages check access themselves).
    pairs = getattr(user, GRANT_PAIRS_ATTR, None) if user is not None else None
    if pairs is not None and user.is_authenticated and not user.is_superuser:
        is_admin = any(role == "administrator" for role, _path in pairs)
    else:
        is_admin = bool(
            user and user.is_authenticated
            and (user.is_superuser or units_for(user, "administrator").exists())
        )
    current = request.resolver_match.namespace if request.resolver_match else ""
    return {"nav_capabilities": capabilities(), "nav_current": current, "nav_is_admin": is_admin}
