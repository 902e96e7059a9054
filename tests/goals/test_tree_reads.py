"""Reads of the goal tree that do not depend on an index over lft/rght."""

import pytest

from goals.models import Node, NodeKind
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
        node, ancestors = Node.objects.with_ancestors(tree["Lovskola"].pk)
        chain = [each.title for each in ancestors]
    assert chain == ["Vision", "Kramforsbon", "Trygg kommun", "Fler i arbete", "Läsa bättre"]
    assert chain == [each.title for each in tree["Lovskola"].get_ancestors()]
    assert node.title == "Lovskola"


def test_the_vision_has_no_ancestors(plan_year, committees):
    tree = build_tree(plan_year, OUTLINE)
    assert Node.objects.with_ancestors(tree["Vision"].pk)[1] == []


def test_a_leaf_has_no_children_and_costs_no_query(
    plan_year, committees, django_assert_num_queries
):
    tree = build_tree(plan_year, OUTLINE)
    with django_assert_num_queries(0):
        assert list(tree["Lovskola"].get_children()) == []
    goal = Node.objects.get(pk=tree["Läsa bättre"].pk)  # lft/rght as they are now
    assert [node.title for node in goal.get_children()] == ["Lovskola"]


def test_ancestors_are_read_from_the_queryset_they_are_asked_of(plan_year, committees):
    tree = build_tree(plan_year, OUTLINE)
    lovskola = tree["Lovskola"].pk
    node, ancestors = Node.objects.of_kind(NodeKind.ACTIVITY).with_ancestors(lovskola)
    assert node.title == "Lovskola"
    assert len(ancestors) == 5
    with pytest.raises(Node.DoesNotExist):
        Node.objects.of_kind(NodeKind.VISION).with_ancestors(lovskola)
    with pytest.raises(Node.DoesNotExist):
        Node.objects.none().with_ancestors(lovskola)
