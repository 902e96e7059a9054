"""What lies under a goal: the distribution of its descendants' statuses, and a
status suggested from its children and its indicators.

**Distribution.** For each node, how many of its assessable descendants (goals
and activities at every level below it) have each status in a period, those
without an assessment counted as "not reported". `descendant_counts` does it
for a whole tree in one pass over the rows in tree order, so a page that has
already loaded the tree and the period's statuses needs no further query.

**Suggestion.** The inputs are the goal's children's statuses and its
indicators' statuses in the period. Activities count on the goal scale:
completed as met, in progress as partly met, not started as not met; a
cancelled activity, a goal assessed as "not assessed", anything without an
assessment and an indicator without an outcome are left out. With no inputs
left there is no suggestion. The rule is `settings.GOAL_SUGGESTION_RULE`, with
X = `GOAL_SUGGESTION_MET_PERCENT` and Y = `GOAL_SUGGESTION_PARTLY_PERCENT`:

- ``share_met``: met when at least X % of the inputs are met; otherwise partly
  met when at least Y % are met or partly met; otherwise not met.
- ``threshold``: each input scores met = 1, partly met = ½, not met = 0; met
  when the average score is at least X %, partly met when at least Y %,
  otherwise not met. Unlike ``share_met`` a partly met input counts for half.
- ``weakest_link``: the worst input (not met before partly met before met).

The suggestion is shown beside the assessment a person made and never
replaces it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils.translation import ngettext

from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.indicators import indicator_status
from followup.models import MISSING, STATUS_ORDER, ActivityStatus, Assessment, GoalStatus, Period
from goals.models import ASSESSABLE_KINDS, GOAL_KINDS, Node

SHARE_MET = "share_met"
THRESHOLD = "threshold"
WEAKEST_LINK = "weakest_link"
RULES = (SHARE_MET, THRESHOLD, WEAKEST_LINK)

# An activity's status as it counts towards its goal; missing keys are left out.
AS_GOAL_STATUS = {
    GoalStatus.MET: GoalStatus.MET,
    GoalStatus.PARTLY_MET: GoalStatus.PARTLY_MET,
    GoalStatus.NOT_MET: GoalStatus.NOT_MET,
    ActivityStatus.DONE: GoalStatus.MET,
    ActivityStatus.IN_PROGRESS: GoalStatus.PARTLY_MET,
    ActivityStatus.NOT_STARTED: GoalStatus.NOT_MET,
}
SCORE = {GoalStatus.MET: Decimal(1), GoalStatus.PARTLY_MET: Decimal("0.5"), GoalStatus.NOT_MET: 0}
WORST_FIRST = [GoalStatus.NOT_MET, GoalStatus.PARTLY_MET, GoalStatus.MET]


def suggest_status(statuses: Iterable[str | None], rule: str | None = None) -> str | None:
    """The status suggested by `rule` (the setting by default) from children's and
    indicators' statuses; None when none of them is assessed."""
    counted = [AS_GOAL_STATUS[status] for status in statuses if status in AS_GOAL_STATUS]
    if not counted:
        return None
    rule = rule or settings.GOAL_SUGGESTION_RULE
    met_limit = Decimal(settings.GOAL_SUGGESTION_MET_PERCENT)
    partly_limit = Decimal(settings.GOAL_SUGGESTION_PARTLY_PERCENT)
    total = len(counted)
    if rule == WEAKEST_LINK:
        return next(status for status in WORST_FIRST if status in counted)
    if rule == SHARE_MET:
        met = Decimal(100 * counted.count(GoalStatus.MET)) / total
        if met >= met_limit:
            return GoalStatus.MET
        at_least_partly = Decimal(100 * (total - counted.count(GoalStatus.NOT_MET))) / total
        return GoalStatus.PARTLY_MET if at_least_partly >= partly_limit else GoalStatus.NOT_MET
    if rule == THRESHOLD:
        average = 100 * sum(SCORE[status] for status in counted) / total
        if average >= met_limit:
            return GoalStatus.MET
        return GoalStatus.PARTLY_MET if average >= partly_limit else GoalStatus.NOT_MET
    raise ValueError(f"Unknown goal suggestion rule {rule!r}")


def suggestion_label(status: str | None) -> str:
    return str(GoalStatus(status).label) if status else ""


# --- distribution ------------------------------------------------------------


def descendant_counts(
    levels: Sequence[int], effective: Sequence[str | None]
) -> list[dict[str, int] | None]:
    """For each row of a tree in tree order, its descendants' statuses counted;
    None for a row with no assessable descendant. `levels[i]` is row i's depth
    (0 for the root) and `effective[i]` its status (MISSING when unassessed,
    None when the kind is not assessed).

    One pass from the last row to the first, with an accumulator per level:
    each row is touched a constant number of times, so the cost grows with
    the tree, not with its depth times its size.
    """
    counts: list[dict[str, int] | None] = [None] * len(levels)
    # Walking backwards, acc[k] holds the counts (own status and everything
    # below) of the rows at level k met since the last row above level k: when
    # a row at level k - 1 comes, they are exactly its children's subtrees.
    acc: list[dict[str, int] | None] = [None] * (max(levels, default=0) + 2)
    for index in range(len(levels) - 1, -1, -1):
        level = levels[index]
        below = acc[level + 1]
        if below is not None:
            acc[level + 1] = None
            counts[index] = below
        status = effective[index]
        into = acc[level]
        if into is None:
            if below is None:
                if status is not None:
                    acc[level] = {status: 1}
                continue
            into = acc[level] = below.copy()
        elif below is not None:
            for key, number in below.items():
                into[key] = into.get(key, 0) + number
        if status is not None:
            into[status] = into.get(status, 0) + 1
    return counts


