"""Saving assignments' follow-up in a period, several together or none.

The same checks as the goals' assessments (`followup.services.assessments_save`):
`followup.services.period_open_for_entry` locks the period's row and refuses a
closed period or a committee's approved part of it, and
`followup.services.rows_locked_if_unchanged` a row someone else saved
meanwhile, here with `StaleFollowupError`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from followup.assignmentmodels import AssignmentFollowup, AssignmentStatus
from followup.models import Period
from followup.services import StaleRowsError, period_open_for_entry, rows_locked_if_unchanged
from goals import rules
from goals.assignmentmodels import Assignment


@dataclass
class FollowupEntry:
    """One assignment's follow-up as a form submitted it."""

    assignment: Assignment
    status: str
    analysis: str
    version: int  # the follow-up's version when the form was opened; 0 if there was none


class StaleFollowupError(StaleRowsError):
    """`current`: assignment id -> the follow-up as it now is."""


def assignment_followups_save(*, period: Period, entries: list[FollowupEntry], user) -> int:
    """Save the follow-up of several assignments in one period, or of none."""
    if not entries:
        return 0
    for entry in entries:
        if entry.status not in AssignmentStatus.values:
            raise ValidationError(_("That status does not apply to an assignment."))
        year_error = rules.period_year_error(period.plan_year_id, entry.assignment.plan_year_id)
        if year_error:
            raise ValidationError(year_error)
    with transaction.atomic():
        period_open_for_entry(period.pk, {entry.assignment.committee_id for entry in entries})
        versions = {entry.assignment.pk: entry.version for entry in entries}
        existing = rows_locked_if_unchanged(
            AssignmentFollowup.objects.filter(period=period, assignment_id__in=list(versions)),
            "assignment_id",
            versions,
            StaleFollowupError,
        )
        now = timezone.now()
        to_create, to_update = [], []
        for entry in entries:
            followup = existing.get(entry.assignment.pk)
            if followup is None:
                to_create.append(
                    AssignmentFollowup(
                        assignment=entry.assignment,
                        period=period,
                        status=entry.status,
                        analysis=entry.analysis,
                        updated_by=user,
                        updated_at=now,
                    )
                )
                continue
            followup.status = entry.status
            followup.analysis = entry.analysis
            followup.updated_by = user
            followup.updated_at = now
            followup.version += 1
            to_update.append(followup)
        if to_create:
            bulk_create_with_history(to_create, AssignmentFollowup, default_user=user)
        if to_update:
            bulk_update_with_history(
                to_update,
                AssignmentFollowup,
                ["status", "analysis", "updated_by", "updated_at", "version"],
                default_user=user,
            )
    return len(entries)
