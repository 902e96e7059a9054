"""Agenda 2030's links beyond the tree: an indicator's global goals, the links
copied with a plan year, the goals linked to one global goal for the röd
tråd's filter, and each node's and indicator's global goals for the open data."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from followup.indicatormodels import Indicator, IndicatorGlobalGoal
from goals.agenda import by, known_numbers
from goals.agendamodels import NodeGlobalGoal
from goals.models import Node, PlanYear


def indicator_global_goals_set(
    *, indicator: Indicator, numbers: Iterable[int], user=None
) -> tuple[int, int]:
    """Link `indicator` to exactly the global goals numbered `numbers`; return how
    many links were added and removed. A number that is no global goal raises
    ValidationError and changes nothing; a deleted indicator, DoesNotExist."""
    wanted = set(numbers)
    with transaction.atomic():
        if not Indicator.objects.select_for_update().filter(pk=indicator.pk).exists():
            raise Indicator.DoesNotExist(f"No indicator with id {indicator.pk}.")
        known_numbers(wanted)
        links = IndicatorGlobalGoal.objects.filter(indicator_id=indicator.pk)
        current = set(links.values_list("global_goal_id", flat=True))
        for link in links.filter(global_goal_id__in=current - wanted):
            by(link, user).delete()
        for number in sorted(wanted - current):
            by(IndicatorGlobalGoal(indicator_id=indicator.pk, global_goal_id=number), user).save()
    return len(wanted - current), len(current - wanted)


def global_goals_copy(*, source: PlanYear, target: PlanYear, user=None) -> int:
    """Copy the links of `source`'s goals and indicators to their copies in
    `target` (found by `copied_from`); return how many. Four queries and two bulk
    inserts with their history records."""
    node_copies = dict(
        Node.objects.for_year(target)
        .filter(copied_from__isnull=False)
        .values_list("copied_from_id", "pk")
    )
    node_links = [
        NodeGlobalGoal(node_id=node_copies[node_id], global_goal_id=number)
        for node_id, number in NodeGlobalGoal.objects.filter(node__plan_year=source)
        .order_by("pk")
        .values_list("node_id", "global_goal_id")
        if node_id in node_copies
    ]
    indicator_copies = dict(
        Indicator.objects.for_year(target)
        .filter(copied_from__isnull=False)
        .values_list("copied_from_id", "pk")
    )
    indicator_links = [
        IndicatorGlobalGoal(indicator_id=indicator_copies[indicator_id], global_goal_id=number)
        for indicator_id, number in IndicatorGlobalGoal.objects.filter(
            indicator__node__plan_year=source
        )
        .order_by("pk")
        .values_list("indicator_id", "global_goal_id")
        if indicator_id in indicator_copies
    ]
    for links, model in ((node_links, NodeGlobalGoal), (indicator_links, IndicatorGlobalGoal)):
        if links:
            bulk_create_with_history(links, model, batch_size=1000, default_user=user)
    return len(node_links) + len(indicator_links)


def linked_node_ids(plan_year: PlanYear | int, number: int) -> frozenset[int]:
    """The ids of the year's goals linked to global goal `number`: one query."""
    return frozenset(
        NodeGlobalGoal.objects.filter(node__plan_year=plan_year, global_goal_id=number).values_list(
            "node_id", flat=True
        )
    )


def with_global_goal(filters, plan_year: PlanYear):
    """The röd tråd's filters with the goals linked to the chosen global goal
    (one query when one is chosen, none otherwise)."""
    if not filters.global_goal:
        return filters
    return dataclasses.replace(
        filters, global_goal_nodes=linked_node_ids(plan_year, filters.global_goal)
    )


def node_numbers(plan_year: PlanYear, lft_range: tuple[int, int]) -> dict[int, list[int]]:
    """The global goal numbers of the year's nodes in a stretch of the tree, by node
    id: one query."""
    links = NodeGlobalGoal.objects.filter(node__plan_year=plan_year, node__lft__range=lft_range)
    return _numbers(links, "node_id")


def indicator_numbers(plan_year: PlanYear, lft_range: tuple[int, int]) -> dict[int, list[int]]:
    """The global goal numbers of the indicators of the year's nodes in a stretch
    of the tree, by indicator id: one query."""
    links = IndicatorGlobalGoal.objects.filter(
        indicator__node__plan_year=plan_year, indicator__node__lft__range=lft_range
    )
    return _numbers(links, "indicator_id")


def _numbers(links, key: str) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for owner, number in links.order_by(key, "global_goal_id").values_list(key, "global_goal_id"):
        found.setdefault(owner, []).append(number)
    return found
