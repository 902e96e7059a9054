"""Who a directory identity is here, and the single sign-ons that failed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DirectoryAccount(models.Model):
    """The provider's stable identity (issuer and subject) of a user: a user is
    found by it at every single sign-on, whatever their user name is now."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="directory_account",
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)

    class Meta:
        verbose_name = _("directory account")
        verbose_name_plural = _("directory accounts")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="directory_account_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.subject})"


class LoginFailure(models.Model):
    """A single sign-on that was refused. Password logins that fail are counted
    by django-axes, which also locks them out; these are kept for the record
    only, since the provider checks the password and throttles guessing."""

    class Reason(models.TextChoices):
        STATE = "state", _("Unknown or already used state")
        PROVIDER_ERROR = "provider_error", _("The provider answered with an error")
        PROVIDER_UNAVAILABLE = "provider_unavailable", _("The provider could not be reached")
        SIGNATURE = "signature", _("The ID token's signature is wrong")
        AUDIENCE = "audience", _("The ID token is for another client")
        ISSUER = "issuer", _("The ID token is from another issuer")
        NONCE = "nonce", _("The ID token's nonce is wrong")
        EXPIRED = "expired", _("The ID token has expired")
        TOKEN = "token", _("The ID token is not valid")
        CLAIMS = "claims", _("The user name or subject is missing")
        NO_ROLE = "no_role", _("The directory gives the user no role")
        NO_ACCOUNT = "no_account", _("No user, and users are not created")
        INACTIVE = "inactive", _("The user is inactive")
        ACCOUNT_CONFLICT = "account_conflict", _("The user name belongs to another account")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    username = models.CharField(_("user name"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("failed single sign-on")
        verbose_name_plural = _("failed single sign-ons")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.reason} {self.username}".strip()
