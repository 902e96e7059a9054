"""Moves within a year's tree (goals.tree_manager) keep the nested sets valid and
rewrite only the rows between the old and the new place."""

import pytest
from django.db import connection

from goals import services
from goals.integrity import tree_problems
from goals.models import Node
from tests.factories import build_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
              Läsfrämjande insats [bun]
              Lovskola [bun]
            Förskola [bun]
          Äldre bor kvar
            Hemtjänst [sn]
          Trygghet
      Ekonomi
        Ekonomi i balans
          Budget i balans
            Kostnader per invånare [sn]
"""


@pytest.fixture
def tree(plan_year, committees):
    return build_tree(plan_year, OUTLINE)


def _children(parent: Node) -> list[str]:
    return list(Node.objects.filter(parent=parent).order_by("lft").values_list("title", flat=True))


@pytest.mark.parametrize(
    "title, target, position, new_parent, siblings",
    [
        ("Läsa bättre", "Trygghet", "last-child", "Trygghet", ["Läsa bättre"]),
        ("Läsa bättre", "Budget i balans", "first-child", "Budget i balans",
         ["Läsa bättre", "Kostnader per invånare"]),
        ("Kostnader per invånare", "Fler i arbete", "last-child", "Fler i arbete",
         ["Läsa bättre", "Förskola", "Kostnader per invånare"]),
        ("Hemtjänst", "Fler i arbete", "first-child", "Fler i arbete",
         ["Hemtjänst", "Läsa bättre", "Förskola"]),
        ("Läsa bättre", "Hemtjänst", "right", "Äldre bor kvar", ["Hemtjänst", "Läsa bättre"]),
        ("Förskola", "Läsa bättre", "left", "Fler i arbete", ["Förskola", "Läsa bättre"]),
        ("Läsa bättre", "Förskola", "right", "Fler i arbete", ["Förskola", "Läsa bättre"]),
    ],
)  # fmt: skip
def test_a_move_in_every_direction_keeps_the_tree_valid(
    tree, plan_year, title, target, position, new_parent, siblings
):
    services.node_move(node=tree[title], target=tree[target], position=position)
    assert tree_problems(plan_year) == []
    moved = Node.objects.get(pk=tree[title].pk)
    assert moved.parent_id == tree[new_parent].pk
    assert _children(tree[new_parent]) == siblings
    if title == "Läsa bättre":
        assert _children(moved) == ["Läsfrämjande insats", "Lovskola"]
        assert moved.get_descendant_count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's xmin")
def test_a_move_rewrites_only_the_rows_between_the_two_places(tree, plan_year):
    def row_versions() -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT title, xmin::text FROM {Node._meta.db_table} WHERE tree_id = %s",
                [plan_year.pk],
            )
            return dict(cursor.fetchall())

    before = row_versions()
    services.node_move(node=tree["Förskola"], target=tree["Läsa bättre"], position="left")
    after = row_versions()
    rewritten = {title for title in before if before[title] != after[title]}
    assert rewritten == {"Förskola", "Läsa bättre", "Läsfrämjande insats", "Lovskola"}
    assert tree_problems(plan_year) == []


def test_a_move_from_stale_instances_reads_them_again(tree, plan_year):
    """Only goals.services vouches that its nodes are fresh; a move from nodes
    loaded before another write to the tree lets django-mptt read them again."""
    from goals.locking import tree_lock

    stale_node, stale_target = tree["Hemtjänst"], tree["Budget i balans"]
    # Renumbers everything after "Läsa bättre", both nodes included.
    services.node_create(
        plan_year=plan_year,
        parent=tree["Läsa bättre"],
        kind="activity",
        title="Ny insats",
        committee=tree["Läsa bättre"].committee,
    )
    with tree_lock(plan_year.pk):
        stale_node.move_to(stale_target, "last-child")
    assert tree_problems(plan_year) == []
    assert _children(tree["Budget i balans"]) == ["Kostnader per invånare", "Hemtjänst"]
