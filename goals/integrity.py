"""Checks that a plan year's tree is a valid nested set that obeys the steering model."""

from __future__ import annotations

from goals.locking import tree_lock
from goals.models import COMMITTEE_KINDS, PARENT_KIND, Node, PlanYear


def tree_problems(plan_year: PlanYear | int) -> list[str]:
    """Everything wrong with one year's tree, as readable lines; empty when it is sound.

    Reads the tree in one query and walks it once: each node's `lft`/`rght`
    must nest inside its parent's, siblings must not overlap, the numbering
    must be gapless from 1 to 2n, and levels, kinds and committees must follow
    the parent.
    """
    plan_year_id = plan_year if isinstance(plan_year, int) else plan_year.pk
    nodes = list(
        Node.objects.filter(plan_year_id=plan_year_id)
        .order_by("lft")
        .values("id", "parent_id", "tree_id", "lft", "rght", "level", "kind", "committee_id")
    )
    problems: list[str] = []
    if not nodes:
        return problems
    by_id = {node["id"]: node for node in nodes}
    roots = [node for node in nodes if node["parent_id"] is None]
    if len(roots) != 1:
        problems.append(f"expected one root (the vision), found {len(roots)}")
    edges = sorted([node["lft"] for node in nodes] + [node["rght"] for node in nodes])
    if edges != list(range(1, 2 * len(nodes) + 1)):
        problems.append("lft/rght values are not the numbers 1..2n exactly once each")
    for node in nodes:
        label = f"node {node['id']}"
        if node["tree_id"] != plan_year_id:
            problems.append(f"{label}: tree_id {node['tree_id']} is not the plan year's")
        if node["lft"] >= node["rght"]:
            problems.append(f"{label}: lft {node['lft']} is not below rght {node['rght']}")
        parent = by_id.get(node["parent_id"]) if node["parent_id"] else None
        if node["parent_id"] and parent is None:
            problems.append(f"{label}: parent {node['parent_id']} is in another plan year")
            continue
        if parent is None:
            if node["level"] != 0:
                problems.append(f"{label}: a root at level {node['level']}")
        else:
            if not (parent["lft"] < node["lft"] and node["rght"] < parent["rght"]):
                problems.append(f"{label}: not nested inside its parent {parent['id']}")
            if node["level"] != parent["level"] + 1:
                problems.append(f"{label}: level {node['level']} under level {parent['level']}")
        expected_parent_kind = PARENT_KIND.get(node["kind"])
        actual_parent_kind = parent["kind"] if parent else None
        if expected_parent_kind != actual_parent_kind:
            problems.append(
                f"{label}: a {node['kind']} under {actual_parent_kind or 'nothing'}, "
                f"expected {expected_parent_kind or 'nothing'}"
            )
        if (node["kind"] in COMMITTEE_KINDS) != (node["committee_id"] is not None):
            problems.append(f"{label}: committee {node['committee_id']} on a {node['kind']}")
        if (
            node["kind"] == "activity"
            and parent is not None
            and parent["committee_id"] != node["committee_id"]
        ):
            problems.append(f"{label}: an activity of another committee than its goal")
    return problems


def tree_rebuild(plan_year: PlanYear | int) -> int:
    """Renumber a year's nested sets from the parent links; return how many nodes changed.

    Siblings keep the order their `lft` values give (ties by id), so a tree
    whose numbering was corrupted by concurrent writes gets back the order it
    had. Runs under the year's tree lock, in one transaction.
    """
    plan_year_id = plan_year if isinstance(plan_year, int) else plan_year.pk
    with tree_lock(plan_year_id):
        rows = list(
            Node.objects.filter(plan_year_id=plan_year_id).values_list(
                "id", "parent_id", "lft", "rght", "level", "tree_id"
            )
        )
        known = {row[0] for row in rows}
        children: dict[int | None, list[tuple[int, int]]] = {}
        for node_id, parent_id, lft, _rght, _level, _tree in rows:
            # A node whose parent is gone (or in another year) cannot be placed.
            key = parent_id if parent_id in known else None
            children.setdefault(key, []).append((lft, node_id))
        for siblings in children.values():
            siblings.sort()
        numbering: dict[int, tuple[int, int, int]] = {}
        counter = 0
        # Iterative depth-first walk: (node id, level, entering?)
        stack = [(node_id, 0, True) for _lft, node_id in reversed(children.get(None, []))]
        left: dict[int, int] = {}
        while stack:
            node_id, level, entering = stack.pop()
            counter += 1
            if entering:
                left[node_id] = counter
                stack.append((node_id, level, False))
                stack.extend(
                    (child, level + 1, True) for _lft, child in reversed(children.get(node_id, []))
                )
            else:
                numbering[node_id] = (left[node_id], counter, level)
        changed = []
        for node_id, _parent, lft, rght, level, tree_id in rows:
            new_lft, new_rght, new_level = numbering[node_id]
            if (lft, rght, level, tree_id) != (new_lft, new_rght, new_level, plan_year_id):
                changed.append(
                    Node(
                        id=node_id,
                        lft=new_lft,
                        rght=new_rght,
                        level=new_level,
                        tree_id=plan_year_id,
                    )
                )
        Node.objects.bulk_update(changed, ["lft", "rght", "level", "tree_id"], batch_size=1000)
        return len(changed)
