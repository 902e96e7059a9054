import pytest
from django.urls import reverse

from followup.models import Assessment
from tests.factories import assess_all, build_tree, grow_tree


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


def test_breadcrumbs_run_up_to_the_vision(client, tree):
    response = client.get(tree["Lovskola"].get_absolute_url())
    html = response.content.decode()
    crumbs = html[
        html.index('class="breadcrumbs"') : html.index("</nav>", html.index("breadcrumbs"))
    ]
    positions = [crumbs.index(t) for t in ["Röd tråd 2026", "Vision", "Kramforsbon", "Läsa bättre"]]
    assert positions == sorted(positions)
    assert 'aria-current="page">Lovskola' in crumbs


def test_shows_assessment_of_every_period(client, tree, periods):
    response = client.get(tree["Läsa bättre"].get_absolute_url())
    html = response.content.decode()
    assert "Delårsrapport 2026" in html
    assert "Årsredovisning 2026" in html
    assert "delvis uppfyllt" in html
    assert "Läsförmågan har ökat" in html
    assert "Inte bedömd i den här perioden." in html


def test_shows_children_with_status(client, tree):
    html = client.get(tree["Läsa bättre"].get_absolute_url()).content.decode()
    assert "Lovskola" in html and "Läsfrämjande insats" in html
    assert "ej rapporterad" in html


def test_vision_has_no_assessments_section(client, tree):
    html = client.get(tree["Vision"].get_absolute_url()).content.decode()
    assert "Inte bedömd" not in html
    assert "Kramforsbon" in html


def test_unknown_node_is_404(client, db):
    assert client.get(reverse("node_detail", kwargs={"pk": 999999})).status_code == 404


@pytest.mark.parametrize("goals", [3, 30])
def test_query_count_does_not_grow_with_the_tree(
    client, plan_year, committees, periods, goals, django_assert_num_queries
):
    nodes = grow_tree(plan_year, committees, goals)
    assess_all(nodes, periods[0])
    municipal = next(n for n in nodes if n.kind == "municipal_goal")
    # Expect 6 queries:
    # * the node with its plan year and committee
    # * its ancestors (breadcrumbs)
    # * its children with their committees
    # * the year's periods
    # * the node's assessments with who made them
    # * the children's statuses in the current period
    with django_assert_num_queries(6):
        response = client.get(municipal.get_absolute_url())
    assert response.status_code == 200
