"""A period's follow-up as the goal section of the interim or annual report, and
the overview of a period in numbers.

The report follows the shape of the delårsrapport and the årsredovisning:
perspective → direction goal → municipal goals with status, analysis and
indicators → the committees' goals under each. Activities are left out; they
belong to the committees' own follow-up. The page and every export are built
from one `PeriodReport`, read in three queries whatever the size of the year:
the year's goals in tree order with their committees, the period's
assessments, and the indicators with their outcome in the period.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from followup.indicators import format_value, indicator_status
from followup.models import (
    MISSING,
    ActivityStatus,
    Assessment,
    GoalStatus,
    Indicator,
    IndicatorOutcome,
    Period,
    status_label,
)
from goals.models import Committee, Node, NodeKind, TreeRow

GOAL_SCALE = [
    GoalStatus.MET,
    GoalStatus.PARTLY_MET,
    GoalStatus.NOT_MET,
    GoalStatus.NOT_ASSESSED,
    MISSING,
]
ACTIVITY_SCALE = [
    ActivityStatus.DONE,
    ActivityStatus.IN_PROGRESS,
    ActivityStatus.NOT_STARTED,
    ActivityStatus.CANCELLED,
    MISSING,
]


@dataclass
class IndicatorLine:
    name: str
    unit: str
    baseline: Decimal | None
    target: Decimal
    outcome: Decimal | None
    direction_label: str
    kolada_kpi: str
    status: str | None

    @property
    def baseline_text(self) -> str:
        return format_value(self.baseline)

    @property
    def target_text(self) -> str:
        return format_value(self.target)

    @property
    def outcome_text(self) -> str:
        return format_value(self.outcome)

    @property
    def status_label(self) -> str:
        return status_label(self.status) if self.status else ""


@dataclass
class ReportGoal:
    id: int
    kind: str
    title: str
    committee: Committee | None
    status: str  # MISSING when not assessed in the period
    analysis: str
    indicators: list[IndicatorLine] = field(default_factory=list)
    children: list[ReportGoal] = field(default_factory=list)
    # A committee goal's activities, with their plans (responsible, dates, cost).
    activities: list[ReportActivity] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def kind_label(self) -> str:
        return str(NodeKind(self.kind).label)

    @property
    def paragraphs(self) -> list[str]:
        """The analysis split into paragraphs at blank lines."""
        return [part.strip() for part in self.analysis.replace("\r", "").split("\n\n") if part]


@dataclass
class ReportActivity:
    title: str
    status: str  # MISSING when not assessed in the period
    analysis: str
    responsible: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    cost_estimate: Decimal | None

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclass
class ReportPerspective:
    title: str
    description: str
    goals: list[ReportGoal]  # its direction goal(s), each with its municipal goals


@dataclass
class Summary:
    """How the municipal goals came out: the figure the annual report must give."""

    counts: Counter[str]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def met(self) -> int:
        return self.counts[GoalStatus.MET]

    @property
    def partly_met(self) -> int:
        return self.counts[GoalStatus.PARTLY_MET]

    @property
    def not_met(self) -> int:
        return self.counts[GoalStatus.NOT_MET]

    @property
    def not_assessed(self) -> int:
        """Assessed as “not assessed”, or with no assessment at all."""
        return self.counts[GoalStatus.NOT_ASSESSED] + self.counts[MISSING]

    @property
    def missing(self) -> int:
        return self.counts[MISSING]

    def rows(self) -> list[tuple[str, str, int]]:
        return [
            (GoalStatus.MET, status_label(GoalStatus.MET), self.met),
            (GoalStatus.PARTLY_MET, status_label(GoalStatus.PARTLY_MET), self.partly_met),
            (GoalStatus.NOT_MET, status_label(GoalStatus.NOT_MET), self.not_met),
            (GoalStatus.NOT_ASSESSED, status_label(GoalStatus.NOT_ASSESSED), self.not_assessed),
        ]


@dataclass
class PeriodReport:
    period: Period
    perspectives: list[ReportPerspective]
    summary: Summary

    def goals(self):
        """Every goal in the report's order: direction goal, its municipal goals, and
        under each of those its committee goals."""
        for perspective in self.perspectives:
            for direction in perspective.goals:
                yield perspective, direction
                for municipal in direction.children:
                    yield perspective, municipal
                    for committee_goal in municipal.children:
                        yield perspective, committee_goal


def _indicator_lines(period: Period) -> dict[int, list[IndicatorLine]]:
    """The year's indicators with their outcome in the period, by goal. One query."""
    outcome = IndicatorOutcome.objects.filter(indicator=OuterRef("pk"), period=period).values(
        "value"
    )[:1]
    lines: dict[int, list[IndicatorLine]] = {}
    for indicator in (
        Indicator.objects.for_year(period.plan_year_id)
        .annotate(outcome=Subquery(outcome))
        .order_by("node_id", "order", "pk")
    ):
        lines.setdefault(indicator.node_id, []).append(
            IndicatorLine(
                name=indicator.name,
                unit=indicator.unit,
                baseline=indicator.baseline,
                target=indicator.target,
                outcome=indicator.outcome,
                direction_label=indicator.get_direction_display(),
                kolada_kpi=indicator.kolada_kpi,
                status=indicator_status(indicator, indicator.outcome),
            )
        )
    return lines


