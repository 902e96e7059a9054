"""Also-supports links: the rules a link obeys, the services that write it
under the tree lock, and what moves, committee changes and deletes do to it."""

import pytest
from django.core.exceptions import ValidationError

from goals import links, services
from goals.linkmodels import NodeLink
from goals.models import Node
from tests.factories import build_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Barn och unga
            Närvaro [bun]
              Följa upp närvaro [bun]
            Förskola [bun]
              Språkutveckling [bun]
            Hemtjänst [sn]
              Digital tillsyn [sn]
          Trygghet
      Ekonomi
        Ekonomi i balans
          Budget i balans
            BUN budget [bun]
              Skolorganisation [bun]
"""


@pytest.fixture
def tree(plan_year, committees):
    return build_tree(plan_year, OUTLINE)


def _pairs() -> set[tuple[str, str]]:
    return {(link.source.title, link.target.title) for link in NodeLink.objects.all()}


def _refused(tree, source: str, target_id: int) -> str:
    before = list(NodeLink.objects.values_list("source_id", "target_id"))
    with pytest.raises(ValidationError) as refused:
        links.link_add(source=tree[source], target_id=target_id)
    assert list(NodeLink.objects.values_list("source_id", "target_id")) == before
    return " ".join(refused.value.messages)


def test_a_committee_goal_also_supports_a_municipal_goal_of_another_perspective(tree):
    links.link_add(source=tree["Närvaro"], target_id=tree["Budget i balans"].pk)
    links.link_add(source=tree["Närvaro"], target_id=tree["Trygghet"].pk)
    assert _pairs() == {("Närvaro", "Budget i balans"), ("Närvaro", "Trygghet")}
    # The tree is untouched: the home stays the parent.
    assert Node.objects.get(pk=tree["Närvaro"].pk).parent_id == tree["Barn och unga"].pk


def test_an_activity_also_supports_a_committee_goal_of_its_own_committee(tree):
    links.link_add(source=tree["Skolorganisation"], target_id=tree["Förskola"].pk)
    assert _pairs() == {("Skolorganisation", "Förskola")}


@pytest.mark.parametrize(
    "source, target, message",
    [
        ("Närvaro", "Närvaro", "kan inte stödja sig själv"),
        ("Närvaro", "Förskola", "kan bara också stödja typen ”Kommunövergripande mål”"),
        ("Följa upp närvaro", "Trygghet", "kan bara också stödja typen ”Nämndmål”"),
        ("Trygghet", "Barn och unga", "Bara nämndmål och aktiviteter"),
        ("Följa upp närvaro", "Hemtjänst", "egen nämnds"),
        ("Närvaro", "Barn och unga", "förälder i trädet"),
        ("Följa upp närvaro", "Närvaro", "förälder i trädet"),
    ],
)
def test_a_link_that_breaks_a_rule_is_refused_in_swedish_and_changes_nothing(
    tree, source, target, message
):
    assert message in _refused(tree, source, tree[target].pk)


def test_a_duplicate_link_is_refused(tree):
    links.link_add(source=tree["Närvaro"], target_id=tree["Trygghet"].pk)
    assert "stödjer redan också" in _refused(tree, "Närvaro", tree["Trygghet"].pk)


def test_a_link_to_another_plan_year_is_refused(tree, committees):
    other_year = services.plan_year_create(year=2027)
    other = build_tree(other_year, "Vision\n  P\n    R\n      Annat mål")
    assert "sitt eget planår" in _refused(tree, "Närvaro", other["Annat mål"].pk)


def test_a_link_to_a_goal_that_is_gone_is_refused(tree):
    assert "finns inte längre" in _refused(tree, "Närvaro", 987654)


def test_an_ancestor_is_refused_by_the_rule():
    from goals import rules

    error = rules.link_error(
        source=(5, "activity", 1, 7),
        target=(3, "committee_goal", 1, 7),
        parent_id=4,
        ancestor_ids={1, 2, 3, 4},
    )
    assert "ovanför" in error


def test_removing_a_link_keeps_the_rest(tree):
    links.link_add(source=tree["Närvaro"], target_id=tree["Trygghet"].pk)
    links.link_add(source=tree["Närvaro"], target_id=tree["Budget i balans"].pk)
    assert links.link_remove(source=tree["Närvaro"], target_id=tree["Trygghet"].pk)
    assert not links.link_remove(source=tree["Närvaro"], target_id=tree["Trygghet"].pk)
    assert _pairs() == {("Närvaro", "Budget i balans")}


def test_links_are_recorded_in_the_history(tree):
    links.link_add(source=tree["Närvaro"], target_id=tree["Trygghet"].pk)
    links.link_remove(source=tree["Närvaro"], target_id=tree["Trygghet"].pk)
    assert list(NodeLink.history.order_by("history_id").values_list("history_type", flat=True)) == [
        "+",
        "-",
    ]


@pytest.mark.parametrize("deleted", ["Närvaro", "Trygghet", "Barn och unga", "Följa upp närvaro"])
def test_deleting_either_end_removes_the_link(tree, deleted):
    links.link_add(source=tree["Närvaro"], target_id=tree["Trygghet"].pk)
    links.link_add(source=tree["Skolorganisation"], target_id=tree["Förskola"].pk)
    links.link_add(source=tree["Följa upp närvaro"], target_id=tree["Förskola"].pk)
    before = _pairs()
    listed = links.links_going_with(tree[deleted])
    going = {(pair.source_title, pair.target_title) for pair in listed}
    services.node_delete(node=tree[deleted])
    # Exactly the links the confirmation listed went; the others stay.
    assert going and _pairs() == before - going
    assert ("Skolorganisation", "Förskola") in _pairs() or deleted == "Barn och unga"


def test_a_move_under_the_goal_it_also_supports_is_refused_and_changes_nothing(tree, plan_year):
    links.link_add(source=tree["Närvaro"], target_id=tree["Trygghet"].pk)
    with pytest.raises(ValidationError) as refused:
        services.node_move(node=tree["Närvaro"], target=tree["Trygghet"], position="last-child")
    assert "Ta bort länken först" in " ".join(refused.value.messages)
    assert Node.objects.get(pk=tree["Närvaro"].pk).parent_id == tree["Barn och unga"].pk
    assert _pairs() == {("Närvaro", "Trygghet")}


def test_an_activity_moved_under_the_goal_it_also_supports_is_refused(tree):
    links.link_add(source=tree["Följa upp närvaro"], target_id=tree["Förskola"].pk)
    with pytest.raises(ValidationError):
        services.node_move(
            node=tree["Följa upp närvaro"], target=tree["Förskola"], position="last-child"
        )
    assert Node.objects.get(pk=tree["Följa upp närvaro"].pk).parent_id == tree["Närvaro"].pk


def test_a_move_elsewhere_keeps_the_links(tree):
    links.link_add(source=tree["Närvaro"], target_id=tree["Trygghet"].pk)
    services.node_move(node=tree["Närvaro"], target=tree["Budget i balans"], position="last-child")
    assert _pairs() == {("Närvaro", "Trygghet")}


def test_a_new_committee_that_would_break_an_activitys_link_is_refused(tree, committees):
    links.link_add(source=tree["Följa upp närvaro"], target_id=tree["Förskola"].pk)
    goal = tree["Närvaro"]
    with pytest.raises(ValidationError) as refused:
        services.node_update(
            node=goal,
            expected_version=goal.version,
            title=goal.title,
            description="",
            committee=committees["sn"],
        )
    assert "egen nämnds" in " ".join(refused.value.messages)
    assert Node.objects.get(pk=goal.pk).committee_id == committees["bun"].pk


def test_the_year_copy_copies_the_links_onto_the_copies(tree, plan_year):
    links.link_add(source=tree["Närvaro"], target_id=tree["Trygghet"].pk)
    links.link_add(source=tree["Skolorganisation"], target_id=tree["Förskola"].pk)
    copy = services.plan_year_copy(source=plan_year, year=2027)
    copied = {
        (link.source.title, link.target.title, link.source.plan_year_id, link.target.plan_year_id)
        for link in NodeLink.objects.for_year(copy)
    }
    assert copied == {
        ("Närvaro", "Trygghet", copy.pk, copy.pk),
        ("Skolorganisation", "Förskola", copy.pk, copy.pk),
    }
    assert NodeLink.history.filter(plan_year_id=copy.pk).count() == 2
    assert NodeLink.objects.for_year(plan_year).count() == 2


def test_an_adopted_operational_plan_locks_its_goals_links(tree, plan_year, committees):
    import datetime

    from goals.services import ContentLockedError

    links.link_add(source=tree["Närvaro"], target_id=tree["Trygghet"].pk)
    services.operational_plan_step(
        plan_year=plan_year, committee=committees["bun"], step="mark_ready", expected_version=1
    )
    services.operational_plan_step(
        plan_year=plan_year,
        committee=committees["bun"],
        step="approve",
        expected_version=2,
        decision={"decided_on": datetime.date(2026, 1, 20)},
    )
    with pytest.raises(ContentLockedError):
        links.link_add(source=tree["Närvaro"], target_id=tree["Budget i balans"].pk)
    with pytest.raises(ContentLockedError):
        links.link_remove(source=tree["Närvaro"], target_id=tree["Trygghet"].pk)
    assert _pairs() == {("Närvaro", "Trygghet")}
