"""A node page's “also supports” links: the goals the node also supports, the
nodes that also support it, each with its status in the period shown, and the
roll-up of those supporters, kept apart from the roll-up of the node's own
descendants (docs/linking.md)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import connection

from followup import rollup
from followup.models import MISSING, Assessment, Period, status_label
from goals.linkmodels import NodeLink
from goals.links import LinkedNode
from goals.models import ASSESSABLE_KINDS, Committee, Node


@dataclass
class NodeLinks:
    # (the other end, its status in the period shown, the status's label) in tree order.
    supports: list[tuple[LinkedNode, str | None, str]] = field(default_factory=list)
    supported_by: list[tuple[LinkedNode, str | None, str]] = field(default_factory=list)

    @property
    def distribution(self) -> list[tuple[str, str]]:
        """The statuses of what supports the node through links, counted as the
        roll-up of its descendants is, but apart from it."""
        statuses = Counter(status for _node, status, _label in self.supported_by if status)
        return rollup.distribution_items(statuses)


def node_links(node: Node, period: Period | None) -> NodeLinks:
    """Both directions of the node's links with the other ends' statuses. One query."""
    quote = connection.ops.quote_name
    node_table = quote(Node._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.source_id, n.id, n.kind, n.title, c.short_name, c.name, p.id, p.title,"
            " a.status"
            f" FROM {quote(NodeLink._meta.db_table)} l"
            f" JOIN {node_table} n ON n.id = CASE WHEN l.source_id = %s"
            " THEN l.target_id ELSE l.source_id END"
            f" LEFT JOIN {quote(Committee._meta.db_table)} c ON c.id = n.committee_id"
            f" LEFT JOIN {node_table} p ON p.id = n.parent_id"
            f" LEFT JOIN {quote(Assessment._meta.db_table)} a"
            " ON a.node_id = n.id AND a.period_id = %s"
            " WHERE l.source_id = %s OR l.target_id = %s ORDER BY n.lft",
            [node.pk, period.pk if period else None, node.pk, node.pk],
        )
        rows = cursor.fetchall()
    found = NodeLinks()
    for source_id, other_id, kind, title, short_name, name, parent_id, parent_title, status in rows:
        other_node = LinkedNode(
            other_id, kind, title, short_name or name or "", parent_id, parent_title or ""
        )
        status = (status or MISSING) if other_node.kind in ASSESSABLE_KINDS else None
        side = found.supports if source_id == node.pk else found.supported_by
        side.append((other_node, status, status_label(status) if status else ""))
    return found
