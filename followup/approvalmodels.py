"""A committee's part of a period's follow-up on its way to the committee's
decision: in progress, ready for the committee, approved."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from followup.models import Period
from goals.approvalmodels import Approval, ApprovalState


class CommitteeReport(Approval):
    """A committee's part of one period's follow-up: in progress → ready for the
    committee → approved by it. Approved, its assessments and outcomes in the
    period are locked until an official reopens it with a reason."""

    period = models.ForeignKey(
        Period,
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        related_name="committee_reports",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee report")
        verbose_name_plural = _("committee reports")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "committee"], name="one_committee_report_per_period"
            ),
            models.CheckConstraint(
                condition=~Q(state=ApprovalState.APPROVED) | Q(decided_on__isnull=False),
                name="approved_committee_report_has_decision_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} – {self.period}"
