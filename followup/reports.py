"""A period's follow-up as the goal section of the interim or annual report, and
the overview of a period in numbers.

The report follows the shape of the delårsrapport and the årsredovisning:
perspective → direction goal → municipal goals with status, analysis and
indicators → the committees' goals under each → sound financial management
(`followup.geh`). Activities are left out; they belong to the committees' own
follow-up (`committee_report`). The page and every export are built from one
`PeriodReport`, read in six queries whatever the size of the year: the
year's goals in tree order with their committees, the period's assessments,
the indicators with their outcome in the period, and the three of
`geh.geh_report`.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery
from django.utils.translation import gettext as _

from followup import approvedonly
from followup.assignments import AssignmentRow, assignment_rows
from followup.comparisons import comparisons_for
from followup.geh import GehReport, geh_report
from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.indicators import format_value, indicator_status
from followup.models import (
    MISSING,
    WITHHELD,
    ActivityStatus,
    Assessment,
    GoalStatus,
    Period,
    PeriodKind,
    StatusLabels,
    status_label,
)
from goals.models import Committee, GehRole, Node, NodeKind
from goals.rows import ActivityPlan

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
    forecast: Decimal | None = None  # for the full year, in an interim period
    # Kolada's comparison, "Kramfors 66 · liknande kommuner 71 · riket 73 (2026, …)".
    comparison: str = ""

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
    def forecast_text(self) -> str:
        return format_value(self.forecast) if self.forecast is not None else ""

    @property
    def status_label(self) -> str:
        return status_label(self.status) if self.status else ""


@dataclass
class ReportGoal(StatusLabels):
    id: int
    kind: str
    title: str
    committee: Committee | None
    status: str  # MISSING when not assessed in the period
    analysis: str
    indicators: list[IndicatorLine] = field(default_factory=list)
    children: list[ReportGoal] = field(default_factory=list)
    forecast_status: str = ""  # for the full year, in an interim period; "" for none
    geh_role: str = ""
    # A committee goal's activities, with their plans (responsible, dates, cost).
    activities: list[ReportActivity] = field(default_factory=list)
    # An activity's plan, in a committee's report (where activities are its children).
    plan: ActivityPlan | None = None

    @property
    def plan_text(self) -> str:
        return activity_plan_text(self.plan) if self.plan else ""

    @property
    def geh_label(self) -> str:
        return str(GehRole(self.geh_role).label) if self.geh_role else ""

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
    id: int | None = None

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def plan_text(self) -> str:
        return activity_plan_text(
            ActivityPlan(self.responsible, self.start_date, self.end_date, self.cost_estimate)
        )


def activity_plan_text(plan: ActivityPlan) -> str:
    """An activity's plan in one line: “Ansvarig: … · Startdatum: … · …”; "" for none."""
    parts = []
    if plan.responsible:
        parts.append(f"{_('Responsible')}: {plan.responsible}")
    if plan.start_date:
        parts.append(f"{_('Start date')}: {plan.start_date.isoformat()}")
    if plan.end_date:
        parts.append(f"{_('End date')}: {plan.end_date.isoformat()}")
    if plan.cost_estimate is not None:
        parts.append(f"{_('Cost estimate (kr)')}: {format_value(plan.cost_estimate)}")
    return " · ".join(parts)


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
    geh: GehReport | None = None
    assignments: list[AssignmentRow] = field(default_factory=list)

    @property
    def has_forecasts(self) -> bool:
        return self.period.kind == PeriodKind.INTERIM

    @property
    def committees(self) -> list[Committee]:
        """The committees with goals in the report, in their order; no query."""
        found: dict[int, Committee] = {}
        for _perspective, goal in self.goals():
            if goal.committee is not None:
                found.setdefault(goal.committee.pk, goal.committee)
        return sorted(found.values(), key=lambda committee: (committee.order, committee.name))

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


def _indicator_lines(
    period: Period, committee: Committee | None = None
) -> dict[int, list[IndicatorLine]]:
    """The year's indicators (or one committee's) with their outcome and forecast
    in the period, and Kolada's comparison, by goal. Two queries (one without
    Kolada-linked indicators)."""
    outcome = IndicatorOutcome.objects.filter(indicator=OuterRef("pk"), period=period)
    indicators = Indicator.objects.for_year(period.plan_year_id)
    if committee is not None:
        indicators = indicators.filter(node__committee=committee)
    lines: dict[int, list[IndicatorLine]] = {}
    indicators = list(
        indicators.annotate(
            outcome=Subquery(outcome.values("value")[:1]),
            forecast=Subquery(outcome.values("forecast")[:1]),
            plan_year_number=F("node__plan_year__year"),
        ).order_by("node_id", "order", "pk")
    )
    compared = comparisons_for(indicators, indicators[0].plan_year_number) if indicators else {}
    for indicator in indicators:
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
                forecast=indicator.forecast,
                comparison=compared[indicator.pk].report_text if indicator.pk in compared else "",
            )
        )
    return lines


