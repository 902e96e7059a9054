"""The steering model's rules hold in the model layer, whoever writes."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from goals import services
from goals.integrity import tree_problems
from goals.locking import TreeNotLockedError, tree_lock
from goals.models import Node, NodeKind
from tests.factories import build_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
              Läsfrämjande insats [bun]
              Lovskola [bun]
            Kortare försörjningsstöd [sn]
          Äldre bor kvar
      Ekonomi
        Ekonomi i balans
          Budget i balans
"""


@pytest.fixture
def tree(plan_year, committees):
    return build_tree(plan_year, OUTLINE)


def _refused(message_part: str, **kwargs) -> None:
    before = Node.objects.count()
    with pytest.raises(ValidationError) as error:
        services.node_create(**kwargs)
    assert message_part in " ".join(error.value.messages)
    assert Node.objects.count() == before


def test_outline_builds_a_valid_tree(tree, plan_year):
    assert tree_problems(plan_year) == []
    assert Node.objects.get(title="Läsfrämjande insats").get_ancestors().count() == 5


def test_activity_directly_under_municipal_goal_is_refused(tree, plan_year, committees):
    _refused(
        "kan bara placeras under",
        plan_year=plan_year,
        parent=tree["Fler i arbete"],
        kind=NodeKind.ACTIVITY,
        title="Fel nivå",
        committee=committees["bun"],
    )


@pytest.mark.parametrize(
    ("parent_title", "kind"),
    [
        ("Vision", NodeKind.DIRECTION_GOAL),
        ("Kramforsbon", NodeKind.MUNICIPAL_GOAL),
        ("Trygg kommun", NodeKind.COMMITTEE_GOAL),
        ("Läsfrämjande insats", NodeKind.ACTIVITY),
        ("Fler i arbete", NodeKind.PERSPECTIVE),
    ],
)
def test_each_kind_only_under_the_kind_above(tree, plan_year, committees, parent_title, kind):
    committee = committees["bun"] if kind in (NodeKind.COMMITTEE_GOAL, NodeKind.ACTIVITY) else None
    _refused(
        "kan bara placeras under",
        plan_year=plan_year,
        parent=tree[parent_title],
        kind=kind,
        title="Fel nivå",
        committee=committee,
    )


def test_a_perspective_needs_a_parent(tree, plan_year):
    _refused(
        "måste placeras under",
        plan_year=plan_year,
        parent=None,
        kind=NodeKind.PERSPECTIVE,
        title="Utan förälder",
    )


def test_only_one_vision_per_year(tree, plan_year):
    _refused("redan en vision", plan_year=plan_year, kind=NodeKind.VISION, title="Vision två")


def test_only_one_direction_goal_per_perspective(tree, plan_year):
    _refused(
        "redan ett inriktningsmål",
        plan_year=plan_year,
        parent=tree["Kramforsbon"],
        kind=NodeKind.DIRECTION_GOAL,
        title="Andra inriktningen",
    )


def test_the_database_refuses_a_second_direction_goal_too(tree, plan_year):
    with tree_lock(plan_year.pk), pytest.raises(IntegrityError):
        node = Node(
            plan_year=plan_year,
            parent=tree["Kramforsbon"],
            kind=NodeKind.DIRECTION_GOAL,
            title="Förbi valideringen",
        )
        node.validate_structure = lambda: None  # skip the model check: the constraint must hold
        node.save()


def test_committee_goal_needs_a_committee(tree, plan_year):
    _refused(
        "måste tillhöra en nämnd",
        plan_year=plan_year,
        parent=tree["Fler i arbete"],
        kind=NodeKind.COMMITTEE_GOAL,
        title="Utan nämnd",
    )


def test_municipal_goal_cannot_belong_to_a_committee(tree, plan_year, committees):
    _refused(
        "Endast nämndmål och aktiviteter",
        plan_year=plan_year,
        parent=tree["Trygg kommun"],
        kind=NodeKind.MUNICIPAL_GOAL,
        title="Med nämnd",
        committee=committees["bun"],
    )


def test_activity_belongs_to_its_goals_committee(tree, plan_year, committees):
    _refused(
        "samma nämnd",
        plan_year=plan_year,
        parent=tree["Läsa bättre"],
        kind=NodeKind.ACTIVITY,
        title="Annan nämnds aktivitet",
        committee=committees["sn"],
    )


