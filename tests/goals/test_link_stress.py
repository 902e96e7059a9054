"""Two secretaries linking and unlinking the same goals while an official moves
and deletes them, in three processes at once, through the application's own
write path: no link is lost or left pointing where the rules forbid, and no
move slips past a link. PostgreSQL only (SQLite serialises every writer)."""

import random

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from followup import counts
from goals import links, rules, services
from goals.integrity import tree_problems
from goals.linkmodels import NodeLink
from goals.models import Node, NodeKind, PlanYear
from tests.factories import build_tree
from tests.processes import CONTEXT, writer

OPERATIONS = 80
GOALS = 6

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)

# Refusals a writer may meet when another got there first; anything else is a fault.
EXPECTED_REFUSALS = (
    "Ta bort länken först",  # a move that would break a link
    "finns inte längre",  # the goal was deleted meanwhile
    "förälder i trädet",  # it was moved under the goal meanwhile
    "stödjer redan också",  # the other secretary linked it first
)


def _refusal(error: ValidationError) -> str | None:
    text = " ".join(error.messages)
    return None if any(known in text for known in EXPECTED_REFUSALS) else text


def _secretary(goal_ids, municipal_ids, worker, results):
    connections.close_all()
    rng = random.Random(worker)
    added = removed = 0
    errors: list[str] = []
    try:
        for _index in range(OPERATIONS):
            source = Node.objects.filter(pk=rng.choice(goal_ids)).first()
            if source is None:
                continue  # deleted by the official
            target_id = rng.choice(municipal_ids)
            try:
                if rng.random() < 0.6:
                    links.link_add(source=source, target_id=target_id)
                    added += 1
                elif links.link_remove(source=source, target_id=target_id):
                    removed += 1
            except ValidationError as error:
                if unexpected := _refusal(error):
                    errors.append(f"secretary {worker}: {unexpected}")
    except Exception as error:
        errors.append(f"secretary {worker}: {error!r}")
    finally:
        connections.close_all()
    results.put(("secretary", added, removed, {}, errors))


def _official(goal_ids, municipal_ids, results):
    connections.close_all()
    rng = random.Random(99)
    parents: dict[int, int] = {}  # goal id -> the parent its last acknowledged move gave it
    deleted = refused = 0
    errors: list[str] = []
    try:
        for index in range(OPERATIONS):
            alive = list(Node.objects.filter(pk__in=goal_ids).order_by("pk"))
            if not alive:
                break
            goal = rng.choice(alive)
            try:
                if index % 25 == 24 and len(alive) > 2:
                    services.node_delete(node=goal)
                    parents.pop(goal.pk, None)
                    deleted += 1
                else:
                    target = rng.choice([m for m in municipal_ids if m != goal.parent_id])
                    services.node_move(
                        node=goal, target=Node.objects.get(pk=target), position="last-child"
                    )
                    parents[goal.pk] = target
            except ValidationError as error:
                refused += 1
                if unexpected := _refusal(error):
                    errors.append(f"official: {unexpected}")
    except Exception as error:
        errors.append(f"official: {error!r}")
    finally:
        connections.close_all()
    results.put(("official", deleted, refused, parents, errors))


@pytest.mark.django_db(transaction=True)
def test_linking_while_moving_leaves_no_lost_or_broken_link(committees, periods):
    plan_year: PlanYear = periods[0].plan_year
    tree = build_tree(
        plan_year,
        """
        Vision
          Kramforsbon
            Trygg kommun
              A
              B
          Ekonomi
            Ekonomi i balans
              C
              D
        """,
    )
    municipal_ids = [tree[title].pk for title in "ABCD"]
    goal_ids = [
        services.node_create(
            plan_year=plan_year,
            parent=tree["AB"[index % 2]],
            kind=NodeKind.COMMITTEE_GOAL,
            title=f"Mål {index}",
            committee=committees["bun"],
        ).pk
        for index in range(GOALS)
    ]
    connections.close_all()
    results = CONTEXT.Queue()
    processes = [
        writer("tests.goals.test_link_stress:_secretary", goal_ids, municipal_ids, worker, results)
        for worker in (1, 2)
    ] + [writer("tests.goals.test_link_stress:_official", goal_ids, municipal_ids, results)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)

    assert [error for *_rest, errors in outcomes for error in errors] == []
    secretaries = [outcome for outcome in outcomes if outcome[0] == "secretary"]
    (official,) = [outcome for outcome in outcomes if outcome[0] == "official"]
    added = sum(outcome[1] for outcome in secretaries)
    removed = sum(outcome[2] for outcome in secretaries)
    assert added and removed and official[2], "the run must have met links, unlinks and refusals"

    # No lost write: every acknowledged link and unlink is in the history, and
    # what is live is exactly what the history's last word on each pair says.
    history = list(NodeLink.history.order_by("history_date", "history_id"))
    assert sum(record.history_type == "+" for record in history) == added
    assert sum(record.history_type == "-" for record in history) >= removed
    last: dict[tuple[int, int], str] = {}
    for record in history:
        last[(record.source_id, record.target_id)] = record.history_type
    live = set(NodeLink.objects.values_list("source_id", "target_id"))
    assert live == {pair for pair, kind in last.items() if kind == "+"}

    # No orphaned or broken link: both ends there, and none points at its source's parent.
    for link in NodeLink.objects.select_related("source", "target"):
        assert (
            rules.link_error(
                source=(link.source_id, link.source.kind, link.source.plan_year_id, 1),
                target=(link.target_id, link.target.kind, link.target.plan_year_id, 1),
                parent_id=link.source.parent_id,
            )
            is None
        )
    # Every acknowledged move holds (the official alone moved goals).
    current = dict(Node.objects.filter(pk__in=goal_ids).values_list("pk", "parent_id"))
    for goal_id, parent_id in official[3].items():
        assert current[goal_id] == parent_id
    assert len(current) == GOALS - official[1]
    assert tree_problems(plan_year) == []
    assert counts.problems(plan_year.pk) == []