def period_report(period: Period, *, with_activities: bool = False, reader=None) -> PeriodReport:
    """The period's goal section, from perspective down to the committees' goals;
    `with_activities` adds each committee goal's activities with their plans
    (the exports list them; the printed report does not, and is spared reading them).
    What is withheld from `reader` until its committee approves it shows as such."""
    nodes = Node.objects.for_year(period.plan_year_id).select_related("committee")
    if not with_activities:
        nodes = nodes.exclude(kind=NodeKind.ACTIVITY)
    nodes = list(nodes.in_tree_order())
    assessments = _assessments(period, reader=reader)
    indicators = _indicator_lines(period)
    perspectives: list[ReportPerspective] = []
    summary: Counter[str] = Counter()
    direction: ReportGoal | None = None
    municipal: ReportGoal | None = None
    committee_goal: ReportGoal | None = None
    for node in nodes:
        if node.kind == NodeKind.ACTIVITY:
            if committee_goal is not None:
                status, analysis, _forecast = assessments.of(node)
                committee_goal.activities.append(
                    ReportActivity(
                        node.title,
                        status,
                        analysis,
                        node.responsible,
                        node.start_date,
                        node.end_date,
                        node.cost_estimate,
                        node.pk,
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
        goal = _report_goal(node, assessments, indicators)
        # Tree order puts each node right after its parent's earlier subtrees,
        # so the last goal seen on the level above is its parent.
        if node.kind == NodeKind.DIRECTION_GOAL and perspectives:
            perspectives[-1].goals.append(goal)
            direction, municipal = goal, None
        elif node.kind == NodeKind.MUNICIPAL_GOAL and direction is not None:
            direction.children.append(goal)
            municipal = goal
            summary[goal.status] += 1
        elif node.kind == NodeKind.COMMITTEE_GOAL and municipal is not None:
            municipal.children.append(goal)
            committee_goal = goal
    return PeriodReport(
        period=period,
        perspectives=perspectives,
        summary=Summary(summary),
        geh=geh_report(period),
        assignments=assignment_rows(period.plan_year_id, period),
    )


class _Assessments(dict):
    """(status, analysis, forecast status) by node id, and the committees whose
    are withheld from the reader (WITHHELD, assessed or not)."""

    def __init__(self, found: dict, hidden: Callable[[int | None], bool]) -> None:
        super().__init__(found)
        self.hidden = hidden

    def of(self, node: Node) -> tuple[str, str, str]:
        if self.hidden(node.committee_id):
            return (WITHHELD, "", "")
        return self.get(node.pk, (MISSING, "", ""))


def _assessments(
    period: Period, committee: Committee | None = None, *, reader=None
) -> _Assessments:
    """(status, analysis, forecast status) by node id. One query, and one more
    for a reader from whom something may be withheld."""
    withheld = approvedonly.withheld_for(reader, [period])
    assessments = Assessment.objects.for_period(period)
    if committee is not None:
        assessments = assessments.filter(node__committee=committee)
    found = {
        node_id: (status, analysis, forecast)
        for node_id, status, analysis, forecast in assessments.values_list(
            "node_id", "status", "analysis", "forecast_status"
        )
    }
    return _Assessments(found, lambda committee_id: withheld.hides(period.pk, committee_id))


def _report_goal(node: Node, assessments: _Assessments, indicators: dict) -> ReportGoal:
    status, analysis, forecast = assessments.of(node)
    plan = None
    if node.kind == NodeKind.ACTIVITY:
        plan = ActivityPlan(node.responsible, node.start_date, node.end_date, node.cost_estimate)
    return ReportGoal(
        id=node.pk,
        kind=node.kind,
        title=node.title,
        committee=node.committee,
        status=status,
        analysis=analysis,
        indicators=indicators.get(node.pk, []),
        forecast_status=forecast,
        geh_role=node.geh_role,
        plan=plan,
    )


# --- a committee's part of the report -------------------------------------------


@dataclass
class CommitteeSection:
    """A municipal goal the committee works towards, with the committee's goals
    under it, each with its activities in `children`."""

    municipal_goal_id: int
    municipal_goal_title: str
    goals: list[ReportGoal]


@dataclass
class CommitteeReport:
    period: Period
    committee: Committee
    sections: list[CommitteeSection]
    goal_summary: Counter[str]
    activity_summary: Counter[str]
    assignments: list[AssignmentRow] = field(default_factory=list)

    @property
    def has_forecasts(self) -> bool:
        return self.period.kind == PeriodKind.INTERIM

    def goal_rows(self) -> list[tuple[str, str, int]]:
        return [(status, status_label(status), self.goal_summary[status]) for status in GOAL_SCALE]

    def activity_rows(self) -> list[tuple[str, str, int]]:
        return [
            (status, status_label(status), self.activity_summary[status])
            for status in ACTIVITY_SCALE
        ]


def committee_report(period: Period, committee: Committee, reader=None) -> CommitteeReport:
    """The committee's goals and activities in the period under the municipal goals
    they serve (its verksamhetsberättelse, or its part of the interim report),
    and its assignments. Four queries: the committee's nodes with their parents,
    its assessments, its indicators, and its assignments with their status (one
    more for a reader who reads approved follow-up only)."""
    nodes = (
        Node.objects.for_year(period.plan_year_id)
        .filter(committee=committee)
        .select_related("parent", "committee")
        .in_tree_order()
    )
    assessments = _assessments(period, committee, reader=reader)
    indicators = _indicator_lines(period, committee)
    sections: list[CommitteeSection] = []
    goal_summary: Counter[str] = Counter()
    activity_summary: Counter[str] = Counter()
    goal: ReportGoal | None = None
    for node in nodes:
        item = _report_goal(node, assessments, indicators)
        if node.kind == NodeKind.COMMITTEE_GOAL:
            if not sections or sections[-1].municipal_goal_id != node.parent_id:
                sections.append(CommitteeSection(node.parent_id, node.parent.title, []))
            sections[-1].goals.append(item)
            goal = item
            goal_summary[item.status] += 1
        elif node.kind == NodeKind.ACTIVITY and goal is not None:
            goal.children.append(item)
            activity_summary[item.status] += 1
    return CommitteeReport(
        period=period,
        committee=committee,
        sections=sections,
        goal_summary=goal_summary,
        activity_summary=activity_summary,
        assignments=assignment_rows(
            period.plan_year_id, period, committee_ids=frozenset({committee.pk})
        ),
    )
