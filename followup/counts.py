"""The roll-up counts kept in the database (`SubtreeCount`): for each node and
period, how many of its descendants have each status.

A goal high in the tree has tens of thousands of descendants in a large
municipality's year; counting their statuses on every request took 25–80 ms.
Instead, every write that changes a count changes it here, in the same
transaction and under the year's tree lock, by the difference it makes:

- an assessment saved or deleted: its old status one less and its new one
  more, for each of the node's ancestors (`statuses_changed`);
- a node placed (created, or moved to a new parent): its subtree's counts,
  its own status included, added to each new ancestor; a node leaving its
  place (moved away or deleted) takes them from each old ancestor
  (`subtree_attached`, `subtree_detaching`, sent by `goals.models.Node`);
- a period added: its counts made from the tree (`rebuild`);
- writes in bulk that bypass the model (an imported year, the demo, the
  benchmark's synthetic years): `rebuild` for the year afterwards.

Nothing is kept that the database cannot recount: `problems` compares the
counts with a fresh count from the parent links and the assessments, and
`manage.py check_counts` reports (and with `--repair` rebuilds) any year
whose counts differ. The test suite runs that comparison after every test.

The counts follow the parent links, as the node page's breadcrumbs do; they
never read django-mptt's nested-set columns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from followup.models import MISSING, Assessment, Period, SubtreeCount
from goals.locking import tree_lock
from goals.models import ASSESSABLE_KINDS, KIND_ORDER, Node

# (node id, period id, status) -> how many to add (negative: to take away).
Deltas = dict[tuple[int, int, str], int]

# A node's ancestors lie at most this many levels above it.
_DEPTH = len(KIND_ORDER) - 1


def read(node_id: int, period_id: int) -> dict[str, int]:
    """A node's descendants' statuses in a period, counted. One query, written
    out: on a goal's page the ORM took longer to build it than to run it."""
    table = connection.ops.quote_name(SubtreeCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status, number FROM {table}"
            " WHERE node_id = %s AND period_id = %s AND number > 0",
            [node_id, period_id],
        )
        return dict(cursor.fetchall())


# --- changes ------------------------------------------------------------------


def statuses_changed(
    plan_year_id: int, period_id: int, changes: Iterable[tuple[int, str, str]]
) -> None:
    """Record that nodes' statuses in a period changed: (node id, old, new) each,
    MISSING for no assessment. Two queries at most, whatever the number."""
    changes = [change for change in changes if change[1] != change[2]]
    if not changes:
        return
    with tree_lock(plan_year_id):
        ancestors = _ancestors([node_id for node_id, _old, _new in changes])
        deltas: Deltas = defaultdict(int)
        for node_id, old, new in changes:
            for ancestor in ancestors[node_id]:
                deltas[ancestor, period_id, old] -= 1
                deltas[ancestor, period_id, new] += 1
        _add(deltas)


def subtree_detaching(*, node: Node, moving: bool = False, **_kwargs) -> None:
    """The node leaves its place: its ancestors lose its subtree's counts.

    When it is moving, what they lose is kept on the node until it is placed
    again (`subtree_attached`), and both are written in one statement.
    """
    if node.pk is None:
        return
    with tree_lock(node.plan_year_id):
        totals = _subtree_totals(node)
        deltas = _spread(totals, _ancestors([node.pk]).get(node.pk, []), sign=-1)
        if moving:
            node._counts_leaving = (totals, deltas)
        else:
            _add(deltas)


def subtree_attached(*, node: Node, created: bool = False, moving: bool = False, **_kwargs) -> None:
    """The node has been placed: its new ancestors gain its subtree's counts.

    A node just created has no descendants and no assessment: it counts as not
    reported in every period, if it is assessed at all.
    """
    if node.parent_id is None:
        return  # a vision has no ancestors
    with tree_lock(node.plan_year_id):
        leaving = node.__dict__.pop("_counts_leaving", None) if moving else None
        if leaving is not None:
            totals, deltas = leaving
        elif created:
            totals = (
                {(period_id, MISSING): 1 for period_id in _period_ids(node.plan_year_id)}
                if node.kind in ASSESSABLE_KINDS
                else {}
            )
            deltas = {}
        else:
            totals, deltas = _subtree_totals(node), {}
        if totals:
            ancestors = _ancestors([node.pk])[node.pk]
            for key, number in _spread(totals, ancestors, sign=1).items():
                deltas[key] = deltas.get(key, 0) + number
        _add(deltas)


