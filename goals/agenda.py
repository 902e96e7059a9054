"""Linking municipal and committee goals to Agenda 2030's global goals.

A goal's links are written under its year's tree lock, so they never race a
copy of the year, a move or a delete of the goal. Each link added or removed
leaves a history record (`NodeGlobalGoal.history`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from goals import rules
from goals.agendamodels import GlobalGoal, NodeGlobalGoal
from goals.locking import tree_lock
from goals.models import Node


def known_numbers(numbers: set[int]) -> set[int]:
    """Those of `numbers` that are global goals; raise ValidationError naming the rest."""
    known = set(GlobalGoal.objects.filter(number__in=numbers).values_list("number", flat=True))
    error = rules.unknown_global_goals_error(numbers - known)
    if error:
        raise ValidationError(error)
    return known


def by(link, user):
    """Name the user in the link's history record; without one, the request's user is named."""
    if user is not None and user.is_authenticated:
        link._history_user = user
    return link


def node_global_goals_set(*, node: Node, numbers: Iterable[int], user=None) -> tuple[int, int]:
    """Link `node` to exactly the global goals numbered `numbers`; return how many
    links were added and removed. A goal of a kind that cannot be linked, or a
    number that is no global goal, raises ValidationError and changes nothing."""
    wanted = set(numbers)
    with transaction.atomic(), tree_lock(node.plan_year_id):
        kind = Node.objects.filter(pk=node.pk).values_list("kind", flat=True).first()
        if kind is None:
            raise Node.DoesNotExist(f"No node with id {node.pk}.")
        error = rules.global_goal_link_error(kind)
        if error:
            raise ValidationError(error)
        known_numbers(wanted)
        links = NodeGlobalGoal.objects.filter(node_id=node.pk)
        current = set(links.values_list("global_goal_id", flat=True))
        for link in links.filter(global_goal_id__in=current - wanted):
            by(link, user).delete()
        for number in sorted(wanted - current):
            by(NodeGlobalGoal(node_id=node.pk, global_goal_id=number), user).save()
    return len(wanted - current), len(current - wanted)
