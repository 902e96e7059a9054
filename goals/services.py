"""Writes to the goal tree. Each runs inside `tree_lock` for its plan year.

Views, commands, the admin and tests change the tree only through these
functions: they hold the lock, re-read the tree columns under it (the copy a
caller holds may be stale by the time the lock is granted), validate, and
write.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from mptt.exceptions import InvalidMove
from simple_history.utils import bulk_update_with_history

from goals import rules, sqlrows
from goals.locking import tree_lock
from goals.models import (
    Committee,
    GehRole,
    Node,
    NodeKind,
    PlanYear,
)

MOVE_POSITIONS = ("first-child", "last-child", "left", "right")


class StaleEditError(Exception):
    """Someone else changed the object after the form was opened."""

    def __init__(self, current: object) -> None:
        super().__init__("stale edit")
        self.current = current


def plan_year_create(*, year: int) -> PlanYear:
    plan_year = PlanYear(year=year)
    plan_year.full_clean()
    plan_year.save()
    return plan_year


def _fresh(*node_ids: int) -> list[Node]:
    """Re-read nodes with their tree columns, each with its parent, under the
    lock the caller holds. One query, in SQL (see goals/sqlrows.py)."""
    quote = connection.ops.quote_name
    table = quote(Node._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sqlrows.select_list(Node, 'n')}, {sqlrows.select_list(Node, 'p')}"
            f" FROM {table} n LEFT JOIN {table} p ON p.id = n.parent_id"
            f" WHERE n.id IN ({', '.join(['%s'] * len(node_ids))})",
            list(node_ids),
        )
        found = cursor.fetchall()
    width = sqlrows.width(Node)
    by_id: dict[int, Node] = {}
    for row in found:
        node = sqlrows.instance(Node, row[:width])
        sqlrows.cache_related(node, "parent", sqlrows.instance(Node, row[width:]))
        by_id[node.pk] = node
    if any(node_id not in by_id for node_id in node_ids):
        raise ValidationError(_("The goal no longer exists; someone may have deleted it."))
    return [by_id[node_id] for node_id in node_ids]


# The tree columns are set by django-mptt; the related objects are already in
# hand, so checking that they exist would only cost a query each.
_NOT_VALIDATED = [
    *("lft", "rght", "tree_id", "level"),
    *("plan_year", "parent", "committee", "copied_from"),
]


def _validate_fields(node: Node) -> None:
    node.title = (node.title or "").strip()
    node.description = (node.description or "").strip()
    node.full_clean(exclude=_NOT_VALIDATED, validate_constraints=False)


def node_create(
    *,
    plan_year: PlanYear,
    kind: str,
    title: str,
    parent: Node | None = None,
    description: str = "",
    committee: Committee | None = None,
    position: str = "last-child",
    target: Node | None = None,
) -> Node:
    """Add a node under `parent` (last by default), or beside a sibling `target`.

    A vision is created as the root of the year's tree; its tree id is the
    plan year's id.
    """
    if position not in MOVE_POSITIONS:
        raise ValueError(f"Unknown position {position!r}")
    with tree_lock(plan_year.pk):
        fresh_parent = _fresh(parent.pk)[0] if parent is not None else None
        node = Node(
            plan_year=plan_year,
            kind=kind,
            title=title,
            description=description,
            committee=committee,
            parent=fresh_parent,
        )
        _validate_fields(node)
        if fresh_parent is None:
            node.tree_id = plan_year.pk
            node.lft, node.rght, node.level = 1, 2, 0
            node.save()
            return node
        # Both nodes were read under the lock just now: django-mptt need not
        # read the target's tree columns again (refresh_target).
        if target is not None and position in ("left", "right"):
            (sibling,) = _fresh(target.pk)
            if sibling.parent_id != fresh_parent.pk:
                raise ValidationError(_("The node to place it beside has another parent."))
            node.insert_at(sibling, position, save=False, refresh_target=False)
        else:
            under = position if position in ("first-child", "last-child") else "last-child"
            node.insert_at(fresh_parent, under, save=False, refresh_target=False)
        node.save()
        return node


def node_update(
    *,
    node: Node,
    expected_version: int,
    title: str,
    description: str,
    committee: Committee | None = None,
) -> Node:
    """Change a node's texts (and a committee goal's committee) if nobody else has."""
    with tree_lock(node.plan_year_id):
        (current,) = _fresh(node.pk)
        if current.version != expected_version:
            raise StaleEditError(current)
        current.title = title
        current.description = description
        if current.kind == NodeKind.COMMITTEE_GOAL and committee is not None:
            current.committee = committee
        _validate_fields(current)
        current.version += 1
        current.save()
        if current.kind == NodeKind.COMMITTEE_GOAL:
            # Activities follow their goal to its committee.
            for activity in current.get_children().exclude(committee=current.committee_id):
                activity.committee_id = current.committee_id
                activity.version += 1
                activity.save(update_fields=["committee", "version", "updated_at"])
        return current


def node_move(*, node: Node, target: Node, position: str) -> Node:
    """Move a node (and its subtree) relative to `target` within the same year.

    `first-child`/`last-child` put it under `target`; `left`/`right` beside it,
    which is also how siblings are reordered.
    """
    if position not in MOVE_POSITIONS:
        raise ValueError(f"Unknown position {position!r}")
    with tree_lock(node.plan_year_id):
        current, fresh_target = _fresh(node.pk, target.pk)
        if fresh_target.plan_year_id != current.plan_year_id:
            raise ValidationError(_("A node can only be moved within its own plan year."))
        if fresh_target.tree_id == current.tree_id and (
            current.lft <= fresh_target.lft and fresh_target.rght <= current.rght
        ):
            raise ValidationError(_("A node cannot be moved into itself or its own subtree."))
        new_parent = fresh_target if position.endswith("child") else fresh_target.parent
        error = rules.move_error(
            current.kind,
            current.committee_id,
            new_parent.kind if new_parent is not None else None,
            new_parent.committee_id if new_parent is not None else None,
        )
        if error:
            raise ValidationError(error)
        try:
            current.move_to(fresh_target, position, fresh=True)
        except InvalidMove as error:
            raise ValidationError(str(error)) from None
        # The move set the node's new tree columns and parent on it, and saved
        # the rest: it matches its row without reading it again.
        return current


def node_delete(*, node: Node, expected_version: int | None = None) -> int:
    """Delete a node and its whole subtree; return how many nodes went."""
    with tree_lock(node.plan_year_id):
        (current,) = _fresh(node.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleEditError(current)
        count = current.get_descendant_count() + 1
        current.delete()
        return count


def nodes_geh_roles_set(
    *, plan_year: PlanYear, roles: dict[int, str], versions: dict[int, int], user=None
) -> int:
    """Mark the year's municipal goals as financial goals, operational goals of
    importance for sound financial management, or neither (""); return how many
    changed.

    `versions` are the goals' versions when the form was opened: if any goal
    was changed meanwhile, nothing is saved and StaleEditError carries the
    goal as it now is.
    """
    with tree_lock(plan_year.pk):
        goals = list(
            Node.objects.for_year(plan_year)
            .of_kind(NodeKind.MUNICIPAL_GOAL)
            .filter(pk__in=list(roles))
            .order_by("pk")
        )
        if any(role not in ("", *GehRole.values) for role in roles.values()):
            raise ValidationError(_("Choose what the goal is for sound financial management."))
        if len(goals) != len(roles):
            raise ValidationError(_("The goal no longer exists; someone may have deleted it."))
        for goal in goals:
            if goal.version != versions.get(goal.pk):
                raise StaleEditError(goal)
        changed = [goal for goal in goals if goal.geh_role != roles[goal.pk]]
        for goal in changed:
            goal.geh_role = roles[goal.pk]
            goal.version += 1
            goal.updated_at = timezone.now()
        # Only these columns change: no tree column moves, so no save() is needed.
        bulk_update_with_history(
            changed, Node, ["geh_role", "version", "updated_at"], default_user=user
        )
    return len(changed)


def plan_year_copy(*, source: PlanYear, year: int, user=None) -> PlanYear:
    """Start plan year `year` as a copy of `source`'s tree; the source is untouched.

    The database copies the nodes itself (`_nodes_copy`), keeping each node's
    nested-set position, so the copy has exactly the source's structure and
    sibling order. Each copy remembers its original in `copied_from`, which
    links a goal across the years.
    """
    target = plan_year_create(year=year)
    target.copied_from = source
    target.save(update_fields=["copied_from"])
    with tree_lock(target.pk), tree_lock(source.pk):
        _nodes_copy(source_id=source.pk, target_id=target.pk, user=user)
    return target


def _nodes_copy(*, source_id: int, target_id: int, user=None) -> int:
    """Copy every node of the source year into the target year; return how many.

    One INSERT … SELECT per level, from the root down: a copy's parent is the
    copy of its original's parent, found by `copied_from`. Then one more
    INSERT … SELECT writes each copy's history record, as
    django-simple-history's `bulk_create_with_history` would. Nothing passes
    through Python, so a year of 10,000 nodes takes a fraction of a second.
    """
    quote = connection.ops.quote_name
    table = quote(Node._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # What each column of a copy is: the original's value unless said here.
    own = {
        "id": None,  # a new one
        "plan_year_id": ("%s", target_id),
        "tree_id": ("%s", target_id),
        "parent_id": ("parent_copy.id", None),
        "copied_from_id": ("original.id", None),
        "version": ("%s", 1),
        "updated_at": ("%s", now),
    }
    columns, expressions, params = [], [], []
    for field in Node._meta.concrete_fields:
        value = own.get(field.attname, (f"original.{quote(field.column)}", None))
        if value is None:
            continue
        expression, param = value
        columns.append(quote(field.column))
        expressions.append(expression)
        if expression == "%s":
            params.append(param)
    levels = Node.objects.for_year(source_id).order_by().values_list("level", flat=True)
    copied = 0
    with connection.cursor() as cursor:
        for level in sorted(set(levels)):
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)})"
                f" SELECT {', '.join(expressions)} FROM {table} original"
                f" LEFT JOIN {table} parent_copy ON parent_copy.copied_from_id = original.parent_id"
                " AND parent_copy.plan_year_id = %s"
                " WHERE original.plan_year_id = %s AND original.level = %s",
                [*params, target_id, source_id, level],
            )
            copied += cursor.rowcount
        history = Node.history.model
        tracked = [quote(field.column) for field in history.tracked_fields]
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(tracked)}, "
            "history_date, history_change_reason, history_type, history_user_id)"
            f" SELECT {', '.join(tracked)}, %s, %s, %s, %s FROM {table}"
            " WHERE plan_year_id = %s",
            [now, "", "+", user.pk if user else None, target_id],
        )
    return copied
