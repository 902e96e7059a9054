"""Writes and reads of “also supports” links (goals/linkmodels.py).

Every write runs under the year's tree lock, as a tree write does: a link is
judged against its source's place in the tree (its parent, its ancestors),
and that place may only change under the same lock. A move or a change of
committee that would break a link is refused (`links_recheck`): removing the
link silently would lose what someone entered, so the person moving is told
which link stands in the way and removes it first.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from goals import rules
from goals.linkmodels import NodeLink
from goals.locking import tree_lock
from goals.models import Committee, Node


@dataclass(frozen=True)
class LinkedNode:
    """The other end of a link, as a page lists it."""

    id: int
    kind: str
    title: str
    committee_label: str
    parent_id: int | None
    parent_title: str

    @property
    def kind_label(self) -> str:
        return rules.kind_label(self.kind)


def _ancestor_ids(node: Node) -> set[int]:
    return set(
        Node.objects.filter(tree_id=node.tree_id, lft__lt=node.lft, rght__gt=node.rght)
        .order_by()
        .values_list("pk", flat=True)
    )


def _end(node: Node) -> tuple[int, str, int, int | None]:
    return (node.pk, node.kind, node.plan_year_id, node.committee_id)


def link_add(*, source: Node, target_id: int) -> NodeLink:
    """Let `source` also support goal `target_id`, or refuse with a Swedish message."""
    from goals.services import _fresh, _refuse_if_plan_adopted

    with tree_lock(source.plan_year_id):
        (current,) = _fresh(source.pk)
        target = Node.objects.filter(pk=target_id).first()
        if target is None:
            raise ValidationError(rules.missing_goal_error())
        _refuse_if_plan_adopted(current.plan_year_id, current.committee_id)
        linked = set(
            NodeLink.objects.filter(source_id=current.pk).values_list("target_id", flat=True)
        )
        error = rules.link_error(
            source=_end(current),
            target=_end(target),
            parent_id=current.parent_id,
            ancestor_ids=_ancestor_ids(current),
            linked_ids=linked,
        )
        if error:
            raise ValidationError(error)
        return NodeLink.objects.create(
            plan_year_id=current.plan_year_id, source_id=current.pk, target_id=target.pk
        )


def link_remove(*, source: Node, target_id: int) -> bool:
    """`source` no longer also supports `target_id`; False when it did not."""
    from goals.services import _fresh, _refuse_if_plan_adopted

    with tree_lock(source.plan_year_id):
        (current,) = _fresh(source.pk)
        _refuse_if_plan_adopted(current.plan_year_id, current.committee_id)
        link = NodeLink.objects.filter(source_id=current.pk, target_id=target_id).first()
        if link is None:
            return False
        link.delete()  # one at a time, so the history records each
        return True


def links_recheck(node_ids: list[int]) -> None:
    """Judge again every link from or to these nodes after a change to the tree,
    under the lock the caller holds; raise ValidationError (so the caller's
    transaction rolls back) at the first one the change breaks."""
    links = list(
        NodeLink.objects.touching(*node_ids).select_related("source", "target").order_by("pk")
    )
    for link in links:
        source, target = link.source, link.target
        error = rules.link_error(
            source=_end(source),
            target=_end(target),
            parent_id=source.parent_id,
            ancestor_ids={target.pk}
            if target.tree_id == source.tree_id and target.lft < source.lft < target.rght
            else set(),
        )
        if error:
            raise ValidationError(rules.link_broken_error(source.title, target.title, error))


def links_copy(*, source_id: int, target_id: int, user=None) -> int:
    """Copy the source year's links onto the copies of their ends in the target
    year (after its nodes were copied, under both years' locks), with their
    history records; return how many. Two statements, whatever the number."""
    quote = connection.ops.quote_name
    table = quote(NodeLink._meta.db_table)
    node_table = quote(Node._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (plan_year_id, source_id, target_id, created_at)"
            f" SELECT %s, s.id, t.id, %s FROM {table} l"
            f" JOIN {node_table} s ON s.copied_from_id = l.source_id AND s.plan_year_id = %s"
            f" JOIN {node_table} t ON t.copied_from_id = l.target_id AND t.plan_year_id = %s"
            " WHERE l.plan_year_id = %s",
            [target_id, now, target_id, target_id, source_id],
        )
        copied = cursor.rowcount
        history = NodeLink.history.model
        tracked = [quote(field.column) for field in history.tracked_fields]
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(tracked)}, "
            "history_date, history_change_reason, history_type, history_user_id)"
            f" SELECT {', '.join(tracked)}, %s, %s, %s, %s FROM {table}"
            " WHERE plan_year_id = %s",
            [now, "", "+", user.pk if user else None, target_id],
        )
    return copied


# --- reads ---------------------------------------------------------------------


def _listed(rows: list[tuple]) -> list[LinkedNode]:
    return [
        LinkedNode(node_id, kind, title, short_name or name or "", parent_id, parent_title or "")
        for node_id, kind, title, short_name, name, parent_id, parent_title in rows
    ]


def _other_ends(where: str, params: list, end: str) -> list[tuple]:
    """The nodes at `end` ("source" or "target") of the links matching `where`,
    with committee and parent. One query."""
    quote = connection.ops.quote_name
    node_table = quote(Node._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.id, n.kind, n.title, c.short_name, c.name, p.id, p.title"
            f" FROM {quote(NodeLink._meta.db_table)} l"
            f" JOIN {node_table} n ON n.id = l.{end}_id"
            f" LEFT JOIN {quote(Committee._meta.db_table)} c ON c.id = n.committee_id"
            f" LEFT JOIN {node_table} p ON p.id = n.parent_id"
            f" WHERE {where} ORDER BY n.tree_id, n.lft",
            params,
        )
        return cursor.fetchall()


def supported_goals(node: Node) -> list[LinkedNode]:
    """The goals `node` also supports, in tree order. One query."""
    return _listed(_other_ends("l.source_id = %s", [node.pk], "target"))


def supporters(node: Node) -> list[LinkedNode]:
    """The nodes that also support `node`, in tree order. One query."""
    return _listed(_other_ends("l.target_id = %s", [node.pk], "source"))


@dataclass(frozen=True)
class LinkPair:
    source_id: int
    source_title: str
    target_id: int
    target_title: str


def links_going_with(node: Node) -> list[LinkPair]:
    """Every link that a delete of `node` and its subtree would remove, from
    or to any node in it. One query."""
    quote = connection.ops.quote_name
    node_table = quote(Node._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id, s.title, t.id, t.title"
            f" FROM {quote(NodeLink._meta.db_table)} l"
            f" JOIN {node_table} s ON s.id = l.source_id"
            f" JOIN {node_table} t ON t.id = l.target_id"
            f" JOIN {node_table} d ON d.id = %s"  # as it is now, not as the caller read it
            " WHERE l.plan_year_id = d.plan_year_id AND ((s.lft >= d.lft AND s.rght <= d.rght)"
            " OR (t.lft >= d.lft AND t.rght <= d.rght))"
            " ORDER BY s.lft, t.lft",
            [node.pk],
        )
        return [LinkPair(*row) for row in cursor.fetchall()]


def supported_titles(plan_year_id: int) -> dict[int, list[str]]:
    """The titles of the goals each node of the year also supports, by node, in
    tree order: for the exports. One query."""
    titles: dict[int, list[str]] = {}
    for source_id, title in (
        NodeLink.objects.for_year(plan_year_id)
        .order_by("target__lft")
        .values_list("source_id", "target__title")
    ):
        titles.setdefault(source_id, []).append(title)
    return titles


def supported_ids(plan_year_id: int, lft_range: tuple[int, int]) -> dict[int, list[int]]:
    """The ids of the goals each node in a stretch of the year's tree (a range
    of `lft`) also supports, by node: for the open data. One query."""
    ids: dict[int, list[int]] = {}
    for source_id, target_id in (
        NodeLink.objects.filter(plan_year_id=plan_year_id, source__lft__range=lft_range)
        .order_by("source_id", "target_id")
        .values_list("source_id", "target_id")
    ):
        ids.setdefault(source_id, []).append(target_id)
    return ids
