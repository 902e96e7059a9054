"""The small year the Agenda 2030 tests link to the global goals: two
perspectives, goals of two committees, and three of them assessed in the
interim period."""

from followup.models import Assessment
from goals.agenda import node_global_goals_set
from tests.factories import build_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
              Lovskola [bun]
            Kortare försörjningsstöd [sn]
          Trygga miljöer
      Ekonomi
        Ekonomi i balans
          Budget i balans
"""


def agenda_tree(plan_year, periods) -> dict:
    """The year's nodes by title; `periods` as the `periods` fixture gives them."""
    nodes = build_tree(plan_year, OUTLINE)
    interim, _annual = periods
    Assessment.objects.create(node=nodes["Fler i arbete"], period=interim, status="met")
    Assessment.objects.create(node=nodes["Läsa bättre"], period=interim, status="partly_met")
    Assessment.objects.create(node=nodes["Budget i balans"], period=interim, status="not_met")
    return nodes


def link(node, *numbers) -> None:
    """Link `node` to the global goals with these numbers (and to no other)."""
    node_global_goals_set(node=node, numbers=numbers)
