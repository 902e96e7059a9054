import pytest
from django.core.management import CommandError, call_command

from goals.integrity import tree_problems
from goals.models import Node
from tests.factories import build_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
              Lovskola [bun]
              Läsläxa [bun]
          Äldre bor kvar
      Ekonomi
        Ekonomi i balans
"""


@pytest.fixture
def tree(plan_year, committees):
    return build_tree(plan_year, OUTLINE)


def _order(plan_year):
    return list(Node.objects.for_year(plan_year).order_by("lft").values_list("title", flat=True))


def test_a_sound_tree_is_ok(tree, capsys):
    call_command("check_trees")
    assert "2026: ok" in capsys.readouterr().out


def test_a_corrupted_tree_is_reported_and_repaired_keeping_the_order(tree, plan_year, capsys):
    order = _order(plan_year)
    # What concurrent writes without a lock leave behind: overlapping numbers.
    Node.objects.filter(title="Läsläxa").update(lft=9, rght=10)
    Node.objects.filter(title="Äldre bor kvar").update(rght=40)
    with pytest.raises(CommandError):
        call_command("check_trees")
    out = capsys.readouterr().out
    assert "2026:" in out and "problems" in out
    call_command("check_trees", "--repair")
    assert tree_problems(plan_year) == []
    assert _order(plan_year) == order
    call_command("check_trees")


def test_a_kind_rule_broken_in_the_database_is_reported_not_hidden(tree, plan_year, capsys):
    Node.objects.filter(title="Lovskola").update(parent=Node.objects.get(title="Fler i arbete"))
    with pytest.raises(CommandError):
        call_command("check_trees", "--repair")
    assert "still wrong" in capsys.readouterr().out


def test_unknown_year(db):
    with pytest.raises(CommandError, match="No plan year 1999"):
        call_command("check_trees", "--year", "1999")


def test_a_link_broken_in_the_database_is_reported(tree, plan_year):
    from goals.linkmodels import NodeLink

    # Written past the services, as a hand edit would: a link to the node's own parent.
    NodeLink.objects.create(
        plan_year=plan_year, source=tree["Läsa bättre"], target=tree["Fler i arbete"]
    )
    assert tree_problems(plan_year) == [
        f"link {tree['Läsa bättre'].pk} → {tree['Fler i arbete'].pk}: "
        "Den stödjer redan det målet som sin förälder i trädet."
    ]