# Each status's phrase with a count, in the plural that fits (“1 met”, “3 met”).
COUNT_TEXTS: dict[str, Callable[[int], str]] = {
    GoalStatus.MET: lambda n: ngettext("%(count)d met", "%(count)d met", n),
    GoalStatus.PARTLY_MET: lambda n: ngettext("%(count)d partly met", "%(count)d partly met", n),
    GoalStatus.NOT_MET: lambda n: ngettext("%(count)d not met", "%(count)d not met", n),
    GoalStatus.NOT_ASSESSED: lambda n: ngettext(
        "%(count)d not assessed", "%(count)d not assessed", n
    ),
    ActivityStatus.DONE: lambda n: ngettext("%(count)d completed", "%(count)d completed", n),
    ActivityStatus.IN_PROGRESS: lambda n: ngettext(
        "%(count)d in progress", "%(count)d in progress", n
    ),
    ActivityStatus.NOT_STARTED: lambda n: ngettext(
        "%(count)d not started", "%(count)d not started", n
    ),
    ActivityStatus.CANCELLED: lambda n: ngettext("%(count)d cancelled", "%(count)d cancelled", n),
    MISSING: lambda n: ngettext("%(count)d not reported", "%(count)d not reported", n),
}


def _count_text(status: str, count: int) -> str:
    return COUNT_TEXTS[status](count) % {"count": count}


class DistributionText:
    """Turns counts into “3 met · 1 partly met · 1 not reported”, remembering each
    text: a big tree repeats the same few distributions many times. `wrap`
    (e.g. escaping into an HTML span) is applied once per distinct text."""

    separator = " · "

    def __init__(self, wrap: Callable[[str], str] | None = None) -> None:
        self._wrap = wrap
        self._phrases: dict[tuple[str, int], str] = {}
        self._texts: dict[tuple, str] = {}

    def __call__(self, counts: dict[str, int] | None) -> str:
        if not counts:
            return ""
        key = tuple(counts.items())
        text = self._texts.get(key)
        if text is None:
            text = self._join(counts)
            if self._wrap is not None:
                text = self._wrap(text)
            self._texts[key] = text
        return text

    def _join(self, counts: dict[str, int]) -> str:
        parts = []
        for status in STATUS_ORDER:
            number = counts.get(status)
            if number:
                key = (status, number)
                phrase = self._phrases.get(key)
                if phrase is None:
                    phrase = self._phrases[key] = _count_text(status, number)
                parts.append(phrase)
        return self.separator.join(parts)


def distribution_items(counts: dict[str, int] | None) -> list[tuple[str, str]]:
    """(status, “3 met”) in the scale's order, for a template."""
    if not counts:
        return []
    return [
        (status, _count_text(status, counts[status]))
        for status in STATUS_ORDER
        if counts.get(status)
    ]


@dataclass
class Suggestion:
    status: str

    @property
    def label(self) -> str:
        return suggestion_label(self.status)


def suggestion_for(statuses: Iterable[str | None]) -> Suggestion | None:
    status = suggest_status(statuses)
    return Suggestion(status) if status else None


def period_suggestions(period: Period) -> dict[int, Suggestion]:
    """The suggested status of every goal of the period's year, by node id.

    Three queries whatever the size of the year: the tree's goals and
    activities with their parents, the period's statuses, and the indicators
    with their outcome in the period.
    """
    nodes = list(
        Node.objects.for_year(period.plan_year_id)
        .of_kind(*ASSESSABLE_KINDS)
        .values_list("id", "parent_id", "kind")
    )
    statuses = Assessment.objects.for_period(period).status_by_node()
    inputs: dict[int, list[str | None]] = {}
    for node_id, parent_id, _kind in nodes:
        if parent_id is not None:
            inputs.setdefault(parent_id, []).append(statuses.get(node_id))
    for node_id, status in indicator_statuses(period).items():
        inputs.setdefault(node_id, []).extend(status)
    goal_ids = {node_id for node_id, _parent, kind in nodes if kind in GOAL_KINDS}
    result = {}
    for node_id, values in inputs.items():
        if node_id in goal_ids:
            suggestion = suggestion_for(values)
            if suggestion:
                result[node_id] = suggestion
    return result


def indicator_statuses(period: Period) -> dict[int, list[str | None]]:
    """The statuses of the indicators of the period's year in it, by goal. One query."""
    outcome = IndicatorOutcome.objects.filter(indicator=OuterRef("pk"), period=period).values(
        "value"
    )[:1]
    result: dict[int, list[str | None]] = {}
    for indicator in (
        Indicator.objects.for_year(period.plan_year_id)
        .annotate(outcome=Subquery(outcome))
        .only("pk", "node_id", "target", "direction")
    ):
        result.setdefault(indicator.node_id, []).append(
            indicator_status(indicator, indicator.outcome)
        )
    return result