def period_saved(*, instance: Period, created: bool, raw: bool = False, **_kwargs) -> None:
    """A new period starts with every goal and activity not reported."""
    if created and not raw:
        rebuild(instance.plan_year_id, [instance.pk])


def _spread(totals: dict[tuple[int, str], int], ancestors: list[int], *, sign: int) -> Deltas:
    """The subtree's totals added to (sign 1) or taken from (-1) each ancestor."""
    return {
        (ancestor, period_id, status): sign * number
        for ancestor in ancestors
        for (period_id, status), number in totals.items()
    }


def _period_ids(plan_year_id: int) -> list[int]:
    table = connection.ops.quote_name(Period._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE plan_year_id = %s", [plan_year_id])
        return [period_id for (period_id,) in cursor.fetchall()]


def _subtree_totals(node: Node) -> dict[tuple[int, str], int]:
    """(period id, status) -> how many of the node and its descendants have it,
    in each of its year's periods. One query: the node's own counts, and its
    own status in each period."""
    quote = connection.ops.quote_name
    sql = (
        f"SELECT period_id, status, number FROM {quote(SubtreeCount._meta.db_table)}"
        " WHERE node_id = %s AND number <> 0"
    )
    params: list = [node.pk]
    if node.kind in ASSESSABLE_KINDS:
        sql += (
            f" UNION ALL SELECT p.id, COALESCE(a.status, %s), 1"
            f" FROM {quote(Period._meta.db_table)} p"
            f" LEFT JOIN {quote(Assessment._meta.db_table)} a"
            " ON a.period_id = p.id AND a.node_id = %s WHERE p.plan_year_id = %s"
        )
        params += [MISSING, node.pk, node.plan_year_id]
    totals: dict[tuple[int, str], int] = defaultdict(int)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for period_id, status, number in cursor.fetchall():
            totals[period_id, status] += number
    return totals


def _ancestors(node_ids: list[int]) -> dict[int, list[int]]:
    """Each node's ancestors, parent first. One query: a chain of joins on the
    parent, one per level a node can have above it."""
    table = connection.ops.quote_name(Node._meta.db_table)
    columns = ["n.id", "n.parent_id"] + [f"a{step}.parent_id" for step in range(1, _DEPTH)]
    joins = "".join(
        f" LEFT JOIN {table} a{step} ON a{step}.id = "
        + ("n.parent_id" if step == 1 else f"a{step - 1}.parent_id")
        for step in range(1, _DEPTH)
    )
    result: dict[int, list[int]] = {}
    for batch in _batches(sorted(set(node_ids)), columns=1):
        placeholders = ", ".join(["%s"] * len(batch))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(columns)} FROM {table} n{joins} WHERE n.id IN ({placeholders})",
                batch,
            )
            for node_id, *chain in cursor.fetchall():
                result[node_id] = [ancestor for ancestor in chain if ancestor is not None]
    return result


def _add(deltas: Deltas) -> None:
    """Add each delta to its count, creating the count where there is none.

    One statement (INSERT … ON CONFLICT DO UPDATE, which PostgreSQL and SQLite
    both have), its rows in key order: two transactions adding to the same
    counts lock them in the same order and so never deadlock.
    """
    rows = sorted((key, number) for key, number in deltas.items() if number)
    if not rows:
        return
    table = connection.ops.quote_name(SubtreeCount._meta.db_table)
    for batch in _batches(rows, columns=4):
        values = ", ".join(["(%s, %s, %s, %s)"] * len(batch))
        params = [
            value
            for (node_id, period_id, status), number in batch
            for value in (node_id, period_id, status, number)
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (node_id, period_id, status, number) VALUES {values} "
                "ON CONFLICT (node_id, period_id, status) "
                f"DO UPDATE SET number = {table}.number + excluded.number",
                params,
            )


