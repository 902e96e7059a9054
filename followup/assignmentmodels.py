"""An assignment's follow-up in each period: its status and analysis, entered
by the secretaries of the committee it was given to."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from followup.models import Period
from goals.assignmentmodels import Assignment
from goals.text import PlainTextField


class AssignmentStatus(models.TextChoices):
    """An assignment's status; "uppdrag" is neuter, so the Swedish words differ
    from an activity's."""

    DONE = "done", _("carried out")
    IN_PROGRESS = "in_progress", _("in progress")
    NOT_STARTED = "not_started", _("not yet begun")
    CANCELLED = "cancelled", _("discontinued")


# An assignment followed up with one of these is finished: it is not carried
# over to the next year, and it is never overdue.
FINISHED = frozenset({AssignmentStatus.DONE, AssignmentStatus.CANCELLED})


def is_overdue(due_date: datetime.date | None, status: str, today: datetime.date) -> bool:
    """Due date passed and not finished (done or discontinued)."""
    return due_date is not None and due_date < today and status not in FINISHED


class AssignmentFollowup(models.Model):
    """An assignment's status and written analysis in one follow-up period."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="followups",
    )
    period = models.ForeignKey(
        Period,
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        related_name="assignment_followups",
    )
    status = models.CharField(_("status"), max_length=20, choices=AssignmentStatus.choices)
    analysis = PlainTextField(_("analysis"), blank=True, max_length=20000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("assessed"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["period__cutoff_date"]
        verbose_name = _("follow-up of an assignment")
        verbose_name_plural = _("follow-ups of assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "period"], name="one_assignment_followup_per_period"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AssignmentStatus.values),
                name="assignment_followup_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} – {self.period}: {self.get_status_display()}"
