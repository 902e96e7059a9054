"""Concurrent writers to one year's tree leave it valid (PostgreSQL only: SQLite
serialises all writers by itself)."""

import pytest
from django.db import connection, connections

from goals import services
from goals.integrity import tree_problems
from goals.models import Node, NodeKind, PlanYear
from tests.factories import build_tree
from tests.processes import CONTEXT, writer

WORKERS = 4
INSERTS_EACH = 25

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


def _insert_many(plan_year_id: int, parent_ids: list[int], worker: int, errors) -> None:
    connections.close_all()  # each process opens its own connection
    try:
        plan_year = PlanYear.objects.get(pk=plan_year_id)
        parents = list(Node.objects.filter(pk__in=parent_ids))
        for index in range(INSERTS_EACH):
            parent = parents[(index + worker) % len(parents)]
            services.node_create(
                plan_year=plan_year,
                parent=parent,
                kind=NodeKind.COMMITTEE_GOAL,
                title=f"Process {worker} mål {index}",
                committee=Node.objects.filter(kind=NodeKind.COMMITTEE_GOAL)
                .select_related("committee")
                .first()
                .committee,
            )
    except Exception as error:  # reported to the parent, which fails the test
        errors.put(f"worker {worker}: {error!r}")
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_concurrent_inserts_into_one_year_leave_a_valid_tree(committees):
    plan_year = services.plan_year_create(year=2026)
    tree = build_tree(
        plan_year,
        """
        Vision
          Kramforsbon
            Trygg kommun
              Fler i arbete
                Första [bun]
              Äldre bor kvar
              Trygghet
        """,
    )
    parent_ids = [tree[t].pk for t in ("Fler i arbete", "Äldre bor kvar", "Trygghet")]
    connections.close_all()
    errors = CONTEXT.Queue()
    processes = [
        writer("tests.goals.test_tree_lock:_insert_many", plan_year.pk, parent_ids, worker, errors)
        for worker in range(WORKERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    reported = []
    while not errors.empty():
        reported.append(errors.get())
    assert reported == []
    assert all(process.exitcode == 0 for process in processes)
    assert tree_problems(plan_year) == []
    inserted = Node.objects.filter(title__startswith="Process ").count()
    assert inserted == WORKERS * INSERTS_EACH
