"""Many processes inserting, moving, deleting and assessing in one year at once,
through the application's own write path: the tree stays valid, no write is
lost, no two writers deadlock, and the roll-up counts stay right. PostgreSQL
only (SQLite serialises every writer by itself)."""

import random

import pytest
from django.db import connection, connections

from followup import counts
from followup import services as followup_services
from followup.models import Assessment, Period
from goals import services
from goals.integrity import tree_problems
from goals.models import Committee, Node, NodeKind, PlanYear
from tests.factories import build_tree
from tests.processes import CONTEXT, writer

PROCESSES = 8
OPERATIONS = 100

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


def _work(plan_year_id: int, parent_ids: list[int], committee_id: int, worker: int, results):
    """Mixed writes on this worker's own nodes under shared parents; report the outcome."""
    connections.close_all()
    rng = random.Random(worker)
    plan_year = PlanYear.objects.get(pk=plan_year_id)
    periods = list(Period.objects.filter(plan_year=plan_year))
    committee = Committee.objects.get(pk=committee_id)
    alive: dict[int, int] = {}  # node id -> parent id it should have
    deleted: list[int] = []
    errors: list[str] = []
    try:
        for index in range(OPERATIONS):
            choice = rng.random()
            if choice < 0.25 and len(alive) >= 3:
                node = Node.objects.get(pk=rng.choice(sorted(alive)))
                period = rng.choice(periods)
                current = Assessment.objects.filter(node=node, period=period).first()
                entry = followup_services.Entry(
                    node=node,
                    status=rng.choice(["met", "partly_met", "not_met"]),
                    analysis=f"P{worker} a{index}",
                    version=current.version if current else 0,
                )
                followup_services.assessments_save(period=period, entries=[entry], user=None)
            elif choice < 0.55 or len(alive) < 3:
                parent_id = rng.choice(parent_ids)
                node = services.node_create(
                    plan_year=plan_year,
                    parent=Node(pk=parent_id, plan_year_id=plan_year_id),
                    kind=NodeKind.COMMITTEE_GOAL,
                    title=f"P{worker} n{index}",
                    committee=committee,
                )
                alive[node.pk] = parent_id
            elif choice < 0.8:
                node_id = rng.choice(sorted(alive))
                target = rng.choice([p for p in parent_ids if p != alive[node_id]])
                services.node_move(
                    node=Node.objects.get(pk=node_id),
                    target=Node.objects.get(pk=target),
                    position="last-child",
                )
                alive[node_id] = target
            else:
                node_id = rng.choice(sorted(alive))
                services.node_delete(node=Node.objects.get(pk=node_id))
                del alive[node_id]
                deleted.append(node_id)
    except Exception as error:
        errors.append(f"worker {worker}: {error!r}")
    finally:
        connections.close_all()
    results.put((alive, deleted, errors))


@pytest.mark.django_db(transaction=True)
def test_eight_processes_of_mixed_writes_leave_a_valid_tree(committees, periods):
    plan_year = periods[0].plan_year
    tree = build_tree(
        plan_year,
        """
        Vision
          Kramforsbon
            Trygg kommun
              A
              B
              C
          Ekonomi
            Ekonomi i balans
              D
        """,
    )
    parent_ids = [tree[t].pk for t in "ABCD"]
    connections.close_all()
    results = CONTEXT.Queue()
    processes = [
        writer(
            "tests.goals.test_stress:_work",
            plan_year.pk,
            parent_ids,
            committees["bun"].pk,
            worker,
            results,
        )
        for worker in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    errors = [error for _alive, _deleted, errs in outcomes for error in errs]
    assert errors == []
    assert tree_problems(plan_year) == []
    expected = {node_id: parent for alive, _d, _e in outcomes for node_id, parent in alive.items()}
    actual = dict(Node.objects.filter(kind=NodeKind.COMMITTEE_GOAL).values_list("pk", "parent_id"))
    assert actual == expected  # every acknowledged insert and move is there, every delete gone
    assert sum(len(d) for _a, d, _e in outcomes) > 0
    assert Assessment.objects.filter(node__kind=NodeKind.COMMITTEE_GOAL).exists()
    assert counts.problems(plan_year.pk) == []
