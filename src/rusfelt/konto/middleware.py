"""Session rules of issue 18: idle timeout and the second factor, before any view."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _

from rusfelt.core import audit
from rusfelt.core.models import AuditAction

from . import backends, policy


class BackendPathMiddleware:
    """Rename the backend of a session signed in before ``backends.ModelBackend``.

    Such a session names Django's ModelBackend (``backends.LEGACY_PATH``), which
    AUTHENTICATION_BACKENDS no longer lists, so Django would treat it as signed
    out; its next request names ours instead (one session write), which is
    Django's with a faster read of the user. Must come after the session
    middleware and before anything reads ``request.user``. Can go once every
    such session has ended (SESSION_COOKIE_AGE after the change).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(BACKEND_SESSION_KEY) == backends.LEGACY_PATH:
            request.session[BACKEND_SESSION_KEY] = backends.PATH
        return self.get_response(request)


class UserMiddleware:
    """From here on ``request.user`` is the user itself, not the lazy objects around it.

    Django's authentication middleware puts the user behind a lazy object, and django-otp's
    behind another around that one: every read of one of its fields went through both
    (some 3 µs each), and a warm page read them some 25 times (the scoping helpers, the
    menu, the frame; issue 12). Every request reads its user right after them anyway
    (``IdleTimeoutMiddleware``), so it is read here, as there, once: Django's read of the
    user (a deactivated user or a changed password signs the session out) and
    django-otp's of the device the session verified, with their ``otp_device`` and
    ``is_verified`` on the user. ``login`` and ``logout`` set ``request.user`` as before.
    Must come right after ``django_otp.middleware.OTPMiddleware``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = _unwrapped(request.user)
        return self.get_response(request)


def _unwrapped(user):
    """``user`` with every lazy object around it read (``UserMiddleware``)."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


class IdleTimeoutMiddleware:
    """Sign out a session with record-level roles after RUSFELT_IDLE_TIMEOUT idle seconds.

    Other sessions keep Django's SESSION_COOKIE_AGE. A signed-in request notes
    its time when the noted time is RUSFELT_SESSION_TOUCH_SECONDS old or more,
    so a plain read writes the session at most that often (the write also
    renews the session's expiry); the noted time may thus be up to that many
    seconds early, and a session is signed out after at least
    RUSFELT_IDLE_TIMEOUT minus that many idle seconds, never later than the
    timeout. The roles are looked up only when a session has been idle that
    long. Must come after the authentication and message middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            last = request.session.get(policy.LAST_SEEN)
            now = policy.now()
            if (
                last is not None and now - last > settings.RUSFELT_IDLE_TIMEOUT
                and policy.has_record_level_role(user)
            ):
                audit.record(AuditAction.SESSION_TIMEOUT, request=request, user=user,
                             detail={"idle_seconds": int(now - last)})
                logout(request)
                messages.info(request, _("Du ble logget ut fordi du ikke hadde vært aktiv på en "
                                         "stund. Logg inn igjen."))
                return redirect_to_login(request.get_full_path())
            if last is None or now - last >= settings.RUSFELT_SESSION_TOUCH_SECONDS:
                request.session[policy.LAST_SEEN] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """After the password, a user who must use a second factor reaches nothing else.

    A user with a device is sent to verify it; a user who must enrol (a
    record-level role under RUSFELT_REQUIRE_SECOND_FACTOR) is sent to
    enrolment. Signing out and choosing the language stay open. Must come
    after django_otp.middleware.OTPMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        step = policy.pending_step(request) if user.is_authenticated else policy.NONE
        if step != policy.NONE:
            target = reverse("konto:verify" if step == policy.VERIFY else "konto:enrol")
            always_open = [reverse("core:logout"), reverse("set_language")]
            if request.path != target and request.path not in always_open and not (
                request.path.startswith(settings.STATIC_URL)
            ):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{target}?{query}" if request.method == "GET" else target)
        return self.get_response(request)
