"""The röd tråd shows a node that also supports a goal under that goal as a
reference to its home, and the demo's links show it."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from followup.demolinks import DEMO_LINKS
from goals import links
from goals.linkmodels import NodeLink
from goals.models import Node, NodeKind, PlanYear
from tests.factories import assess_all, grow_tree

NOTE = "Stödjer även – hemma under"


def _url(year: int, **params) -> str:
    url = reverse("followup:red_thread", kwargs={"year": year})
    return url + "?" + "&".join(f"{key}={value}" for key, value in params.items())


def _reference_items(html: str) -> list[str]:
    return re.findall(r'<li class="node node--\w+ node--reference">.*?</li>', html)


def test_the_demo_has_five_links_across_perspectives(db):
    call_command("load_demo", "--year", "2026")
    plan_year = PlanYear.objects.get(year=2026)
    found = list(NodeLink.objects.for_year(plan_year).select_related("source", "target"))
    assert len(found) == len(DEMO_LINKS) == 5
    kinds = {link.source.kind for link in found}
    assert kinds == {NodeKind.COMMITTEE_GOAL, NodeKind.ACTIVITY}

    def perspective(node: Node) -> int:
        return node.get_ancestors().get(level=1).pk

    assert all(perspective(link.source) != perspective(link.target) for link in found)


def test_a_linked_activity_shows_under_its_home_and_as_a_reference_under_its_other_goal(
    councillor_client, db
):
    call_command("load_demo", "--year", "2026")
    activity = Node.objects.get(title="Anpassa skolorganisationen efter elevunderlaget")
    other = Node.objects.get(title="Alla barn i förskolan ska erbjudas en likvärdig utbildning")
    home_url, other_url = activity.parent.get_absolute_url(), other.get_absolute_url()
    html = councillor_client.get(_url(2026, level="activity")).content.decode()
    # Once at home, as a node of the tree ...
    assert html.count(f'href="{activity.get_absolute_url()}"') == 2
    assert (
        '<li class="node node--activity"><div class="node-row"><span class="kind">Aktivitet' in html
    )
    # ... and once under the goal it also supports: a reference, marked in
    # words (for screen readers too), with a link to its home, and no subtree.
    other_start = html.index(f'href="{other_url}"')
    references = _reference_items(html[other_start:])
    mine = [item for item in references if activity.get_absolute_url() in item]
    assert len(mine) == 1
    assert NOTE in mine[0]
    assert f'href="{home_url}"' in mine[0]
    assert "<ul" not in mine[0] and "<details" not in mine[0]
    assert len(_reference_items(html)) == 5


def test_references_are_not_shown_where_the_goals_children_are_hidden(councillor_client, db):
    call_command("load_demo", "--year", "2026")
    # By default down to the municipal goals: no committee goal is shown, nor a reference to one.
    html = councillor_client.get(_url(2026)).content.decode()
    assert NOTE not in html
    html = councillor_client.get(_url(2026, level="committee_goal")).content.decode()
    assert len(_reference_items(html)) == 2  # the committee goals under municipal goals


@pytest.mark.parametrize("goals", [3, 30])
def test_links_do_not_change_the_query_count(
    councillor_client, plan_year, committees, periods, goals, django_assert_num_queries
):
    nodes = grow_tree(plan_year, committees, goals)
    assess_all(nodes, periods[0])
    url = _url(plan_year.year, period=periods[0].pk, level="activity")
    # Expect 8 queries, as test_red_thread.py lists them, the year's links among them.
    with django_assert_num_queries(8):
        without = councillor_client.get(url).content.decode()
    assert NOTE not in without
    municipal = [node for node in nodes if node.kind == NodeKind.MUNICIPAL_GOAL]
    goals_ = [node for node in nodes if node.kind == NodeKind.COMMITTEE_GOAL]
    for goal in goals_:
        fresh = Node.objects.get(pk=goal.pk)
        other = next(m for m in municipal if m.pk != fresh.parent_id)
        links.link_add(source=fresh, target_id=other.pk)
    with django_assert_num_queries(8):
        linked = councillor_client.get(url).content.decode()
    assert len(_reference_items(linked)) == len(goals_)