def period_report(period: Period, *, with_activities: bool = False) -> PeriodReport:
    """The period's goal section, from perspective down to the committees' goals;
    `with_activities` adds each committee goal's activities with their plans
    (the exports list them; the printed report does not, and is spared reading them)."""
    nodes = Node.objects.for_year(period.plan_year_id).select_related("committee")
    if not with_activities:
        nodes = nodes.exclude(kind=NodeKind.ACTIVITY)
    nodes = list(nodes.in_tree_order())
    assessments = {
        node_id: (status, analysis)
        for node_id, status, analysis in Assessment.objects.for_period(period).values_list(
            "node_id", "status", "analysis"
        )
    }
    indicators = _indicator_lines(period)
    perspectives: list[ReportPerspective] = []
    summary: Counter[str] = Counter()
    direction: ReportGoal | None = None
    municipal: ReportGoal | None = None
    committee_goal: ReportGoal | None = None
    for node in nodes:
        if node.kind == NodeKind.ACTIVITY:
            if committee_goal is not None:
                status, analysis = assessments.get(node.pk, (MISSING, ""))
                committee_goal.activities.append(
                    ReportActivity(
                        node.title,
                        status,
                        analysis,
                        node.responsible,
                        node.start_date,
                        node.end_date,
                        node.cost_estimate,
                    )
                )
            continue
        committee_goal = None  # set again below when this node is a committee goal
        if node.kind == NodeKind.PERSPECTIVE:
            perspectives.append(ReportPerspective(node.title, node.description, []))
            direction = municipal = None
            continue
        if node.kind == NodeKind.VISION:
            continue
        status, analysis = assessments.get(node.pk, (MISSING, ""))
        goal = ReportGoal(
            id=node.pk,
            kind=node.kind,
            title=node.title,
            committee=node.committee,
            status=status,
            analysis=analysis,
            indicators=indicators.get(node.pk, []),
        )
        # Tree order puts each node right after its parent's earlier subtrees,
        # so the last goal seen on the level above is its parent.
        if node.kind == NodeKind.DIRECTION_GOAL and perspectives:
            perspectives[-1].goals.append(goal)
            direction, municipal = goal, None
        elif node.kind == NodeKind.MUNICIPAL_GOAL and direction is not None:
            direction.children.append(goal)
            municipal = goal
            summary[status] += 1
        elif node.kind == NodeKind.COMMITTEE_GOAL and municipal is not None:
            municipal.children.append(goal)
            committee_goal = goal
    return PeriodReport(period=period, perspectives=perspectives, summary=Summary(summary))


# --- the overview ------------------------------------------------------------


@dataclass
class Distribution:
    label: str
    counts: Counter[str]

    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Overview:
    by_perspective: list[Distribution]  # the goals of each perspective
    goals_by_committee: list[Distribution]  # each committee's goals
    activities_by_committee: list[Distribution]  # each committee's activities
    municipal_summary: Summary


def period_overview(
    rows: list[TreeRow], statuses: dict[int, str], committees: list[Committee]
) -> Overview:
    """Statuses counted per perspective and per committee, in one pass over the
    year's rows in tree order; no query of its own."""
    by_perspective: list[Distribution] = []
    goals_by_committee = {committee.pk: Counter() for committee in committees}
    activities_by_committee = {committee.pk: Counter() for committee in committees}
    municipal: Counter[str] = Counter()
    current: Distribution | None = None
    for row in rows:
        if row.kind == NodeKind.PERSPECTIVE:
            current = Distribution(row.title, Counter())
            by_perspective.append(current)
            continue
        if row.kind == NodeKind.VISION:
            continue
        status = statuses.get(row.id, MISSING)
        if row.kind == NodeKind.ACTIVITY:
            activities_by_committee.setdefault(row.committee_id, Counter())[status] += 1
            continue
        if current is not None:
            current.counts[status] += 1
        if row.kind == NodeKind.MUNICIPAL_GOAL:
            municipal[status] += 1
        elif row.kind == NodeKind.COMMITTEE_GOAL:
            goals_by_committee.setdefault(row.committee_id, Counter())[status] += 1
    names = {committee.pk: committee.name for committee in committees}
    return Overview(
        by_perspective=by_perspective,
        goals_by_committee=[
            Distribution(names[pk], counts)
            for pk, counts in goals_by_committee.items()
            if counts and pk in names
        ],
        activities_by_committee=[
            Distribution(names[pk], counts)
            for pk, counts in activities_by_committee.items()
            if counts and pk in names
        ],
        municipal_summary=Summary(municipal),
    )


def scale_items(distribution: Distribution, scale: list[str]) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status of a scale, zeros included."""
    return [(status, status_label(status), distribution.counts[status]) for status in scale]
