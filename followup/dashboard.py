"""The start page's dashboard: how the municipality is doing, in one look.

For the latest period a reader may see (the public: published periods only),
the year's vision and its perspectives, each with its municipal goals as
compact rows: the status, and the trend against the period before and the
same period a year earlier. A goal is followed into the year before through
`copied_from`, the link a new year's copy keeps to the goal it was made from.
Beneath each perspective, how its goals and its activities divide over the
statuses.

Three queries whatever the size of the year: the plan years, the periods the
reader may see, and the year's tree with each node's status in the three
periods (`_rows`), read in tree order from the cursor.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from followup import approvedonly, bars
from followup.models import (
    MISSING,
    WITHHELD,
    Assessment,
    GoalStatus,
    Period,
    default_period,
    status_label,
)
from goals.models import GOAL_KINDS, Node, NodeKind, PlanYear

BETTER, SAME, WORSE = "better", "same", "worse"
TREND_TEXTS = {
    BETTER: gettext_lazy("better than %(period)s"),
    SAME: gettext_lazy("same as %(period)s"),
    WORSE: gettext_lazy("worse than %(period)s"),
}
# Goal statuses that can be compared; "not assessed" and "not reported" cannot.
_RANK = {GoalStatus.NOT_MET: 0, GoalStatus.PARTLY_MET: 1, GoalStatus.MET: 2}


def trend(now: str | None, before: str | None) -> str | None:
    """Better, the same or worse than before; None when either cannot be compared."""
    if now not in _RANK or before not in _RANK:
        return None
    difference = _RANK[now] - _RANK[before]
    return BETTER if difference > 0 else WORSE if difference < 0 else SAME


@dataclass
class GoalRow:
    id: int
    title: str
    status: str | None  # None: no period to show
    previous_status: str | None
    last_year_status: str | None
    trend_texts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return status_label(self.status) if self.status else ""

    def trends(self, previous: Period | None, last_year: Period | None) -> list[tuple[str, str]]:
        """(trend, text) against the period before and a year before, where comparable."""
        made = []
        for before, period in (
            (self.previous_status, previous),
            (self.last_year_status, last_year),
        ):
            direction = trend(self.status, before)
            if direction and period is not None:
                made.append(
                    (direction, str(TREND_TEXTS[direction]) % {"period": period.display_title})
                )
        return made


@dataclass
class PerspectiveCard:
    id: int
    title: str
    direction: str = ""  # the direction goal's title
    goals: list[GoalRow] = field(default_factory=list)
    goal_counts: Counter[str] = field(default_factory=Counter)
    activity_counts: Counter[str] = field(default_factory=Counter)

    @property
    def goal_bar(self) -> SafeString:
        return bars.goal_bar(self.goal_counts)

    @property
    def activity_bar(self) -> SafeString:
        return bars.activity_bar(self.activity_counts)


@dataclass
class Dashboard:
    plan_year: PlanYear | None
    period: Period | None
    previous_period: Period | None
    last_year_period: Period | None
    vision: str = ""
    perspectives: list[PerspectiveCard] = field(default_factory=list)

    @property
    def municipal_goal_count(self) -> int:
        return sum(len(card.goals) for card in self.perspectives)


def dashboard_for(
    user,
    plan_years: list[PlanYear],
    today: datetime.date | None = None,
    *,
    featured: PlanYear | None = None,
) -> Dashboard:
    """The dashboard for `user`, from the plan years newest first (already read
    by the page): of the `featured` year when the user may see a period of it
    (the year whose follow-up is under way or was published last), else of
    the newest year with a period the user may see."""
    today = today or datetime.date.today()
    periods = list(Period.objects.visible_to(user).select_related("plan_year"))
    by_year: dict[int, list[Period]] = {}
    for period in periods:  # ordered by plan year, then cut-off
        by_year.setdefault(period.plan_year_id, []).append(period)
    plan_year = next(
        (
            year
            for year in ([featured] if featured is not None else []) + plan_years
            if year.pk in by_year
        ),
        None,
    )
    if plan_year is None:
        plan_year = plan_years[0] if plan_years else None
    if plan_year is None:
        return Dashboard(None, None, None, None)
    year_periods = by_year.get(plan_year.pk, [])
    period = default_period(year_periods, today)
    previous_period = last_year_period = None
    earlier_year = _earlier_year(plan_year, plan_years)
    earlier_periods = by_year.get(earlier_year.pk, []) if earlier_year else []
    if period is not None:
        index = year_periods.index(period)
        previous_period = year_periods[index - 1] if index else None
        if previous_period is None and earlier_periods:
            previous_period = earlier_periods[-1]
        last_year_period = next(
            (earlier for earlier in earlier_periods if earlier.kind == period.kind), None
        )
    dashboard = Dashboard(plan_year, period, previous_period, last_year_period)
    rows = _rows(plan_year, period, previous_period, last_year_period)
    withheld = approvedonly.withheld_for(user, [period])
    period_id = getattr(period, "pk", None)
    rows = approvedonly.mask_rows(
        rows, withheld, period_id, committee=_COMMITTEE, masked={_STATUS: WITHHELD}
    )
    _fill(dashboard, rows)
    for card in dashboard.perspectives:
        for goal in card.goals:
            goal.trend_texts = goal.trends(previous_period, last_year_period)
    return dashboard


def _earlier_year(plan_year: PlanYear, plan_years: list[PlanYear]) -> PlanYear | None:
    """The year `plan_year` was copied from, or else the one before it."""
    by_pk = {year.pk: year for year in plan_years}
    if plan_year.copied_from_id in by_pk:
        return by_pk[plan_year.copied_from_id]
    return next((year for year in plan_years if year.year == plan_year.year - 1), None)


# Positions in a row of `_rows`.
_ID, _LEVEL, _KIND, _TITLE, _STATUS, _PREVIOUS, _LAST_YEAR, _COMMITTEE = range(8)


def _rows(
    plan_year: PlanYear,
    period: Period | None,
    previous: Period | None,
    last_year: Period | None,
) -> list[tuple]:
    """The year's nodes in tree order with each one's status in the period, the
    period before, and (through `copied_from`) the same period a year earlier."""
    quote = connection.ops.quote_name
    nodes = quote(Node._meta.db_table)
    assessments = quote(Assessment._meta.db_table)
    sql = (
        "SELECT n.id, n.level, n.kind, n.title, a.status, b.status, c.status, n.committee_id"
        f" FROM {nodes} n"
        f" LEFT JOIN {assessments} a ON a.node_id = n.id AND a.period_id = %s"
        f" LEFT JOIN {assessments} b ON b.node_id = n.id AND b.period_id = %s"
        f" LEFT JOIN {assessments} c ON c.node_id = n.copied_from_id AND c.period_id = %s"
        " WHERE n.tree_id = %s ORDER BY n.lft"
    )
    # The period before may lie in the year before: then the node's copy is read.
    previous_in_year = previous is not None and previous.plan_year_id == plan_year.pk
    if previous is not None and not previous_in_year:
        sql = sql.replace("b.node_id = n.id", "b.node_id = n.copied_from_id")
    ids = [getattr(item, "pk", None) for item in (period, previous, last_year)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, plan_year.pk])
        return cursor.fetchall()


def _fill(dashboard: Dashboard, rows: list[tuple]) -> None:
    """The vision, the perspectives and their goals from the rows, in one pass."""
    with_status = dashboard.period is not None
    card: PerspectiveCard | None = None
    for row in rows:
        kind = row[_KIND]
        if kind == NodeKind.VISION:
            dashboard.vision = row[_TITLE]
        elif kind == NodeKind.PERSPECTIVE:
            card = PerspectiveCard(id=row[_ID], title=row[_TITLE])
            dashboard.perspectives.append(card)
        elif card is None:
            continue
        elif kind == NodeKind.DIRECTION_GOAL:
            card.direction = row[_TITLE]
        if card is None or kind == NodeKind.PERSPECTIVE:
            continue
        status = (row[_STATUS] or MISSING) if with_status else None
        if kind == NodeKind.MUNICIPAL_GOAL:
            card.goals.append(
                GoalRow(
                    id=row[_ID],
                    title=row[_TITLE],
                    status=status,
                    previous_status=row[_PREVIOUS],
                    last_year_status=row[_LAST_YEAR],
                )
            )
        if not with_status:
            continue
        if kind in GOAL_KINDS:
            card.goal_counts[status] += 1
        elif kind == NodeKind.ACTIVITY:
            card.activity_counts[status] += 1
