"""Reads of the goal tree that do not depend on an index over lft/rght."""

from goals.models import Node
from tests.factories import build_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
              Lovskola [bun]
"""


def test_ancestors_by_parent_links_in_one_query(plan_year, committees, django_assert_num_queries):
    tree = build_tree(plan_year, OUTLINE)
    with django_assert_num_queries(1):
        chain = [node.title for node in Node.objects.ancestors_of(tree["Lovskola"])]
    assert chain == ["Vision", "Kramforsbon", "Trygg kommun", "Fler i arbete", "Läsa bättre"]
    assert chain == [node.title for node in tree["Lovskola"].get_ancestors()]


def test_the_vision_has_no_ancestors(plan_year, committees):
    tree = build_tree(plan_year, OUTLINE)
    assert Node.objects.ancestors_of(tree["Vision"]) == []


def test_a_leaf_has_no_children_and_costs_no_query(
    plan_year, committees, django_assert_num_queries
):
    tree = build_tree(plan_year, OUTLINE)
    with django_assert_num_queries(0):
        assert list(Node.objects.children_of(tree["Lovskola"])) == []
    goal = Node.objects.get(pk=tree["Läsa bättre"].pk)  # lft/rght as they are now
    assert [node.title for node in Node.objects.children_of(goal)] == ["Lovskola"]
