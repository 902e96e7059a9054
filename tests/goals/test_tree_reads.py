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


def test_ancestors_by_parent_links_come_in_the_same_query(
    plan_year, committees, django_assert_num_queries
):
    tree = build_tree(plan_year, OUTLINE)
    with django_assert_num_queries(1):
        activity = Node.objects.with_ancestors().get(pk=tree["Lovskola"].pk)
        chain = [node.title for node in activity.ancestors()]
    assert chain == ["Vision", "Kramforsbon", "Trygg kommun", "Fler i arbete", "Läsa bättre"]
    assert chain == [node.title for node in tree["Lovskola"].get_ancestors()]


def test_the_vision_has_no_ancestors(plan_year, committees, django_assert_num_queries):
    tree = build_tree(plan_year, OUTLINE)
    with django_assert_num_queries(1):
        assert Node.objects.with_ancestors().get(pk=tree["Vision"].pk).ancestors() == []
