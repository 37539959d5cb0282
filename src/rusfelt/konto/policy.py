"""Who must use a second factor, and what a session has proved (issue 18).

Session keys written here and nowhere else:

- ``AUTH_AT``: when the user last proved who they are (password, second
  factor, or a fresh sign-in at the identity provider), as a Unix time.
- ``MFA_BY_IDP``: the identity provider asserted multi-factor authentication
  (``amr`` or ``acr``), so no local second factor is asked.
- ``LAST_SEEN``: the session's last request, for the idle timeout.
- ``STEP``: the second-factor step the session owes since sign-in:
  ``"verify"`` (the user has an authenticator app), ``"enrol"`` (a
  record-level role under RUSFELT_REQUIRE_SECOND_FACTOR) or ``""``. Decided
  at sign-in, so an ordinary request costs no query; a session that owes
  nothing is checked again for a new record-level role where enrolment is
  required.

django-otp keeps the verified device itself (``otp_device_id``).
"""

import time

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from rusfelt.core.roles import Role
from rusfelt.core.scoping import holds_any_role

AUTH_AT = "rusfelt_auth_at"
MFA_BY_IDP = "rusfelt_mfa_by_idp"
LAST_SEEN = "rusfelt_last_seen"
STEP = "rusfelt_second_factor_step"
VERIFY, ENROL, NONE = "verify", "enrol", ""

#: Roles that reach record-level data (administrators hold every role).
RECORD_LEVEL_ROLES = [Role.KARTLEGGER, Role.PERSONVERNOMBUD]


def now() -> float:
    return time.time()


def has_record_level_role(user) -> bool:
    """True for superusers and holders of kartlegger, personvernombud or administrator.

    Asked on every request by the middleware, so one query, kept on the user
    object for the rest of the request.
    """
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_rusfelt_record_level"):
        user._rusfelt_record_level = holds_any_role(user, RECORD_LEVEL_ROLES)
    return user._rusfelt_record_level


def has_enrolled(user) -> bool:
    """True once the user has confirmed an authenticator app (one query, kept per request)."""
    if not hasattr(user, "_rusfelt_enrolled"):
        user._rusfelt_enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return user._rusfelt_enrolled


def required_step(user) -> str:
    """The second factor this user must pass before anything else.

    A user who has enrolled must always verify; with
    RUSFELT_REQUIRE_SECOND_FACTOR (production), every holder of a
    record-level role must enrol.
    """
    if has_enrolled(user):
        return VERIFY
    if settings.RUSFELT_REQUIRE_SECOND_FACTOR and has_record_level_role(user):
        return ENROL
    return NONE


def second_factor_required(user) -> bool:
    return required_step(user) != NONE


def decide_step(request) -> None:
    """Store the step the session owes (at sign-in, and after enrolling or removing)."""
    request.session[STEP] = required_step(request.user)


def pending_step(request) -> str:
    """The second-factor step this signed-in session still owes, or ``""``."""
    if second_factor_passed(request):
        return NONE
    step = request.session.get(STEP)
    if step is None or (
        step == NONE and settings.RUSFELT_REQUIRE_SECOND_FACTOR
        and has_record_level_role(request.user)
    ):
        step = required_step(request.user)
        request.session[STEP] = step
    return step


def second_factor_passed(request) -> bool:
    if request.session.get(MFA_BY_IDP):
        return True
    return bool(getattr(request.user, "is_verified", lambda: False)())


def mark_authenticated(request) -> None:
    """Record that the user proved who they are just now."""
    request.session[AUTH_AT] = now()


def recently_authenticated(request) -> bool:
    at = request.session.get(AUTH_AT)
    return at is not None and now() - at <= settings.RUSFELT_REAUTH_SECONDS
