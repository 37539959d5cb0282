"""The navigation: the five capabilities of DESIGN.md, in order."""

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from .scoping import GRANT_PAIRS_ATTR

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
    # Otherwise one query of the roles the user holds, for both links.
    pairs = getattr(user, GRANT_PAIRS_ATTR, None) if user is not None else None
    if not (user and user.is_authenticated and user.is_active):
        roles = set()
    elif pairs is not None:
        roles = {role for role, _path in pairs}
    else:
        roles = set(user.grants.values_list("role", flat=True))
    is_admin = bool(user and user.is_authenticated
                    and (user.is_superuser or "administrator" in roles))
    is_dpo = "personvernombud" in roles
    current = request.resolver_match.namespace if request.resolver_match else ""
    return {"nav_capabilities": capabilities(), "nav_current": current, "nav_is_admin": is_admin,
            "nav_is_dpo": is_dpo}
