"""Accounts: who the client is behind a proxy, the demo accounts, and the
limit on password-reset mails.

Everything counted here is counted in the database, so two processes behind a
load balancer count as one.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import PasswordResetRequest

logger = logging.getLogger(__name__)

# The group that marks the demo's accounts (made by `load_demo`).
DEMO_GROUP = "demo"


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, read through TRUSTED_PROXY_COUNT proxies.

    Each proxy appends the address it received the request from to
    X-Forwarded-For, so with N trusted proxies the client is the N-th entry
    from the right; anything further left was written by the client and is
    ignored. With no proxy configured the header is ignored entirely, and
    when it has fewer entries than proxies (a request that bypassed them) the
    connecting address counts.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < count or not forwarded[-count]:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


# --- Demo accounts -------------------------------------------------------------


def demo_accounts():
    return get_user_model().objects.filter(groups__name=DEMO_GROUP)


def mark_as_demo(user) -> None:
    user.groups.add(Group.objects.get_or_create(name=DEMO_GROUP)[0])


def is_demo_account(user) -> bool:
    return user.groups.filter(name=DEMO_GROUP).exists()


class AccountBackend(ModelBackend):
    """Django's backend, refusing the demo accounts unless settings.DEMO is on.

    Checked when logging in only: a session already open is ended by turning
    DEMO off together with a restart (sessions live in the database, and
    checking the group on every request would cost every page a query).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not settings.DEMO and is_demo_account(user):
            return None
        return user


# --- Password reset --------------------------------------------------------------


def _digest(kind: str, value: str) -> str:
    # Keyed by SECRET_KEY: the table holds no e-mail or IP address in the clear.
    return salted_hmac(f"password-reset-{kind}", value, algorithm="sha256").hexdigest()


def password_reset_allowed(*, email: str, client: str | None) -> bool:
    """Records a request and says whether it is within both limits.

    The request is recorded either way, so a client that keeps asking stays
    refused until its requests fall out of the window. Requests that arrive at
    the same moment may each see the count before the others' rows: the limit
    can then be passed by as many requests as arrive together, which a limit on
    mails, unlike a lock, can afford.
    """
    now = timezone.now()
    since = now - settings.PASSWORD_RESET_WINDOW
    PasswordResetRequest.objects.filter(requested_at__lt=since).delete()
    email_digest = _digest("email", email.strip().lower())
    client_digest = _digest("client", client or "")
    recent = PasswordResetRequest.objects.filter(requested_at__gte=since)
    allowed = (
        recent.filter(email_digest=email_digest).count() < settings.PASSWORD_RESET_LIMIT_PER_EMAIL
        and recent.filter(client_digest=client_digest).count()
        < settings.PASSWORD_RESET_LIMIT_PER_CLIENT
    )
    PasswordResetRequest.objects.create(
        email_digest=email_digest, client_digest=client_digest, requested_at=now
    )
    return allowed


class LimitedPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending nothing beyond the limits.

    The visitor sees the same "sent" page either way, so the page reveals
    neither which addresses have accounts nor that a limit was reached.
    """

    def save(self, *args, request: HttpRequest | None = None, **kwargs) -> None:
        email = self.cleaned_data["email"]
        client = client_address(request) if request is not None else None
        if not password_reset_allowed(email=email, client=client):
            logger.warning("Password reset refused: too many requests for one address or client.")
            return
        super().save(*args, request=request, **kwargs)
