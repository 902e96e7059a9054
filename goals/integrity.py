"""Checks that a plan year's tree is a valid nested set that obeys the steering model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from goals import rules
from goals.locking import tree_lock
from goals.models import Node, PlanYear


@dataclass(frozen=True)
class Fault:
    """One way a nested set is broken: at a node (its key), or in the tree as a whole."""

    code: str  # one of FAULTS
    node: Any = None  # the node's key: a database id, or a file's ref
    values: dict[str, Any] = field(default_factory=dict)


# What each fault's code means, as an operator reads it in tree_problems().
FAULTS = {
    "roots": "expected one root (the vision), found {count}",
    "numbering": "lft/rght values are not the numbers 1..2n exactly once each",
    "order": "{node}: lft {lft} is not below rght {rght}",
    "outside": "{node}: parent {parent} is in another plan year",
    "root_level": "{node}: a root at level {level}",
    "not_nested": "{node}: not nested inside its parent {parent}",
    "level": "{node}: level {level} under level {parent_level}",
}


def nested_set_faults(nodes: list[dict[str, Any]]) -> list[Fault]:
    """Everything wrong with a nested set, whether read from the database or a file.

    Each node is a mapping with its `key`, its `parent` key (None at the root)
    and its `lft`, `rght` and `level`. Each node's `lft`/`rght` must nest
    inside its parent's, the numbering must be gapless from 1 to 2n (so
    siblings cannot overlap), and each level must be its parent's plus one.
    """
    faults: list[Fault] = []
    if not nodes:
        return faults
    by_key = {node["key"]: node for node in nodes}
    roots = [node for node in nodes if node["parent"] is None]
    if len(roots) != 1:
        faults.append(Fault("roots", values={"count": len(roots)}))
    edges = sorted([node["lft"] for node in nodes] + [node["rght"] for node in nodes])
    if edges != list(range(1, 2 * len(nodes) + 1)):
        faults.append(Fault("numbering", values={"last": 2 * len(nodes)}))
    for node in nodes:
        key = node["key"]
        if node["lft"] >= node["rght"]:
            faults.append(Fault("order", key, {"lft": node["lft"], "rght": node["rght"]}))
        parent = by_key.get(node["parent"]) if node["parent"] is not None else None
        if node["parent"] is not None and parent is None:
            faults.append(Fault("outside", key, {"parent": node["parent"]}))
        elif parent is None:
            if node["level"] != 0:
                faults.append(Fault("root_level", key, {"level": node["level"]}))
        else:
            if not (parent["lft"] < node["lft"] and node["rght"] < parent["rght"]):
                faults.append(Fault("not_nested", key, {"parent": parent["key"]}))
            if node["level"] != parent["level"] + 1:
                faults.append(
                    Fault("level", key, {"level": node["level"], "parent_level": parent["level"]})
                )
    return faults


def tree_problems(plan_year: PlanYear | int) -> list[str]:
    """Everything wrong with one year's tree, as readable lines; empty when it is sound.

    Reads the tree in one query and walks it once: the nested set must be
    sound (`nested_set_faults`), every node must carry the year's tree id, and
    kinds and committees must follow the parent (goals/rules.py).
    """
    plan_year_id = plan_year if isinstance(plan_year, int) else plan_year.pk
    nodes = list(
        Node.objects.filter(plan_year_id=plan_year_id)
        .order_by("lft")
        .values("id", "parent_id", "tree_id", "lft", "rght", "level", "kind", "committee_id")
    )
    for node in nodes:
        node["key"], node["parent"] = node["id"], node["parent_id"]
    problems = [
        FAULTS[fault.code].format(node=f"node {fault.node}", **fault.values)
        for fault in nested_set_faults(nodes)
    ]
    by_id = {node["id"]: node for node in nodes}
    for node in nodes:
        label = f"node {node['id']}"
        if node["tree_id"] != plan_year_id:
            problems.append(f"{label}: tree_id {node['tree_id']} is not the plan year's")
        parent = by_id.get(node["parent_id"]) if node["parent_id"] else None
        if node["parent_id"] and parent is None:
            continue  # in another plan year, as reported above
        parent_kind = parent["kind"] if parent else None
        if not rules.may_sit_under(node["kind"], parent_kind):
            problems.append(
                f"{label}: a {node['kind']} under {parent_kind or 'nothing'}, "
                f"expected {rules.PARENT_KIND.get(node['kind']) or 'nothing'}"
            )
        if rules.committee_error(node["kind"], node["committee_id"]):
            problems.append(f"{label}: committee {node['committee_id']} on a {node['kind']}")
        elif parent is not None and not rules.activity_follows_goal(
            node["kind"], node["committee_id"], parent_kind, parent["committee_id"]
        ):
            problems.append(f"{label}: an activity of another committee than its goal")
    return problems + _link_problems(plan_year_id, by_id)


def _link_problems(plan_year_id: int, by_id: dict[int, dict]) -> list[str]:
    """Each also-supports link of the year obeys the rules (goals/rules.py `link_error`)."""
    from goals.linkmodels import NodeLink

    problems = []
    pairs = NodeLink.objects.filter(plan_year_id=plan_year_id).values_list("source_id", "target_id")
    for source_id, target_id in pairs.order_by("pk"):
        source, target = by_id.get(source_id), by_id.get(target_id)
        if source is None or target is None:
            problems.append(f"link {source_id} → {target_id}: an end in another plan year")
            continue
        error = rules.link_error(
            source=(source_id, source["kind"], plan_year_id, source["committee_id"]),
            target=(target_id, target["kind"], plan_year_id, target["committee_id"]),
            parent_id=source["parent_id"],
            ancestor_ids={target_id} if target["lft"] < source["lft"] < target["rght"] else set(),
        )
        if error:
            problems.append(f"link {source_id} → {target_id}: {error}")
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
