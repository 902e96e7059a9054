"""A single tree write costs the same number of queries whatever the size of the year."""

import pytest

from goals import services
from goals.models import Node, NodeKind
from tests.factories import grow_tree


def _add_activity(parent: Node, title: str, **position) -> Node:
    return services.node_create(
        plan_year=parent.plan_year,
        parent=parent,
        kind=NodeKind.ACTIVITY,
        title=title,
        committee=parent.committee,
        **position,
    )


def _committee_goals(plan_year) -> list[Node]:
    goals = Node.objects.for_year(plan_year).of_kind(NodeKind.COMMITTEE_GOAL)
    return list(goals.select_related("committee", "plan_year").order_by("lft"))


@pytest.mark.parametrize("goals", [3, 30])
def test_insert_query_count(plan_year, committees, periods, goals, django_assert_num_queries):
    grow_tree(plan_year, committees, goals)
    parent = _committee_goals(plan_year)[1]
    # Expect 11 queries:
    # * the savepoint and its release (the test runs in a transaction; in a
    #   request they are its BEGIN and COMMIT, which are not counted)
    # * the tree lock, whether the committee's operational plan is adopted
    #   (locked), and the parent read again under it
    # * renumbering the tree, the insert, its history record
    # * the roll-up counts: the year's periods, the new node's ancestors, and
    #   the counts added to them (followup/counts.py)
    with django_assert_num_queries(11):
        node = _add_activity(parent, "Ny aktivitet")
    assert node.parent_id == parent.pk


@pytest.mark.parametrize("goals", [3, 30])
def test_move_query_count(plan_year, committees, periods, goals, django_assert_num_queries):
    grow_tree(plan_year, committees, goals)
    goal = _committee_goals(plan_year)[0]
    target = Node.objects.for_year(plan_year).of_kind(NodeKind.MUNICIPAL_GOAL).order_by("-lft")[0]
    assert goal.parent_id != target.pk
    # Expect 13 queries:
    # * the savepoint and its release (as above)
    # * the tree lock, the node and the target with their parents (one query),
    #   whether the committee's operational plan is adopted (locked)
    # * the roll-up counts the subtree takes along, its old ancestors
    # * the renumbering, the node's new parent, its history record (django-mptt
    #   does not read the two nodes again: NodeTreeManager.move_node)
    # * its new ancestors, and every count changed, in one statement
    # * its also-supports links, judged again in its new place (goals/links.py)
    with django_assert_num_queries(13):
        moved = services.node_move(node=goal, target=target, position="last-child")
    stored = Node.objects.get(pk=goal.pk)
    assert (moved.parent_id, moved.lft, moved.rght, moved.level) == (
        stored.parent_id,
        stored.lft,
        stored.rght,
        stored.level,
    )
    assert stored.parent_id == target.pk


def test_insert_as_first_child(plan_year, committees):
    grow_tree(plan_year, committees, 3)
    parent = _committee_goals(plan_year)[0]
    first = _add_activity(parent, "Först", position="first-child")
    last = _add_activity(parent, "Sist")
    titles = list(parent.get_children().values_list("title", flat=True))
    assert titles[0] == first.title
    assert titles[-1] == last.title
