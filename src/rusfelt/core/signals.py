"""Login, logout and failed logins go to the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit
from .models import AuditAction


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    audit.record(AuditAction.LOGIN, request=request, user=user)


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditAction.LOGOUT, request=request, user=user)


@receiver(user_login_failed)
def log_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password in ``credentials`` with stars;
    # only the tried user name is kept. A wrong one-time code is signalled
    # the same way (so django-axes counts it) and logged as its own action.
    second_factor = bool(credentials.get("rusfelt_second_factor"))
    audit.record(
        AuditAction.MFA_FAILED if second_factor else AuditAction.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
    )
