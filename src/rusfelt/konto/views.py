"""Sign-in pages: two-factor enrolment and verification, re-authentication, SSO.

The password step stays Django's LoginView (``core:login``), guarded by
django-axes; ``middleware.SecondFactorMiddleware`` sends users on from there.
"""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from authlib.integrations.base_client import OAuthError
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rusfelt.core import audit
from rusfelt.core.forms import LoginForm
from rusfelt.core.models import AuditAction

from . import backends, oidc, policy, services
from .decorators import recent_auth_required
from .forms import CodeForm, EnrolForm, ReauthForm


def _next_url(request, default="core:home"):
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


class LoginView(auth_views.LoginView):
    """Django's login with the identity provider offered beside it, when configured."""

    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cfg = oidc.config()
        context["oidc_name"] = cfg.name if cfg else None
        return context


# --- Two-factor -------------------------------------------------------------


def _secret_text(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@login_required
@never_cache
@sensitive_post_parameters("token")
def enrol(request):
    """/konto/tofaktor/: enrol an authenticator app, or see and manage the second factor."""
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    if confirmed:
        return render(request, "konto/twofactor.html", {
            "recovery_left": StaticToken.objects.filter(device__user=request.user).count(),
        })
    device = services.pending_totp_device(request.user)
    form = EnrolForm(request.POST or None)
    if form.is_valid():
        codes = services.confirm_totp(device, form.cleaned_data["token"], request=request)
        if codes is not None:
            otp_login(request, device)
            policy.mark_authenticated(request)
            policy.decide_step(request)
            messages.success(request, _("Tofaktor er slått på."))
            return render(request, "konto/recovery_codes.html", {
                "codes": codes, "next": _next_url(request),
            })
        form.add_error("token", _("Koden stemmer ikke. Sjekk at klokken på telefonen går "
                                  "riktig, og prøv den neste koden."))
    url = device.config_url
    qr = segno.make(url, error="m")
    return render(request, "konto/enrol.html", {
        "form": form,
        "qr_data_uri": qr.svg_data_uri(scale=5, dark="#000", light="#fff"),
        "secret": _secret_text(device),
        "otpauth_url": url,
        "required": policy.second_factor_required(request.user),
        "next": request.GET.get(REDIRECT_FIELD_NAME, ""),
    })


@login_required
@never_cache
@sensitive_post_parameters("token")
def verify(request):
    """/konto/tofaktor/bekreft/: the second step of signing in."""
    if policy.pending_step(request) != policy.VERIFY:
        return redirect(_next_url(request))
    credentials = {"username": request.user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        logout(request)
        return render(request, "core/lockout.html", status=429)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = services.verify_second_factor(
            request.user, form.cleaned_data["token"], request=request
        )
        if device is not None:
            otp_login(request, device)
            policy.mark_authenticated(request)
            return redirect(_next_url(request))
        if getattr(request, "axes_locked_out", False):
            # django-axes answers with its lockout page; the half-signed-in session ends.
            logout(request)
        form.add_error("token", _("Koden er feil eller allerede brukt."))
    return render(request, "konto/verify.html", {
        "form": form, "next": request.GET.get(REDIRECT_FIELD_NAME, ""),
    })


@login_required
@never_cache
@require_POST
@recent_auth_required
def recovery_codes(request):
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        raise PermissionDenied
    codes = services.renew_recovery_codes(request.user, request=request)
    return render(request, "konto/recovery_codes.html", {
        "codes": codes, "next": reverse("konto:enrol"),
    })


@login_required
@never_cache
@recent_auth_required
def remove(request):
    """Remove the second factor, after re-authentication. Refused where it is required."""
    must = settings.RUSFELT_REQUIRE_SECOND_FACTOR and policy.has_record_level_role(request.user)
    if request.method == "POST" and not must:
        services.remove_second_factor(request.user, request=request)
        request.session.pop("otp_device_id", None)
        request.user._rusfelt_enrolled = False
        policy.decide_step(request)
        messages.success(request, _("Tofaktor er fjernet."))
        return redirect("konto:enrol")
    return render(request, "konto/remove.html", {"must": must})


# --- Re-authentication ------------------------------------------------------


@login_required
@never_cache
@sensitive_post_parameters("password", "token")
def reauth(request):
    """/konto/bekreft/: prove it is you again (password or second factor)."""
    user = request.user
    has_password, has_device = user.has_usable_password(), user_has_device(user)
    form = ReauthForm(request.POST or None, has_password=has_password, has_device=has_device)
    if form.is_valid():
        ok = False
        if form.cleaned_data.get("password"):
            # Through the backends, so django-axes counts a wrong password and
            # refuses a locked-out user; the failure is audited as a failed login.
            again = authenticate(request, username=user.get_username(),
                                 password=form.cleaned_data["password"])
            ok = again is not None and again.pk == user.pk
        elif form.cleaned_data.get("token"):
            ok = services.verify_second_factor(
                user, form.cleaned_data["token"], request=request) is not None
        if ok:
            policy.mark_authenticated(request)
            audit.record(AuditAction.REAUTH, request=request, user=user)
            return redirect(_next_url(request))
        if getattr(request, "axes_locked_out", False):
            logout(request)
        form.add_error(None, _("Det stemte ikke. Prøv igjen."))
    cfg = oidc.config()
    sso = cfg is not None and user.external_identities.filter(issuer=cfg.issuer).exists()
    return render(request, "konto/reauth.html", {
        "form": form if (has_password or has_device) else None,
        "next": request.GET.get(REDIRECT_FIELD_NAME, ""),
        "oidc_name": cfg.name if sso else None,
        "oidc_url": reverse("konto:oidc_login") + "?" + urlencode(
            {"next": request.GET.get(REDIRECT_FIELD_NAME, ""), "reauth": "1"}),
    })


# --- Single sign-on ---------------------------------------------------------

OIDC_NEXT = "rusfelt_oidc_next"
OIDC_REAUTH = "rusfelt_oidc_reauth"


@never_cache
def oidc_login(request):
    """Send the browser to the identity provider (authorization code flow)."""
    cfg = oidc.config()
    if cfg is None:
        raise PermissionDenied
    request.session[OIDC_NEXT] = _next_url(request)
    extra = {}
    if request.GET.get("reauth") and request.user.is_authenticated:
        # Ask the provider to sign the user in again, not to reuse its session;
        # max_age makes auth_time a required claim (OpenID Connect Core §3.1.2.1),
        # and oidc_callback counts the sign-in only from that time.
        extra = {"prompt": "login", "max_age": settings.RUSFELT_REAUTH_SECONDS}
        request.session[OIDC_REAUTH] = request.user.pk
    redirect_uri = request.build_absolute_uri(reverse("konto:oidc_callback"))
    return oidc.client(cfg).authorize_redirect(request, redirect_uri, **extra)


@never_cache
def oidc_callback(request):
    """The provider's answer: check the ID token, find the account, sign in."""
    cfg = oidc.config()
    if cfg is None:
        raise PermissionDenied
    try:
        token = oidc.client(cfg).authorize_access_token(request)
    except OAuthError as error:
        audit.record(AuditAction.LOGIN_FAILED, request=request,
                     detail={"via": "oidc", "error": str(error.error)[:100]})
        messages.error(request, _("Innloggingen hos identitetsleverandøren mislyktes."))
        return redirect("core:login")
    claims = token.get("userinfo")
    if not claims or "sub" not in claims:
        return HttpResponseBadRequest()
    reauth_user = request.session.pop(OIDC_REAUTH, None)
    next_url = request.session.pop(OIDC_NEXT, reverse("core:home"))
    user = services.oidc_account(dict(claims), config=cfg, request=request)
    if user is None:
        audit.record(AuditAction.LOGIN_FAILED, request=request,
                     detail={"via": "oidc", "reason": "inactive"})
        messages.error(request, _("Denne brukeren er deaktivert."))
        return redirect("core:login")
    if reauth_user is not None and reauth_user != user.pk:
        logout(request)
    mfa = oidc.asserts_mfa(claims, cfg)
    login(request, user, backend=backends.PATH)
    request.session[policy.MFA_BY_IDP] = mfa
    if isinstance(claims.get("auth_time"), int | float):
        # The provider may have reused its own session: what counts is when
        # the user last proved who they are there.
        request.session[policy.AUTH_AT] = min(policy.now(), float(claims["auth_time"]))
    if reauth_user == user.pk:
        audit.record(AuditAction.REAUTH, request=request, user=user, detail={"via": "oidc"})
    return redirect(next_url)
