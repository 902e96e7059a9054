"""Reads for the officials' progress page and the auditors' audit page of a period.

Each returns one dataclass the view renders; each costs a fixed number of
queries whatever the size of the year (tests/followup/test_year_pages.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone

from followup import rollup
from followup.approvalmodels import CommitteeReport
from followup.due import Due, due_for
from followup.indicatormodels import Indicator
from followup.latechanges import LateChange, late_changes
from followup.models import MISSING, STATUS_LABELS, Assessment, Period, PeriodState
from goals import permissions
from goals.approvalmodels import ApprovalState
from goals.assignmentmodels import Assignment
from goals.models import ASSESSABLE_KINDS, GOAL_KINDS, Committee, Node
from goals.rules import INDICATOR_KINDS

# The audit page lists at most this many changes after the deadline, and says if there are more.
MAX_LATE_CHANGES = 500


@dataclass
class CommitteeProgress:
    committee: Committee | None  # None: the municipal goals
    total: int
    assessed: int
    report: CommitteeReport | None  # None: in progress, nothing recorded
    unassessed_url: str
    # The council's assignments to the committee, and how many of them have
    # their follow-up in the period; their list (empty for the municipal goals).
    assignments: int = 0
    assignments_followed_up: int = 0
    assignments_url: str = ""

    @property
    def missing(self) -> int:
        return self.total - self.assessed

    @property
    def state(self) -> str:
        return self.report.state if self.report else ApprovalState.IN_PROGRESS

    @property
    def state_label(self) -> str:
        return str(ApprovalState(self.state).label)

    @property
    def is_approved(self) -> bool:
        return self.state == ApprovalState.APPROVED

    @property
    def version(self) -> int:
        return self.report.version if self.report else 1


@dataclass
class Progress:
    period: Period
    rows: list[CommitteeProgress]  # the municipal goals first, then committees in order

    @property
    def committees(self) -> list[CommitteeProgress]:
        return [row for row in self.rows if row.committee is not None]

    @property
    def unassessed(self) -> list[CommitteeProgress]:
        return [row for row in self.rows if row.missing]

    @property
    def unapproved(self) -> list[CommitteeProgress]:
        return [row for row in self.committees if not row.is_approved]

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def assessed(self) -> int:
        return sum(row.assessed for row in self.rows)


def _unassessed_url(period: Period, committee_id: int | None) -> str:
    query = {"period": period.pk, "status": MISSING}
    if committee_id:
        query["committee"] = committee_id
    url = reverse("followup:red_thread", kwargs={"year": period.plan_year.year})
    return f"{url}?{urlencode(query)}"


def _assignment_counts(period: Period) -> dict[int, tuple[int, int]]:
    """By committee: its assignments of the year, and how many of them are
    followed up in `period`. One query."""
    return {
        row["committee_id"]: (row["total"], row["followed_up"])
        for row in Assignment.objects.for_year(period.plan_year_id)
        .order_by()
        .values("committee_id")
        .annotate(
            total=Count("pk"), followed_up=Count("followups", filter=Q(followups__period=period))
        )
    }


def _assignments_url(period: Period, committee: Committee) -> str:
    url = reverse(
        "followup:committee_assignments",
        kwargs={"year": period.plan_year.year, "slug": committee.slug},
    )
    return f"{url}?{urlencode({'period': period.pk})}"


def period_progress(period: Period) -> Progress:
    """Each committee's assessed and unassessed goals and activities in the period,
    its assignments followed up, and its approval; the municipal goals first.
    Five queries (`due_for`'s three, the assignments' counts and the committees'
    reports)."""
    due: list[Due] = due_for(
        periods=[period], scope=permissions.assessable_scope(committee_ids=None, municipal=True)
    )
    reports = {
        report.committee_id: report
        for report in CommitteeReport.objects.filter(period=period).select_related("updated_by")
    }
    assignments = _assignment_counts(period)
    rows = []
    for item in due:
        committee = item.committee
        total, followed_up = assignments.get(committee.pk, (0, 0)) if committee else (0, 0)
        rows.append(
            CommitteeProgress(
                committee=committee,
                total=item.total,
                assessed=item.assessed,
                report=reports.get(committee.pk) if committee else None,
                unassessed_url=_unassessed_url(period, committee.pk if committee else None),
                assignments=total,
                assignments_followed_up=followed_up,
                assignments_url=_assignments_url(period, committee) if total else "",
            )
        )
    rows.sort(key=lambda row: (row.committee is not None, row.committee and row.committee.order))
    return Progress(period=period, rows=rows)


# --- the audit page ---------------------------------------------------------------


@dataclass
class Divergence:
    node_id: int
    title: str
    committee: str
    status: str
    suggested: str


@dataclass
class Listed:
    node_id: int
    title: str
    kind: str
    committee: str


@dataclass
class Audit:
    period: Period
    deadline_passed_at: datetime.datetime  # the end of the first deadline day
    late_changes: list[LateChange]
    more_late_changes: bool
    divergences: list[Divergence]
    without_indicators: list[Listed]
    without_analysis: list[Listed]
    counts: dict[str, int] = field(default_factory=dict)


def first_deadline(period: Period) -> datetime.date:
    """The deadline in force when the period was first closed. Reopening moves a
    period's deadline on; what was changed after the first one is what an auditor
    asks about. The current deadline if the period was never closed. One query."""
    earliest = period.history.filter(
        state__in=[PeriodState.CLOSED, PeriodState.PUBLISHED]
    ).aggregate(earliest=Min("deadline"))["earliest"]
    return min(earliest, period.deadline) if earliest else period.deadline


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after the deadline day, in the site's time zone."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )


def period_audit(period: Period) -> Audit:
    """What an auditor reviews in a period. Fifteen queries: the year's goals and
    activities, the first deadline, the changes after it (`latechanges`: nine),
    the statuses and analyses, the indicators' statuses for the suggestions, and
    which goals have indicators."""
    nodes = {
        row[0]: row
        for row in Node.objects.for_year(period.plan_year_id)
        .of_kind(*ASSESSABLE_KINDS)
        .in_tree_order()
        .values_list("id", "kind", "title", "committee__short_name", "committee__name", "parent_id")
    }
    deadline_passed_at = _end_of(first_deadline(period))
    late = _late_changes(period, deadline_passed_at, nodes)
    statuses: dict[int, str] = {}
    analysed: set[int] = set()
    for node_id, status, has_analysis in (
        Assessment.objects.for_period(period)
        .order_by()
        .annotate(has_analysis=~Q(analysis=""))
        .values_list("node_id", "status", "has_analysis")
    ):
        statuses[node_id] = status
        if has_analysis:
            analysed.add(node_id)
    suggestions = _suggestions(period, nodes, statuses)
    with_indicators = set(
        Indicator.objects.for_year(period.plan_year_id).values_list("node_id", flat=True)
    )

    def committee(row) -> str:
        return row[3] or row[4] or ""

    divergences = [
        Divergence(
            node_id=node_id,
            title=nodes[node_id][2],
            committee=committee(nodes[node_id]),
            status=str(STATUS_LABELS[statuses[node_id]]),
            suggested=suggestion.label,
        )
        for node_id, suggestion in suggestions.items()
        if node_id in statuses and statuses[node_id] != suggestion.status
    ]
    without_indicators = [
        Listed(row[0], row[2], row[1], committee(row))
        for row in nodes.values()
        if row[1] in INDICATOR_KINDS and row[0] not in with_indicators
    ]
    without_analysis = [
        Listed(row[0], row[2], row[1], committee(row))
        for row in nodes.values()
        if row[0] not in analysed
    ]
    return Audit(
        period=period,
        deadline_passed_at=deadline_passed_at,
        late_changes=late[:MAX_LATE_CHANGES],
        more_late_changes=len(late) > MAX_LATE_CHANGES,
        divergences=divergences,
        without_indicators=without_indicators,
        without_analysis=without_analysis,
    )


def _late_changes(period: Period, after: datetime.datetime, nodes: dict) -> list[LateChange]:
    """Everything of the period's follow-up saved after its deadline, newest first."""
    return late_changes(period, after, nodes, MAX_LATE_CHANGES)


def _suggestions(period: Period, nodes: dict, statuses: dict[int, str]) -> dict:
    """The suggested status of each goal from its children's statuses and its
    indicators' (rollup's rule, as `rollup.period_suggestions`), from the rows
    already read: one query more, the indicators'."""
    inputs: dict[int, list[str | None]] = {}
    for node_id, row in nodes.items():
        parent_id = row[5]
        if parent_id is not None:
            inputs.setdefault(parent_id, []).append(statuses.get(node_id))
    for node_id, values in rollup.indicator_statuses(period).items():
        inputs.setdefault(node_id, []).extend(values)
    result = {}
    for node_id, values in inputs.items():
        if node_id in nodes and nodes[node_id][1] in GOAL_KINDS:
            suggestion = rollup.suggestion_for(values)
            if suggestion:
                result[node_id] = suggestion
    return result
