"""The node page's reads: a goal with its ancestors, children, periods,
assessments and indicators, gathered into one `NodePage`.

The reads are written in SQL, each joining what the ORM would fetch in two
queries: a goal's page is many small reads, and building each through the ORM
cost more than running it (docs/performance.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from followup import approvedonly, counts, indicators, rollup, trends
from followup.comparisons import Comparison, comparisons_for
from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.linkpage import NodeLinks, node_links
from followup.models import WITHHELD, Assessment, Period, default_period
from goals import permissions, sqlrows
from goals.models import ASSESSABLE_KINDS, Committee, Node
from goals.rows import ListedNode
from goals.rules import INDICATOR_KINDS


@dataclass
class NodePage:
    node: Node
    ancestors: list[Node]
    # The periods of the node's year the reader may see, in order, and the one shown.
    periods: list[Period]
    period: Period | None
    children: list[ListedNode]
    # The children's statuses in the period shown, by child.
    current_statuses: dict[int, str]
    # (period, the node's assessment or None, the suggested status or None) per period.
    period_assessments: list[tuple]
    indicator_table: list[indicators.IndicatorRow]
    # Kolada's figures beside the indicators that have a KPI, in the indicators' order.
    comparisons: list[Comparison]
    # Each indicator's outcomes over the periods of this year and the years before.
    indicator_trends: list
    # Status counts of everything under the node in the period shown.
    distribution: list[tuple[str, str]]
    # What the node also supports and what also supports it (followup/linkpage.py).
    links: NodeLinks
    # The periods whose assessment of the node is withheld from the reader
    # until its committee approves it (followup/approvedonly.py).
    withheld_period_ids: frozenset[int] = frozenset()


def node_page(pk: int, user) -> NodePage:
    """Everything the node page shows of node `pk` to `user`, in six queries at
    most. Raises Node.DoesNotExist when there is no such node."""
    node, ancestors = Node.objects.with_ancestors(pk)
    periods, assessments = periods_and_assessments(node, user)
    period = default_period(periods, timezone.localdate())
    withheld = approvedonly.withheld_for(user, periods)
    hidden_periods = withheld.periods_hiding(node.committee_id)
    # The children, and their statuses in every period: their badges, and the suggestions.
    children, child_statuses = children_with_statuses(node, periods, withheld)
    indicator_table, comparisons, indicator_trends = [], {}, []
    if node.kind in INDICATOR_KINDS:
        node_indicators, outcomes = indicators_and_outcomes(node, periods)
        indicator_table = indicators.indicator_rows(node_indicators, periods, outcomes)
        comparisons = comparisons_for(node_indicators, node.plan_year.year)
        indicator_trends = trends.indicator_trends(node_indicators, user)
    period_assessments = []
    if node.kind in ASSESSABLE_KINDS:
        for index, each in enumerate(periods):
            suggestion = None
            if node.is_goal:
                inputs = [child_statuses.get(each.pk, {}).get(child.id) for child in children]
                inputs += [row.cells[index].status for row in indicator_table]
                suggestion = rollup.suggestion_for(inputs) if WITHHELD not in inputs else None
            if each.pk in hidden_periods:
                period_assessments.append((each, None, None))
                continue
            period_assessments.append((each, assessments.get(each.pk), suggestion))
    return NodePage(
        node=node,
        ancestors=ancestors,
        periods=periods,
        period=period,
        children=children,
        current_statuses=child_statuses.get(period.pk, {}) if period else {},
        period_assessments=period_assessments,
        indicator_table=indicator_table,
        indicator_trends=indicator_trends,
        comparisons=[
            comparisons[row.indicator.pk]
            for row in indicator_table
            if row.indicator.pk in comparisons
        ],
        distribution=rollup.distribution_items(
            counts.read(node.pk, period.pk)
            if period and not node.is_leaf_node() and _counts_shown(withheld, period, node)
            else {}
        ),
        withheld_period_ids=hidden_periods,
        links=node_links(node, period),
    )


def _counts_shown(withheld: approvedonly.Withheld, period: Period, node: Node) -> bool:
    """A node's roll-up counts a whole subtree's statuses: where some committee's
    are withheld in the period, only a shown committee's goal has its counts."""
    if not withheld.restricts(period.pk):
        return True
    return node.committee_id is not None and not withheld.hides(period.pk, node.committee_id)


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _placeholders(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def children_with_statuses(
    node: Node,
    periods: list[Period],
    withheld: approvedonly.Withheld = approvedonly.NOTHING_WITHHELD,
) -> tuple[list[ListedNode], dict[int, dict[int, str]]]:
    """The node's children in order, and their statuses by period and child. One query:
    each child joined to its assessments in the periods, a row per assessment,
    written out in SQL (the ORM's join took longer to build than to run); none
    for a leaf."""
    if node.is_leaf_node():
        return [], {}
    quote = connection.ops.quote_name
    period_ids = [each.pk for each in periods] or [None]
    rows = _rows(
        "SELECT n.id, n.kind, n.title, c.short_name, c.name, a.period_id, a.status, n.committee_id"
        f" FROM {quote(Node._meta.db_table)} n"
        f" LEFT JOIN {quote(Committee._meta.db_table)} c ON c.id = n.committee_id"
        f" LEFT JOIN {quote(Assessment._meta.db_table)} a ON a.node_id = n.id"
        f" AND a.period_id IN ({_placeholders(period_ids)})"
        " WHERE n.parent_id = %s ORDER BY n.lft",
        [*period_ids, node.pk],
    )
    children: list[ListedNode] = []
    statuses: dict[int, dict[int, str]] = {}
    committee_of: dict[int, int | None] = {}
    last = None
    for node_id, kind, title, short_name, name, period_id, status, committee_id in rows:
        if node_id != last:  # a child's rows come together, in tree order
            children.append(ListedNode(node_id, kind, title, short_name or name or ""))
            committee_of[node_id] = committee_id
            last = node_id
        if period_id is not None:
            statuses.setdefault(period_id, {})[node_id] = status
    return children, approvedonly.mask_statuses(statuses, committee_of, withheld)


def periods_and_assessments(node: Node, user) -> tuple[list[Period], dict[int, Assessment]]:
    """The periods of the node's year the user may see, in order, and the node's
    assessment in each (with who saved it) by period. One query."""
    quote = connection.ops.quote_name
    User = get_user_model()
    unpublished = "" if permissions.can_see_unpublished(user) else " AND p.published_at IS NOT NULL"
    found = _rows(
        f"SELECT {sqlrows.select_list(Period, 'p')}, {sqlrows.select_list(Assessment, 'a')},"
        " u.id, u.username, u.first_name, u.last_name"
        f" FROM {quote(Period._meta.db_table)} p"
        f" LEFT JOIN {quote(Assessment._meta.db_table)} a ON a.period_id = p.id AND a.node_id = %s"
        f" LEFT JOIN {quote(User._meta.db_table)} u ON u.id = a.updated_by_id"
        f" WHERE p.plan_year_id = %s{unpublished}"
        " ORDER BY p.cutoff_date, p.id",  # Period's ordering within a year
        [node.pk, node.plan_year_id],
    )
    period_end = sqlrows.width(Period)
    assessment_end = period_end + sqlrows.width(Assessment)
    periods: list[Period] = []
    assessments: dict[int, Assessment] = {}
    for row in found:
        period = sqlrows.instance(Period, row[:period_end])
        sqlrows.cache_related(period, "plan_year", node.plan_year)
        periods.append(period)
        assessment = sqlrows.instance(Assessment, row[period_end:assessment_end])
        if assessment is not None:
            sqlrows.cache_related(assessment, "node", node)
            sqlrows.cache_related(assessment, "period", period)
            user_id, username, first_name, last_name = row[assessment_end:]
            sqlrows.cache_related(
                assessment,
                "updated_by",
                User.from_db(
                    connection.alias,
                    ["id", "username", "first_name", "last_name"],
                    [user_id, username, first_name, last_name],
                )
                if user_id is not None
                else None,
            )
            assessments[period.pk] = assessment
    return periods, assessments


def indicators_and_outcomes(
    node: Node, periods: list[Period]
) -> tuple[list[Indicator], list[IndicatorOutcome]]:
    """The node's indicators in order, and their outcomes in the periods. One query."""
    quote = connection.ops.quote_name
    period_ids = [each.pk for each in periods] or [None]
    found = _rows(
        f"SELECT {sqlrows.select_list(Indicator, 'i')},"
        f" {sqlrows.select_list(IndicatorOutcome, 'o')}"
        f" FROM {quote(Indicator._meta.db_table)} i"
        f" LEFT JOIN {quote(IndicatorOutcome._meta.db_table)} o ON o.indicator_id = i.id"
        f" AND o.period_id IN ({_placeholders(period_ids)})"
        f" WHERE i.node_id = %s ORDER BY i.{quote('order')}, i.id",  # Indicator's ordering
        [*period_ids, node.pk],
    )
    indicator_end = sqlrows.width(Indicator)
    node_indicators: list[Indicator] = []
    outcomes: list[IndicatorOutcome] = []
    for row in found:
        # An indicator's rows come together; its primary key is its first column.
        if not node_indicators or node_indicators[-1].pk != row[0]:
            indicator = sqlrows.instance(Indicator, row[:indicator_end])
            sqlrows.cache_related(indicator, "node", node)
            node_indicators.append(indicator)
        outcome = sqlrows.instance(IndicatorOutcome, row[indicator_end:])
        if outcome is not None:
            sqlrows.cache_related(outcome, "indicator", node_indicators[-1])
            outcomes.append(outcome)
    return node_indicators, outcomes
