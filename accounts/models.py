from django.db import models


class PasswordResetRequest(models.Model):
    """One request for a password-reset mail, kept for the limit's window
    (accounts.auth.password_reset_allowed); addresses only as keyed digests."""

    email_digest = models.CharField(max_length=64)
    client_digest = models.CharField(max_length=64)
    requested_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["email_digest", "requested_at"]),
            models.Index(fields=["client_digest", "requested_at"]),
            models.Index(fields=["requested_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M}"
