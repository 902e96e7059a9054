"""Assignments (uppdrag) as the follow-up reads them: each with its status in
a period, in one query, for the lists, the entry page, the röd tråd, the
report and the open data; and what a new year carries over."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, FilteredRelation, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from followup.assignmentmodels import FINISHED, AssignmentStatus, is_overdue
from followup.models import Period
from goals.assignmentmodels import Assignment
from goals.models import Node, PlanYear


def with_followup(assignments, period: Period | int | None):
    """The assignments, each annotated with its follow-up in `period` (`followup_status`,
    `followup_analysis`, `followup_version`, `followup_by`, `followup_at`; None when
    there is none). A join, not another query."""
    period_id = period.pk if isinstance(period, Period) else period
    return assignments.annotate(
        period_followup=FilteredRelation("followups", condition=Q(followups__period_id=period_id)),
        followup_status=F("period_followup__status"),
        followup_analysis=F("period_followup__analysis"),
        followup_version=F("period_followup__version"),
        followup_by=F("period_followup__updated_by__username"),
        followup_at=F("period_followup__updated_at"),
    )


@dataclass
class AssignmentRow:
    """An assignment as a list or report shows it, with its status in the period."""

    assignment: Assignment
    status: str  # "" when not followed up in the period
    analysis: str
    overdue: bool

    @property
    def status_label(self) -> str:
        return str(AssignmentStatus(self.status).label) if self.status else ""


def assignment_rows(
    plan_year: PlanYear | int,
    period: Period | None,
    *,
    committee_ids: frozenset[int] | None = None,
    today: datetime.date | None = None,
) -> list[AssignmentRow]:
    """The year's assignments (of `committee_ids`, or all) with their status in
    `period`, in committee and due-date order. One query."""
    today = today or timezone.localdate()
    assignments = Assignment.objects.for_year(plan_year).with_relations().in_order()
    if committee_ids is not None:
        assignments = assignments.filter(committee_id__in=committee_ids)
    return [
        AssignmentRow(
            assignment=assignment,
            status=assignment.followup_status or "",
            analysis=assignment.followup_analysis or "",
            overdue=is_overdue(assignment.due_date, assignment.followup_status or "", today),
        )
        for assignment in with_followup(assignments, period)
    ]


def goal_assignments(
    plan_year: PlanYear | int, period: Period | None, *, committee_id: int | None = None
) -> dict[int, list[tuple[int, str, int, str]]]:
    """The assignments placed under a goal (given to `committee_id`, or to any),
    by goal: (id, title, committee id, status in `period` or ""). One query, run
    whether or not there are any."""
    assignments = Assignment.objects.for_year(plan_year).filter(goal__isnull=False)
    if committee_id is not None:
        assignments = assignments.filter(committee_id=committee_id)
    assignments = with_followup(assignments, period).order_by("due_date", "title", "pk")
    by_goal: dict[int, list[tuple[int, str, int, str]]] = {}
    for pk, goal_id, title, committee_id, status in assignments.values_list(
        "pk", "goal_id", "title", "committee_id", "followup_status"
    ):
        by_goal.setdefault(goal_id, []).append((pk, title, committee_id, status or ""))
    return by_goal


def last_period(plan_year: PlanYear | int) -> Period | None:
    return Period.objects.for_year(plan_year).order_by("-cutoff_date").first()


def assignments_carry_over(*, source: PlanYear, target: PlanYear, user=None) -> int:
    """Copy into `target` the assignments of `source` not finished (carried out or
    discontinued) in its last period, each remembering its original and placed
    under its goal's copy. A due date within `source` is dropped, as it cannot
    fall in the new year. Three queries and a bulk insert."""
    period = last_period(source)
    copies_of = dict(
        Node.objects.for_year(target)
        .filter(copied_from__isnull=False)
        .values_list("copied_from_id", "pk")
    )
    copies = [
        Assignment(
            plan_year=target,
            committee_id=original.committee_id,
            given_by_id=original.given_by_id,
            goal_id=copies_of.get(original.goal_id),
            title=original.title,
            description=original.description,
            due_date=original.due_date
            if original.due_date and original.due_date.year == target.year
            else None,
            decided_on=original.decided_on,
            paragraph=original.paragraph,
            registration_number=original.registration_number,
            minutes_url=original.minutes_url,
            copied_from=original,
            updated_by=user,
        )
        for original in with_followup(Assignment.objects.for_year(source), period).order_by("pk")
        if original.followup_status not in FINISHED
    ]
    if copies:
        bulk_create_with_history(copies, Assignment, default_user=user)
    return len(copies)


def open_data(plan_year: PlanYear, periods: list[Period]) -> list[dict]:
    """The year's assignments for the open data (`followup.api`), each with its
    follow-up in the periods the reader may see. Two queries."""
    from followup.assignmentmodels import AssignmentFollowup

    followups: dict[int, list[dict]] = {}
    for row in (
        AssignmentFollowup.objects.filter(
            assignment__plan_year=plan_year, period__in=[period.pk for period in periods]
        )
        .order_by("period__cutoff_date")
        .values("assignment_id", "period_id", "status", "analysis", "updated_at")
    ):
        row["status_label"] = str(AssignmentStatus(row["status"]).label)
        followups.setdefault(row.pop("assignment_id"), []).append(row)
    return [
        {
            "id": assignment.pk,
            "title": assignment.title,
            "description": assignment.description,
            "committee": {
                "id": assignment.committee_id,
                "name": assignment.committee.name,
                "short_name": assignment.committee.short_name,
            },
            "given_by": assignment.given_by.name if assignment.given_by else None,
            "goal_id": assignment.goal_id,
            "due_date": assignment.due_date,
            "decision": {
                "decided_on": assignment.decided_on,
                "paragraph": assignment.paragraph,
                "registration_number": assignment.registration_number,
            },
            "followups": followups.get(assignment.pk, []),
        }
        for assignment in Assignment.objects.for_year(plan_year)
        .select_related("committee", "given_by")
        .in_order()
    ]


def not_followed_up(period: Period) -> dict[int, list[Assignment]]:
    """The year's assignments with no follow-up in `period`, by committee, for
    the reminders (`followup.due`). One query."""
    pending: dict[int, list[Assignment]] = {}
    for assignment in (
        Assignment.objects.for_year(period.plan_year_id)
        .exclude(followups__period=period)
        .order_by("due_date", "title", "pk")
    ):
        pending.setdefault(assignment.committee_id, []).append(assignment)
    return pending
