import pytest
from django.urls import reverse

from followup.models import Assessment
from tests.factories import add_indicator, assess_all, build_tree, grow_tree


@pytest.fixture
def tree(plan_year, committees, periods):
    nodes = build_tree(
        plan_year,
        """
        Vision
          Kramforsbon
            Trygg kommun
              Fler i arbete
                Läsa bättre [bun]
                  Lovskola [bun]
                  Läsfrämjande insats [bun]
        """,
    )
    Assessment.objects.create(
        node=nodes["Läsa bättre"],
        period=periods[0],
        status="partly_met",
        analysis="Läsförmågan har ökat men inte nått målnivån.",
    )
    return nodes


def test_breadcrumbs_run_up_to_the_vision(councillor_client, tree):
    response = councillor_client.get(tree["Lovskola"].get_absolute_url())
    html = response.content.decode()
    crumbs = html[
        html.index('class="breadcrumbs"') : html.index("</nav>", html.index("breadcrumbs"))
    ]
    positions = [crumbs.index(t) for t in ["Röd tråd 2026", "Vision", "Kramforsbon", "Läsa bättre"]]
    assert positions == sorted(positions)
    assert 'aria-current="page">Lovskola' in crumbs


def test_shows_assessment_of_every_period(councillor_client, tree, periods):
    response = councillor_client.get(tree["Läsa bättre"].get_absolute_url())
    html = response.content.decode()
    assert "Delårsrapport 2026" in html
    assert "Årsredovisning 2026" in html
    assert "delvis uppfyllt" in html
    assert "Läsförmågan har ökat" in html
    assert "Inte bedömd i den här perioden." in html


def test_shows_children_with_status(councillor_client, tree):
    html = councillor_client.get(tree["Läsa bättre"].get_absolute_url()).content.decode()
    assert "Lovskola" in html and "Läsfrämjande insats" in html
    assert "ej rapporterad" in html


def test_vision_has_no_assessments_section(councillor_client, tree):
    html = councillor_client.get(tree["Vision"].get_absolute_url()).content.decode()
    assert "Inte bedömd" not in html
    assert "Kramforsbon" in html


def test_unknown_node_is_404(councillor_client, db):
    assert (
        councillor_client.get(reverse("followup:node_detail", kwargs={"pk": 999999})).status_code
        == 404
    )


@pytest.mark.parametrize("goals", [3, 30])
def test_query_count_does_not_grow_with_the_tree(
    councillor_client, plan_year, committees, periods, goals, django_assert_num_queries
):
    nodes = grow_tree(plan_year, committees, goals)
    assess_all(nodes, periods[0])
    municipal = next(n for n in nodes if n.kind == "municipal_goal")
    add_indicator(municipal, outcomes={periods[0]: 95})
    # Expect 13 queries:
    # * the session and the user
    # * the node with its plan year and committee, and its ancestors (breadcrumbs)
    # * the year's periods, each with the node's assessment and who made it
    # * its children with their committees and their statuses in every period
    # * the node's indicators with their outcomes (none for a kind without indicators)
    # * the indicators' outcomes over periods and years (their trends)
    # * its descendants' statuses counted in the current period (the roll-up counts)
    # * its also-supports links both ways, with the other ends' statuses
    # * the user's groups and committees (roles: what may be edited)
    # * the history of the node, its assessments, its indicators and their outcomes
    # * the names of the parents the node's history mentions
    # * the goal's Agenda 2030 global goals
    with django_assert_num_queries(13):
        response = councillor_client.get(municipal.get_absolute_url())
    assert response.status_code == 200
