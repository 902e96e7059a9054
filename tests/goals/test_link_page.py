"""The page that edits what a node also supports, the node page's list of
links, and the delete confirmation that names the links that go."""

import pytest
from django.urls import reverse

from goals import links
from goals.linkmodels import NodeLink
from goals.models import Node, NodeKind
from tests.factories import assess_all, build_tree, grow_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Barn och unga
            Närvaro [bun]
              Följa upp närvaro [bun]
            Förskola [bun]
          Trygghet
"""


@pytest.fixture
def tree(plan_year, committees):
    return build_tree(plan_year, OUTLINE)


def _page(node: Node) -> str:
    return reverse("goals:node_links", kwargs={"pk": node.pk})


def test_a_secretary_adds_and_removes_a_link_with_plain_form_posts(client, secretary, tree):
    client.force_login(secretary)
    page = client.get(_page(tree["Närvaro"])).content.decode()
    assert "Trygghet" in page and 'name="target"' in page
    response = client.post(_page(tree["Närvaro"]), {"action": "add", "target": tree["Trygghet"].pk})
    assert response.status_code == 302
    assert NodeLink.objects.filter(source=tree["Närvaro"], target=tree["Trygghet"]).exists()
    page = client.get(_page(tree["Närvaro"])).content.decode()
    assert "Länken lades till." in page and "Ta bort länken" in page
    response = client.post(
        _page(tree["Närvaro"]), {"action": "remove", "target": tree["Trygghet"].pk}
    )
    assert response.status_code == 302
    assert not NodeLink.objects.exists()


@pytest.mark.parametrize(
    "target, message",
    [
        ("Barn och unga", "förälder i trädet"),
        ("Förskola", "typen ”Kommunövergripande mål”"),
        ("abc", "Fyll i ett heltal"),
        ("99999999999999999999999", "Kontrollera att detta värde är mindre än eller lika med"),
    ],
)
def test_a_bad_link_gets_a_swedish_message_and_changes_nothing(
    client, secretary, tree, target, message
):
    client.force_login(secretary)
    value = tree[target].pk if target in tree else target
    response = client.post(_page(tree["Närvaro"]), {"action": "add", "target": value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NodeLink.objects.exists()


@pytest.mark.parametrize("goals", [3, 30])
def test_link_page_query_count_does_not_grow(
    client, secretary, plan_year, committees, goals, django_assert_num_queries
):
    nodes = grow_tree(plan_year, committees, goals)
    bun = [
        n for n in nodes if n.kind == NodeKind.COMMITTEE_GOAL and n.committee == committees["bun"]
    ]
    municipal = [n for n in nodes if n.kind == NodeKind.MUNICIPAL_GOAL]
    goal = Node.objects.get(pk=bun[0].pk)
    for other in [m for m in municipal if m.pk != goal.parent_id][:3]:
        links.link_add(source=goal, target_id=other.pk)
    client.force_login(secretary)
    # Expect 6 queries:
    # * the node with its plan year, committee and parent
    # * the session and the user
    # * the user's groups and committees (roles: may the user edit it)
    # * the goals it also supports, with their committees and parents
    # * the goals it may still support (the choices)
    with django_assert_num_queries(6):
        response = client.get(_page(goal))
    assert response.content.decode().count("Ta bort länken") == 3


def test_the_node_page_lists_both_directions_and_the_roll_up_through_links_apart(
    councillor_client, tree, periods
):
    links.link_add(source=tree["Närvaro"], target_id=tree["Trygghet"].pk)
    assess_all([Node.objects.get(pk=tree["Närvaro"].pk)], periods[0])
    html = councillor_client.get(tree["Trygghet"].get_absolute_url()).content.decode()
    assert "Stöds även av" in html and "Närvaro" in html
    assert f'hemma under <a href="{tree["Barn och unga"].get_absolute_url()}"' in html
    assert "Stödjer genom länkar i" in html and "Räknas för sig" in html
    html = councillor_client.get(tree["Närvaro"].get_absolute_url()).content.decode()
    assert "stödjer den även" in html and tree["Trygghet"].get_absolute_url() in html


def test_the_delete_confirmation_lists_the_links_first(client, secretary, tree):
    links.link_add(source=tree["Följa upp närvaro"], target_id=tree["Förskola"].pk)
    links.link_add(source=tree["Närvaro"], target_id=tree["Trygghet"].pk)
    client.force_login(secretary)
    html = client.get(reverse("goals:node_delete", kwargs={"pk": tree["Närvaro"].pk})).content
    html = html.decode()
    listed = html.index("stödjer även-länkar")
    assert listed < html.index("Detta tar också bort")  # before the items under it
    assert "”Närvaro” stödjer även ”Trygghet”" in html
    assert "”Följa upp närvaro” stödjer även ”Förskola”" in html
    version = Node.objects.get(pk=tree["Närvaro"].pk).version
    client.post(
        reverse("goals:node_delete", kwargs={"pk": tree["Närvaro"].pk}), {"version": version}
    )
    assert not NodeLink.objects.exists()


def test_the_node_pages_history_names_links_added_and_removed_at_both_ends(client, secretary, tree):
    client.force_login(secretary)
    source, target = tree["Närvaro"], tree["Trygghet"]
    client.post(_page(source), {"action": "add", "target": target.pk})
    client.post(_page(source), {"action": "remove", "target": target.pk})
    assert not NodeLink.objects.exists()

    def history(node) -> str:
        html = client.get(node.get_absolute_url()).content.decode()
        return html[html.index('id="history-heading"') :]

    source_history = history(source)
    assert source_history.count("Stödjer även: Trygghet") == 2  # added, then removed
    assert "borttagen" in source_history
    target_history = history(target)
    assert target_history.count("Stöds även av: Närvaro") == 2
    # A link whose other end has since been deleted still shows, without its name.
    links.link_add(source=tree["Förskola"], target_id=target.pk)
    version = Node.objects.get(pk=tree["Förskola"].pk).version
    client.post(
        reverse("goals:node_delete", kwargs={"pk": tree["Förskola"].pk}), {"version": version}
    )
    assert "Stöds även av: ?" in history(target)
