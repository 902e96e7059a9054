"""Open data: a plan year's tree with its follow-up as JSON."""

from decimal import Decimal

import pytest
from django.urls import reverse

from followup import api
from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.models import Assessment
from tests.factories import add_assignments, assess_all, build_tree, grow_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
              Lovskola [bun]
"""


@pytest.fixture
def tree(plan_year, committees, periods):
    """The interim report is published, the annual report is not."""
    interim, annual = periods
    interim.publish()
    nodes = build_tree(plan_year, OUTLINE)
    Assessment.objects.create(
        node=nodes["Läsa bättre"], period=interim, status="partly_met", analysis="Publicerad text."
    )
    Assessment.objects.create(
        node=nodes["Läsa bättre"], period=annual, status="met", analysis="Opublicerad text."
    )
    indicator = Indicator.objects.create(
        node=nodes["Fler i arbete"],
        name="Andel i arbete",
        unit="%",
        baseline=Decimal("78.5"),
        target=Decimal("85"),
        kolada_kpi="N15033",
    )
    IndicatorOutcome.objects.create(indicator=indicator, period=interim, value=Decimal("80.1"))
    IndicatorOutcome.objects.create(
        indicator=indicator, period=annual, value=Decimal("81.2"), source="Kolada"
    )
    return nodes


def _year_url(year: int = 2026, page: int | None = None) -> str:
    url = reverse("followup:api_year", kwargs={"year": year})
    return f"{url}?page={page}" if page else url


def test_year_gives_every_node_with_its_follow_up(councillor_client, tree, periods):
    response = councillor_client.get(_year_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["year"] == 2026
    assert [p["title"] for p in data["periods"]] == ["Delårsrapport 2026", "Årsredovisning 2026"]
    assert data["count"] == 6 and data["page"] == 1 and data["pages"] == 1
    assert data["next"] is None and data["previous"] is None
    assert [node["title"] for node in data["nodes"]] == [
        "Vision",
        "Kramforsbon",
        "Trygg kommun",
        "Fler i arbete",
        "Läsa bättre",
        "Lovskola",
    ]
    nodes = {node["title"]: node for node in data["nodes"]}
    reading = nodes["Läsa bättre"]
    assert reading["parent_id"] == tree["Fler i arbete"].pk
    assert reading["kind"] == "committee_goal" and reading["kind_label"] == "Nämndmål"
    assert reading["level"] == 4
    assert reading["committee"] == {
        "id": tree["Läsa bättre"].committee_id,
        "name": "Barn- och utbildningsnämnden",
        "short_name": "BUN",
    }
    assert reading["url"] == f"http://testserver/nod/{tree['Läsa bättre'].pk}/"
    assert [(a["period_id"], a["status"], a["analysis"]) for a in reading["assessments"]] == [
        (periods[0].pk, "partly_met", "Publicerad text."),
        (periods[1].pk, "met", "Opublicerad text."),
    ]
    assert reading["assessments"][0]["status_label"] == "delvis uppfyllt"
    work = nodes["Fler i arbete"]
    assert work["committee"] is None
    [indicator] = work["indicators"]
    assert indicator["name"] == "Andel i arbete" and indicator["unit"] == "%"
    assert indicator["baseline"] == "78.500" and indicator["target"] == "85.000"
    assert indicator["direction"] == "higher" and indicator["kolada_kpi"] == "N15033"
    assert indicator["outcomes"] == [
        {"period_id": periods[0].pk, "value": "80.100", "forecast": None, "source": ""},
        {"period_id": periods[1].pk, "value": "81.200", "forecast": None, "source": "Kolada"},
    ]


def test_pages_follow_the_tree_order_with_next_links(councillor_client, tree, monkeypatch):
    monkeypatch.setattr(api, "PAGE_SIZE", 4)
    first = councillor_client.get(_year_url()).json()
    assert first["pages"] == 2 and len(first["nodes"]) == 4
    assert first["next"] == "http://testserver" + _year_url(page=2)
    second = councillor_client.get(first["next"]).json()
    assert second["previous"] == "http://testserver" + _year_url(page=1)
    assert second["next"] is None
    assert [node["title"] for node in second["nodes"]] == ["Läsa bättre", "Lovskola"]
    # The second page still carries its nodes' assessments, found by their place in the tree.
    assert len(second["nodes"][0]["assessments"]) == 2


@pytest.mark.parametrize("page", ["0", "x", "-1", "²"])
def test_a_page_that_is_not_a_number_is_refused(councillor_client, tree, page):
    response = councillor_client.get(_year_url() + f"?page={page}")
    assert response.status_code == 400
    assert response.json() == {"error": "”page” måste vara ett heltal från 1 och uppåt."}


def test_a_page_past_the_end_is_404(councillor_client, tree):
    response = councillor_client.get(_year_url(page=2))
    assert response.status_code == 404
    assert response.json()["error"] == "Sidan 2 finns inte; året har 1."


def test_unknown_year_is_404(councillor_client, db):
    response = councillor_client.get(_year_url(1999))
    assert response.status_code == 404
    assert response.json()["error"] == "Det finns inget planår 1999."


def test_empty_year_has_one_empty_page(councillor_client, plan_year):
    data = councillor_client.get(_year_url()).json()
    assert (data["count"], data["pages"], data["nodes"]) == (0, 1, [])


def test_index_lists_the_years_with_their_periods(councillor_client, tree, periods):
    response = councillor_client.get(reverse("followup:api_years"))
    data = response.json()
    assert data["municipality"] == "Kramfors kommun"
    [year] = data["years"]
    assert year["year"] == 2026
    assert year["url"] == "http://testserver" + _year_url()
    assert [p["id"] for p in year["periods"]] == [periods[0].pk, periods[1].pk]
    assert year["periods"][0]["cutoff_date"] == "2026-08-31"
    assert year["periods"][0]["published_at"] is not None
    assert year["periods"][1]["published_at"] is None
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("goals", [3, 30])
def test_query_count_does_not_grow_with_the_tree(
    councillor_client, plan_year, committees, periods, goals, django_assert_num_queries
):
    nodes = grow_tree(plan_year, committees, goals)
    assess_all(nodes, periods[0])
    for node in nodes:
        if node.kind == "committee_goal":
            indicator = Indicator.objects.create(node=node, name="Mått", target=1)
            IndicatorOutcome.objects.create(indicator=indicator, period=periods[0], value=1)
    add_assignments(nodes, periods[0], goals)
    # Expect 14 queries:
    # * the session and the user
    # * the plan year
    # * its periods
    # * the number of nodes
    # * the page's nodes with their committees
    # * their assessments
    # * their indicators' outcomes
    # * their global goals
    # * their indicators' global goals
    # * their indicators
    # * the goals they also support
    # * the year's assignments with their committees, and their follow-ups (two queries)
    with django_assert_num_queries(14):
        response = councillor_client.get(_year_url())
    assert len(response.json()["nodes"]) == len(nodes)
    assert len(response.json()["assignments"]) == goals


def test_index_query_count(councillor_client, tree, django_assert_num_queries):
    # Expect 4 queries:
    # * the session and the user
    # * the plan years
    # * their periods
    with django_assert_num_queries(4):
        councillor_client.get(reverse("followup:api_years"))


def test_the_open_data_names_the_goals_a_node_also_supports(councillor_client, plan_year, tree):
    from goals import links, services
    from goals.models import Node

    goal = Node.objects.get(title="Läsa bättre")
    # The tree has one municipal goal, the goal's parent: another to support.
    second = services.node_create(
        plan_year=plan_year,
        parent=Node.objects.get(title="Trygg kommun"),
        kind="municipal_goal",
        title="Trygghet",
    )
    links.link_add(source=goal, target_id=second.pk)
    nodes = {node["title"]: node for node in councillor_client.get(_year_url()).json()["nodes"]}
    assert nodes["Läsa bättre"]["also_supports"] == [second.pk]
    assert nodes["Lovskola"]["also_supports"] == []


def test_the_year_gives_its_assignments_with_their_published_follow_up(
    client, settings, tree, periods, committees
):
    from followup.assignmentmodels import AssignmentFollowup
    from goals.assignmentmodels import Assignment

    settings.PUBLIC_ACCESS = True
    interim, annual = periods
    assignment = Assignment.objects.create(
        plan_year=interim.plan_year,
        committee=committees["bun"],
        goal=tree["Fler i arbete"],
        title="Utred skolskjutsarna",
        paragraph="112",
    )
    AssignmentFollowup.objects.create(assignment=assignment, period=interim, status="done")
    AssignmentFollowup.objects.create(assignment=assignment, period=annual, status="cancelled")
    data = client.get(_year_url()).json()
    [given] = data["assignments"]
    assert given["title"] == "Utred skolskjutsarna"
    assert given["committee"]["short_name"] == "BUN"
    assert given["goal_id"] == tree["Fler i arbete"].pk
    assert given["decision"]["paragraph"] == "112"
    # The public sees the published period's follow-up only.
    assert [(row["period_id"], row["status_label"]) for row in given["followups"]] == [
        (interim.pk, "genomfört")
    ]
