"""Agenda 2030 read against the follow-up: which goals and indicators of a plan
year serve each global goal, and how the linked goals stand in a period.

Selectors for the index of the 17 global goals, the page of one global goal
and the overview's Agenda 2030 section. Each costs a constant number of
queries whatever the size of the year: the global goals (17 rows), the
linked goals with their status in the period, and the linked indicators.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from django.db.models import Count, FilteredRelation, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from followup import bars
from followup.indicatormodels import Indicator, IndicatorGlobalGoal
from followup.indicators import format_value, outcome_status
from followup.models import MISSING, Period, status_label
from goals.agendamodels import GlobalGoal, NodeGlobalGoal
from goals.models import Node, PlanYear, kind_label


def swatch(colour: str) -> SafeString:
    """A global goal's official colour as a small square beside its number and
    name: decoration only (the text says which goal it is), drawn in SVG so
    that no inline style is needed under the Content-Security-Policy."""
    return mark_safe(
        '<svg class="global-goal__swatch" viewBox="0 0 1 1" aria-hidden="true" focusable="false">'
        f'<rect width="1" height="1" fill="#{escape(colour)}"/></svg>'
    )


def _period_query(period: Period | None) -> str:
    return "?" + urlencode({"period": period.pk}) if period else ""


@dataclass
class GlobalGoalSummary:
    """A global goal with what of a plan year is linked to it, counted."""

    goal: GlobalGoal
    url: str
    counts: Counter[str] = field(default_factory=Counter)
    indicators: int = 0

    @property
    def goals(self) -> int:
        return sum(self.counts.values())

    @property
    def swatch(self) -> SafeString:
        return swatch(self.goal.colour)

    @property
    def bar(self) -> SafeString:
        return bars.stacked_bar(self.counts, bars.GOAL_SCALE, label=_("Goals"))

    @property
    def status_counts(self) -> list[int]:
        """The number of goals of each status, in the goal scale's order."""
        return [self.counts.get(status, 0) for status in bars.GOAL_SCALE]


@dataclass
class AgendaSummary:
    plan_year: PlanYear
    period: Period | None
    rows: list[GlobalGoalSummary]

    @property
    def linked(self) -> list[GlobalGoalSummary]:
        """The global goals that have goals linked to them in the year."""
        return [row for row in self.rows if row.goals]

    @property
    def status_labels(self) -> list[str]:
        return [status_label(status) for status in bars.GOAL_SCALE]


def agenda_summary(
    plan_year: PlanYear, period: Period | None, *, with_indicators: bool = False
) -> AgendaSummary:
    """Each of the 17 global goals with the year's goals linked to it, counted by
    their status in `period` (all "not reported" without one), and with
    `with_indicators` the number of linked indicators. Two or three queries."""
    goals = list(GlobalGoal.objects.all())
    counts: dict[int, Counter[str]] = {goal.number: Counter() for goal in goals}
    for number, status in _linked_statuses(plan_year, period):
        counts[number][status or MISSING] += 1
    indicator_counts: dict[int, int] = {}
    if with_indicators:
        indicator_counts = dict(
            IndicatorGlobalGoal.objects.filter(indicator__node__plan_year=plan_year)
            .order_by()
            .values("global_goal_id")
            .annotate(count=Count("pk"))
            .values_list("global_goal_id", "count")
        )
    query = _period_query(period)
    return AgendaSummary(
        plan_year=plan_year,
        period=period,
        rows=[
            GlobalGoalSummary(
                goal=goal,
                url=global_goal_url(plan_year.year, goal.number) + query,
                counts=counts[goal.number],
                indicators=indicator_counts.get(goal.number, 0),
            )
            for goal in goals
        ],
    )


def _linked_statuses(plan_year: PlanYear, period: Period | None) -> list[tuple[int, str | None]]:
    """(global goal number, status in the period) for each link of the year's goals."""
    links = NodeGlobalGoal.objects.filter(node__plan_year=plan_year).order_by()
    if period is None:
        return [(number, None) for number in links.values_list("global_goal_id", flat=True)]
    return list(
        links.annotate(
            assessment=FilteredRelation(
                "node__assessments", condition=Q(node__assessments__period=period)
            )
        ).values_list("global_goal_id", "assessment__status")
    )


def global_goal_url(year: int, number: int) -> str:
    return reverse("followup:global_goal", kwargs={"year": year, "number": number})


@dataclass
class LinkedGoal:
    id: int
    title: str
    kind: str
    committee: str
    status: str

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclass
class LinkedIndicator:
    id: int
    name: str
    unit: str
    target: Decimal
    goal_id: int
    goal_title: str
    outcome: Decimal | None
    direction: str = "higher"

    @property
    def status(self) -> str | None:
        """Met, partly met or not met against the target; None without an outcome."""
        return outcome_status(target=self.target, outcome=self.outcome, direction=self.direction)

    @property
    def status_label(self) -> str:
        return status_label(self.status) if self.status else ""

    @property
    def target_text(self) -> str:
        return _with_unit(format_value(self.target), self.unit)

    @property
    def outcome_text(self) -> str:
        if self.outcome is None:
            return "–"
        return _with_unit(format_value(self.outcome), self.unit)


def _with_unit(value: str, unit: str) -> str:
    return f"{value} {unit}" if unit else value


@dataclass
class GlobalGoalPage:
    goal: GlobalGoal
    goals: list[LinkedGoal]
    indicators: list[LinkedIndicator]

    @property
    def counts(self) -> Counter[str]:
        return Counter(goal.status for goal in self.goals)

    @property
    def bar(self) -> SafeString:
        return bars.stacked_bar(self.counts, bars.GOAL_SCALE, label=_("Goals"))

    @property
    def swatch(self) -> SafeString:
        return swatch(self.goal.colour)


def global_goal_page(
    plan_year: PlanYear, goal: GlobalGoal, period: Period | None
) -> GlobalGoalPage:
    """The year's goals linked to `goal`, in tree order with their status in
    `period`, and the indicators linked to it with their outcome there: two queries."""
    nodes = Node.objects.for_year(plan_year).filter(global_goal_links__global_goal=goal)
    indicators = Indicator.objects.for_year(plan_year).filter(global_goal_links__global_goal=goal)
    period_id = period.pk if period else None
    nodes = nodes.annotate(
        assessment=FilteredRelation("assessments", condition=Q(assessments__period_id=period_id))
    )
    indicators = indicators.annotate(
        outcome=FilteredRelation("outcomes", condition=Q(outcomes__period_id=period_id))
    )
    return GlobalGoalPage(
        goal=goal,
        goals=[
            LinkedGoal(
                id=row[0],
                title=row[1],
                kind=row[2],
                committee=row[3] or row[4] or "",
                status=row[5] or MISSING,
            )
            for row in nodes.in_tree_order().values_list(
                "id",
                "title",
                "kind",
                "committee__short_name",
                "committee__name",
                "assessment__status",
            )
        ],
        indicators=[
            LinkedIndicator(*row)
            for row in indicators.order_by("node__tree_id", "node__lft", "order", "pk").values_list(
                "id",
                "name",
                "unit",
                "target",
                "node_id",
                "node__title",
                "outcome__value",
                "direction",
            )
        ],
    )


def linked_global_goals(node: Node) -> list[tuple[GlobalGoal, SafeString]]:
    """The global goals `node` is linked to, each with its swatch: one query."""
    return [
        (goal, swatch(goal.colour)) for goal in GlobalGoal.objects.filter(node_links__node=node)
    ]
