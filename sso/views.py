"""Single sign-on: off to the provider, back with a code, logged in; and the
guards that keep password login to what the settings allow."""

from __future__ import annotations

import logging
from functools import wraps
from urllib.parse import urlencode

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from mozilla_django_oidc.utils import (
    add_state_and_verifier_and_nonce_to_session,
    generate_code_challenge,
)
from mozilla_django_oidc.views import get_next_url

from goals.forms import LoginForm
from sso.backends import DirectoryBackend, LoginRefused
from sso.models import LoginFailure
from sso.provider import ProviderUnavailable, provider

logger = logging.getLogger(__name__)
Reason = LoginFailure.Reason
BACKEND = "sso.backends.DirectoryBackend"


def _single_sign_on_only(request: HttpRequest) -> None:
    if not settings.SSO_ENABLED:
        raise Http404


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the provider, with a fresh state, nonce and PKCE challenge."""
    _single_sign_on_only(request)
    try:
        op = provider()
    except ProviderUnavailable as error:
        logger.warning("Single sign-on: %s", error)
        return _refuse(request, Reason.PROVIDER_UNAVAILABLE)
    state = get_random_string(32)
    code_verifier = get_random_string(64)
    params = {
        "response_type": "code",
        "scope": settings.OIDC_RP_SCOPES,
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "redirect_uri": request.build_absolute_uri(resolve_url("sso:callback")),
        "state": state,
        "nonce": get_random_string(32),
        "code_challenge": generate_code_challenge(code_verifier, "S256"),
        "code_challenge_method": "S256",
    }
    add_state_and_verifier_and_nonce_to_session(request, state, params, code_verifier)
    request.session["oidc_login_next"] = get_next_url(request, "next")
    separator = "&" if "?" in op.authorization_endpoint else "?"
    return redirect(f"{op.authorization_endpoint}{separator}{urlencode(params)}")


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer. Its state is spent before anything else, so the
    same answer is refused a second time."""
    _single_sign_on_only(request)
    states = request.session.get("oidc_states")
    state = request.GET.get("state", "")
    spent = states.pop(state, None) if isinstance(states, dict) and state else None
    if spent is None:
        return _refuse(request, Reason.STATE)
    request.session["oidc_states"] = states
    request.session.save()
    if "error" in request.GET or not request.GET.get("code"):
        logger.info("Single sign-on: the provider answered %s", request.GET.get("error", "no code"))
        return _refuse(request, Reason.PROVIDER_ERROR)
    backend = DirectoryBackend()
    try:
        user = backend.authenticate(
            request, nonce=spent.get("nonce"), code_verifier=spent.get("code_verifier")
        )
    except LoginRefused as refusal:
        return _refuse(request, refusal.reason, refusal.username)
    if user is None:
        return _refuse(request, Reason.TOKEN)
    next_url = request.session.pop("oidc_login_next", None)
    auth.login(request, user, backend=BACKEND)
    request.session["oidc_id_token"] = backend.id_token
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)


_MESSAGES = {
    Reason.STATE: _(
        "The login could not be completed: it had already been used, or was begun in "
        "another browser window. Try again."
    ),
    Reason.PROVIDER_ERROR: _("The login service stopped the login. Try again."),
    Reason.PROVIDER_UNAVAILABLE: _("The login service could not be reached. Try again in a while."),
    Reason.SIGNATURE: _(
        "The login was refused: the login service's answer carried a signature "
        "that could not be trusted. Try again."
    ),
    Reason.AUDIENCE: _(
        "The login was refused: the login service's answer was meant for another "
        "service. Try again."
    ),
    Reason.ISSUER: _(
        "The login was refused: the answer came from another login service. Try again."
    ),
    Reason.NONCE: _(
        "The login was refused: the login service's answer did not belong to this login. Try again."
    ),
    Reason.EXPIRED: _("The login was refused: the login service's answer had expired. Try again."),
    Reason.TOKEN: _("The login was refused: the login service's answer was not valid. Try again."),
    Reason.CLAIMS: _(
        "The login service did not say who you are (no user name). Contact the "
        "municipality's IT support."
    ),
    Reason.NO_ROLE: _(
        "Your account has no role here: none of your groups in the municipality's "
        "directory gives access. Ask the official who manages the users."
    ),
    Reason.NO_ACCOUNT: _(
        "There is no user here for your account. Ask the official who manages the users."
    ),
    Reason.INACTIVE: _("Your user here is deactivated. Ask the official who manages the users."),
    Reason.ACCOUNT_CONFLICT: _(
        "Your user name belongs to another user here. Ask the official who manages the users."
    ),
}


def _refuse(request: HttpRequest, reason: str, username: str = "") -> HttpResponse:
    """Record the failure, end any session, and say why on the login page."""
    LoginFailure.objects.create(
        reason=reason,
        username=username[:255],
        ip_address=get_client_ip_address(request) or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
    )
    logger.warning("Single sign-on refused (%s) for %r", reason, username)
    # Whoever is logged in here is logged out, unless the answer was never this
    # browser's to give (an unknown state), which anyone could send it.
    if request.user.is_authenticated and reason != Reason.STATE:
        auth.logout(request)
    messages.error(request, str(_MESSAGES[reason]))
    return redirect("login")


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Log out here, and at the provider too when the user came from it and it offers that."""
    id_token = request.session.get("oidc_id_token")
    end_session = ""
    if id_token and settings.SSO_ENABLED and settings.OIDC_PROVIDER_LOGOUT:
        try:
            end_session = provider().end_session_endpoint
        except ProviderUnavailable as error:
            logger.warning("Single sign-on: no logout at the provider: %s", error)
    auth.logout(request)
    after = resolve_url(settings.LOGOUT_REDIRECT_URL)
    if not end_session:
        return redirect(after)
    params = {
        "id_token_hint": id_token,
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(after),
    }
    separator = "&" if "?" in end_session else "?"
    return redirect(f"{end_session}{separator}{urlencode(params)}")


# --- password login ----------------------------------------------------------


def password_login(view):
    """The login page's password form, refused while LOCAL_LOGIN is off (the
    page then offers single sign-on only)."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST" and not settings.LOCAL_LOGIN:
            return render(
                request, "registration/login.html", {"password_login_refused": True}, status=403
            )
        return view(request, *args, **kwargs)

    return guarded


def local_login_only(view):
    """Choosing, resetting and changing passwords: gone while LOCAL_LOGIN is off."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.LOCAL_LOGIN:
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


_break_glass_view = auth_views.LoginView.as_view(
    authentication_form=LoginForm, template_name="registration/break_glass_login.html"
)


def break_glass_login(request: HttpRequest) -> HttpResponse:
    """Superusers' password login while LOCAL_LOGIN is off and BREAK_GLASS_LOGIN on
    (sso.backends.PasswordBackend refuses everyone else)."""
    if settings.LOCAL_LOGIN or not settings.BREAK_GLASS_LOGIN:
        raise Http404
    return _break_glass_view(request)
