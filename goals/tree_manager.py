"""django-mptt's tree manager for the goal tree, with moves that rewrite fewer rows.

django-mptt moves a subtree within its tree with one UPDATE over every row of
the tree, although only the rows between the subtree's old and its new place
change. PostgreSQL writes a new version of every row an UPDATE touches, changed
or not, so moving one goal in a 10,000-node year rewrote 10,000 rows.
`NodeTreeManager` runs the same statement on the rows whose `lft` or `rght`
lies between the two places only. docs/performance.md has the figures.
"""

from __future__ import annotations

from mptt.exceptions import InvalidMove
from mptt.managers import TreeManager
from mptt.signals import node_moved


class NodeTreeManager(TreeManager):
    def move_node(self, node, target, position="last-child", *, fresh: bool = False):
        """django-mptt's `move_node`; with `fresh`, without reading the nodes again.

        django-mptt reads both nodes' tree columns before it moves, in case
        they changed since they were loaded. `goals.services.node_move` reads
        them under the tree lock just before (`fresh=True`), so the re-read
        would only repeat it. The node's row then needs only its new parent
        and time saved: the UPDATE below set its tree columns.
        """
        if not fresh:
            return super().move_node(node, target, position)
        self._move_node(node, target, position=position)
        node.save(update_fields=["parent", "updated_at"])
        node_moved.send(sender=node.__class__, instance=node, target=target, position=position)
        return None

    def _move_child_within_tree(self, node, target, position):
        """Move `node` and its subtree beside or under `target` in the same tree.

        The arithmetic is django-mptt's (`TreeManager._move_child_within_tree`);
        only the WHERE clause is narrower. `goals.services.node_move` checks
        the move first and explains a refusal in Swedish, so the errors here
        are guards against misuse from code.
        """
        left, right, level = node.lft, node.rght, node.level
        width = right - left + 1
        if position in ("first-child", "last-child"):
            if node == target:
                raise InvalidMove("A node may not be made a child of itself.")
            if left < target.lft < right:
                raise InvalidMove("A node may not be made a child of any of its descendants.")
            if position == "last-child":
                if target.rght > right:
                    new_left, new_right = target.rght - width, target.rght - 1
                else:
                    new_left, new_right = target.rght, target.rght + width - 1
            elif target.lft > left:
                new_left, new_right = target.lft - width + 1, target.lft
            else:
                new_left, new_right = target.lft + 1, target.lft + width
            level_change = level - target.level - 1
            parent = target
        elif position in ("left", "right"):
            if node == target:
                raise InvalidMove("A node may not be made a sibling of itself.")
            if left < target.lft < right:
                raise InvalidMove("A node may not be made a sibling of any of its descendants.")
            if position == "left":
                if target.lft > left:
                    new_left, new_right = target.lft - width, target.lft - 1
                else:
                    new_left, new_right = target.lft, target.lft + width - 1
            elif target.rght > right:
                new_left, new_right = target.rght - width + 1, target.rght
            else:
                new_left, new_right = target.rght + 1, target.rght + width
            level_change = level - target.level
            parent = target.parent
        else:
            raise ValueError(f"Unknown position {position!r}")

        # The subtree shifts by `shift`; the rows between its old and new
        # place shift the other way by its width. No other row changes.
        low, high = min(left, new_left), max(right, new_right)
        shift = new_left - left
        gap = -width if shift > 0 else width
        connection = self._get_connection(instance=node)
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {table}
                SET "level" = CASE
                        WHEN "lft" BETWEEN %s AND %s THEN "level" - %s
                        ELSE "level" END,
                    "lft" = CASE
                        WHEN "lft" BETWEEN %s AND %s THEN "lft" + %s
                        WHEN "lft" BETWEEN %s AND %s THEN "lft" + %s
                        ELSE "lft" END,
                    "rght" = CASE
                        WHEN "rght" BETWEEN %s AND %s THEN "rght" + %s
                        WHEN "rght" BETWEEN %s AND %s THEN "rght" + %s
                        ELSE "rght" END
                WHERE "tree_id" = %s
                  AND ("lft" BETWEEN %s AND %s OR "rght" BETWEEN %s AND %s)
                """,
                [
                    left, right, level_change,
                    left, right, shift, low, high, gap,
                    left, right, shift, low, high, gap,
                    node.tree_id,
                    low, high, low, high,
                ],
            )  # fmt: skip
        node.lft, node.rght, node.level = new_left, new_right, level - level_change
        node.parent = parent
        node._mptt_cached_fields["parent"] = parent.pk
