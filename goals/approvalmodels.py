"""Approvals: a committee's operational plan on its way to the committee's
decision (draft, ready for the committee, adopted)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from goals.decisions import DecisionFields
from goals.models import Committee, PlanYear
from goals.text import PlainTextField


class ApprovalState(models.TextChoices):
    """A committee's part of a year or period, on its way to the committee's decision."""

    IN_PROGRESS = "in_progress", _("in progress")
    READY = "ready", _("ready for the committee")
    APPROVED = "approved", _("approved")


class ApprovalQuerySet(models.QuerySet):
    def approved(self) -> ApprovalQuerySet:
        return self.filter(state=ApprovalState.APPROVED)


class Approval(DecisionFields):
    """What every committee approval records: its state, the committee's decision,
    and why an official last reopened it. A committee with no row is in progress."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ApprovalState.choices,
        default=ApprovalState.IN_PROGRESS,
    )
    reopen_reason = PlainTextField(_("reason for reopening"), blank=True, max_length=2000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ApprovalQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_approved(self) -> bool:
        return self.state == ApprovalState.APPROVED


class OperationalPlan(Approval):
    """A committee's verksamhetsplan for a plan year: draft → ready → adopted by
    the committee. Once adopted, the committee's goals and activities of the
    year are locked until an official reopens the plan."""

    plan_year = models.ForeignKey(
        PlanYear,
        verbose_name=_("plan year"),
        on_delete=models.CASCADE,
        related_name="operational_plans",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("operational plan")
        verbose_name_plural = _("operational plans")
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "committee"], name="one_operational_plan_per_committee"
            ),
            models.CheckConstraint(
                condition=~Q(state=ApprovalState.APPROVED) | Q(decided_on__isnull=False),
                name="adopted_operational_plan_has_decision_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} {self.plan_year}"

    @classmethod
    def of(cls, plan_year: PlanYear, committee: Committee) -> OperationalPlan:
        """The committee's plan for the year; a draft not yet stored if it has none. One query."""
        found = cls.objects.filter(plan_year=plan_year, committee=committee).first()
        return found or cls(plan_year=plan_year, committee=committee)

    @property
    def state_label(self) -> str:
        return plan_state_label(self.state)


def plan_state_label(state: str) -> str:
    """An operational plan's state as the committee says it: draft, ready, adopted."""
    return str(
        {
            ApprovalState.IN_PROGRESS: _("draft"),
            ApprovalState.READY: _("ready for the committee"),
            ApprovalState.APPROVED: _("adopted by the committee"),
        }[ApprovalState(state)]
    )