def _batches(items: list, *, columns: int) -> Iterable[list]:
    """`items` in lists small enough for one statement's parameters."""
    limit = connection.features.max_query_params
    size = max(1, len(items) if limit is None else limit // columns)
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- counting from scratch ----------------------------------------------------


def counted(plan_year_id: int, period_ids: list[int] | None = None) -> Deltas:
    """Every count of the year (or of the given periods), made afresh from the
    parent links and the assessments. Three queries."""
    if period_ids is None:
        period_ids = _period_ids(plan_year_id)
    if not period_ids:
        return {}
    nodes = list(
        Node.objects.filter(plan_year_id=plan_year_id)
        .order_by()
        .values_list("id", "parent_id", "kind")
    )
    statuses: dict[int, dict[int, str]] = defaultdict(dict)
    for period_id, node_id, status in (
        Assessment.objects.filter(period_id__in=period_ids, node__plan_year_id=plan_year_id)
        .order_by()
        .values_list("period_id", "node_id", "status")
    ):
        statuses[period_id][node_id] = status
    # Each kind sits under the kind before it: deepest kinds first means every
    # node's subtree is complete when it is added to its parent.
    depth = {kind: index for index, kind in enumerate(KIND_ORDER)}
    nodes.sort(key=lambda node: -depth.get(node[2], 0))
    known = {node_id for node_id, _parent, _kind in nodes}
    result: Deltas = {}
    for period_id in period_ids:
        own = statuses[period_id]
        below: dict[int, dict[str, int]] = {}
        for node_id, parent_id, kind in nodes:
            if parent_id is None or parent_id not in known:
                continue
            mine = below.get(node_id)
            into = below.setdefault(parent_id, {})
            if mine:
                for status, number in mine.items():
                    into[status] = into.get(status, 0) + number
            if kind in ASSESSABLE_KINDS:
                status = own.get(node_id, MISSING)
                into[status] = into.get(status, 0) + 1
        for node_id, counts in below.items():
            for status, number in counts.items():
                result[node_id, period_id, status] = number
    return result


def stored(plan_year_id: int) -> Deltas:
    """The year's counts as they are kept, leaving out zeros. One query."""
    return {
        (node_id, period_id, status): number
        for node_id, period_id, status, number in SubtreeCount.objects.filter(
            period__plan_year_id=plan_year_id
        )
        .exclude(number=0)
        .values_list("node_id", "period_id", "status", "number")
    }


def rebuild(plan_year_id: int, period_ids: list[int] | None = None) -> int:
    """Replace the year's counts (or the given periods') with a fresh count;
    return how many counts were written. Under the year's tree lock."""
    with tree_lock(plan_year_id):
        fresh = counted(plan_year_id, period_ids)
        kept = SubtreeCount.objects.filter(period__plan_year_id=plan_year_id)
        if period_ids is not None:
            kept = kept.filter(period_id__in=period_ids)
        kept.delete()
        SubtreeCount.objects.bulk_create(
            (
                SubtreeCount(node_id=node_id, period_id=period_id, status=status, number=number)
                for (node_id, period_id, status), number in fresh.items()
            ),
            batch_size=2000,
        )
        return len(fresh)


def problems(plan_year_id: int) -> list[str]:
    """Every count of the year that differs from a fresh count, as readable lines."""
    fresh = counted(plan_year_id)
    kept = stored(plan_year_id)
    lines = []
    for key in sorted(fresh.keys() | kept.keys()):
        if fresh.get(key, 0) != kept.get(key, 0):
            node_id, period_id, status = key
            lines.append(
                f"node {node_id}, period {period_id}, {status}: kept {kept.get(key, 0)}, "
                f"counted {fresh.get(key, 0)}"
            )
    return lines