@pytest.mark.parametrize("title", ["", "   ", "x" * 301])
def test_empty_or_overlong_title_is_refused(tree, plan_year, committees, title):
    _refused(
        "",
        plan_year=plan_year,
        parent=tree["Läsa bättre"],
        kind=NodeKind.ACTIVITY,
        title=title,
        committee=committees["bun"],
    )


def test_writing_a_node_outside_the_tree_lock_is_refused(tree):
    node = tree["Lovskola"]
    node.title = "Utan lås"
    with pytest.raises(TreeNotLockedError):
        node.save()
    with pytest.raises(TreeNotLockedError):
        node.delete()
    node.refresh_from_db()
    assert node.title == "Lovskola"


def test_siblings_keep_their_order_and_can_be_placed(tree, plan_year, committees):
    goal = tree["Läsa bättre"]
    services.node_create(
        plan_year=plan_year,
        parent=goal,
        kind=NodeKind.ACTIVITY,
        title="Först",
        committee=committees["bun"],
        position="left",
        target=tree["Läsfrämjande insats"],
    )
    titles = list(Node.objects.filter(parent=goal).order_by("lft").values_list("title", flat=True))
    assert titles == ["Först", "Läsfrämjande insats", "Lovskola"]
    services.node_move(node=tree["Lovskola"], target=tree["Läsfrämjande insats"], position="left")
    titles = list(Node.objects.filter(parent=goal).order_by("lft").values_list("title", flat=True))
    assert titles == ["Först", "Lovskola", "Läsfrämjande insats"]
    assert tree_problems(plan_year) == []


def test_moving_a_goal_under_another_municipal_goal(tree, plan_year):
    services.node_move(
        node=tree["Läsa bättre"], target=tree["Äldre bor kvar"], position="last-child"
    )
    moved = Node.objects.get(pk=tree["Läsa bättre"].pk)
    assert moved.parent_id == tree["Äldre bor kvar"].pk
    assert moved.get_descendant_count() == 2
    assert tree_problems(plan_year) == []


def test_moving_into_own_subtree_is_refused(tree, plan_year):
    with pytest.raises(ValidationError, match="sitt eget"):
        services.node_move(
            node=tree["Trygg kommun"], target=tree["Fler i arbete"], position="last-child"
        )
    assert tree_problems(plan_year) == []
    assert Node.objects.get(pk=tree["Trygg kommun"].pk).parent_id == tree["Kramforsbon"].pk


def test_moving_to_a_parent_of_the_wrong_kind_is_refused(tree, plan_year):
    with pytest.raises(ValidationError, match="kan bara placeras under"):
        services.node_move(
            node=tree["Läsa bättre"], target=tree["Trygg kommun"], position="last-child"
        )
    assert Node.objects.get(pk=tree["Läsa bättre"].pk).parent_id == tree["Fler i arbete"].pk


def test_moving_an_activity_to_another_committees_goal_is_refused(tree, plan_year):
    with pytest.raises(ValidationError, match="egen nämnd"):
        services.node_move(
            node=tree["Lovskola"], target=tree["Kortare försörjningsstöd"], position="last-child"
        )


def test_deleting_a_goal_deletes_its_subtree_and_keeps_the_tree_valid(tree, plan_year):
    removed = services.node_delete(node=tree["Läsa bättre"])
    assert removed == 3
    assert not Node.objects.filter(title__in=["Läsa bättre", "Lovskola"]).exists()
    assert tree_problems(plan_year) == []


def test_trees_of_two_years_are_separate(tree, plan_year):
    other = services.plan_year_create(year=2027)
    other_tree = build_tree(other, "Vision 2027\n  Kramforsbon")
    assert other_tree["Vision 2027"].tree_id == other.pk
    assert tree["Vision"].tree_id == plan_year.pk
    assert tree_problems(plan_year) == [] and tree_problems(other) == []


def test_tree_problems_finds_a_broken_nested_set(tree, plan_year):
    Node.objects.filter(pk=tree["Lovskola"].pk).update(lft=1000)
    assert tree_problems(plan_year)
