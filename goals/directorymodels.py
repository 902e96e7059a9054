"""Roles that the municipality's directory gave a user at single sign-on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from goals.models import Committee


class DirectoryRole(models.Model):
    """A role the user holds because the municipality's directory said so at their
    last single sign-on: one of the groups they belong to maps to it
    (settings.OIDC_ROLE_MAP). `goals.directory` keeps these rows, and the
    groups and committee memberships they stand for, in step with each login;
    an official cannot hand out or take away such a role by hand."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="directory_roles",
    )
    # A value of goals.permissions.Role (which imports this module).
    role = models.CharField(_("role"), max_length=20)
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="directory_roles",
    )
    directory_group = models.CharField(_("directory group"), max_length=255)

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "committee__order", "committee__name"]
        verbose_name = _("role from the directory")
        verbose_name_plural = _("roles from the directory")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(committee__isnull=True),
                name="directory_role_once",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "committee"],
                condition=Q(committee__isnull=False),
                name="directory_role_once_per_committee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.role}" + (f" ({self.committee})" if self.committee else "")
