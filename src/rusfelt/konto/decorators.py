"""``recent_auth_required``: re-authentication before the most sensitive actions."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import policy


def recent_auth_required(view=None, *, methods=None):
    """Ask for the password or a second factor unless given in the last RUSFELT_REAUTH_SECONDS.

    Used on record-level exports, the right-of-access look-up and grant
    changes (issue 18). A GET comes back to the same page afterwards; a POST
    is not carried out, and the user is sent back to the page they came from
    to send it again. ``methods=["POST"]`` guards only the change, not the page.
    """
    if view is None:
        return lambda v: recent_auth_required(v, methods=methods)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        guarded = methods is None or request.method in methods
        if guarded and request.user.is_authenticated and not policy.recently_authenticated(
            request
        ):
            if request.method == "GET":
                back = request.get_full_path()
            else:
                referer = request.META.get("HTTP_REFERER", "")
                safe = url_has_allowed_host_and_scheme(
                    referer, allowed_hosts={request.get_host()},
                    require_https=request.is_secure(),
                )
                back = referer if safe else reverse("core:home")
                messages.warning(request, _("Bekreft at det er deg, og send skjemaet på nytt. "
                                            "Ingenting er endret ennå."))
            return redirect(reverse("konto:reauth") + "?" + urlencode({"next": back}))
        return view(request, *args, **kwargs)

    return wrapper
