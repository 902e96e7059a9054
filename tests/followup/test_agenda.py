"""Agenda 2030: the global goals shipped as data, linking goals and indicators
to them, and the pages that read the links."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from followup.agendalinks import indicator_global_goals_set
from followup.indicatormodels import Indicator, IndicatorGlobalGoal
from followup.models import Assessment
from goals.agenda import node_global_goals_set
from goals.agendamodels import GLOBAL_GOALS, GlobalGoal, NodeGlobalGoal
from tests.factories import add_indicator, assess_all, grow_tree
from tests.followup.agenda_tree import agenda_tree, link


@pytest.fixture
def tree(plan_year, committees, periods):
    return agenda_tree(plan_year, periods)


def _links(node) -> list[int]:
    return sorted(NodeGlobalGoal.objects.filter(node=node).values_list("global_goal_id", flat=True))


# --- the data -------------------------------------------------------------------


def test_the_migration_ships_the_seventeen_global_goals(db):
    shipped = list(GlobalGoal.objects.order_by("number").values_list("number", "name", "colour"))
    assert len(shipped) == 17
    assert shipped == list(GLOBAL_GOALS)
    assert shipped[0] == (1, "Ingen fattigdom", "E5243B")
    assert shipped[4] == (5, "Jämställdhet", "FF3A21")
    assert shipped[7] == (8, "Anständiga arbetsvillkor och ekonomisk tillväxt", "A21942")
    assert shipped[12] == (13, "Bekämpa klimatförändringarna", "3F7E44")
    assert shipped[16] == (17, "Genomförande och globalt partnerskap", "19486A")


# --- linking --------------------------------------------------------------------


def _node_links_url(node) -> str:
    return reverse("followup:node_global_goals", kwargs={"pk": node.pk})


def test_official_links_a_municipal_goal_and_the_history_records_it(client, official, tree):
    client.force_login(official)
    goal = tree["Fler i arbete"]
    response = client.post(_node_links_url(goal), {"global_goals": ["8", "1"]})
    assert response.status_code == 302
    assert response["Location"] == goal.get_absolute_url()
    assert _links(goal) == [1, 8]
    records = NodeGlobalGoal.history.filter(node_id=goal.pk)
    assert sorted((r.global_goal_id, r.history_type) for r in records) == [(1, "+"), (8, "+")]
    assert {record.history_user for record in records} == {official}
    # Unticking removes the link, and that too is recorded.
    client.post(_node_links_url(goal), {"global_goals": ["8"]})
    assert _links(goal) == [8]
    assert NodeGlobalGoal.history.filter(node_id=goal.pk, history_type="-").count() == 1
    # The node page names the global goal, and its history says what changed.
    html = client.get(goal.get_absolute_url()).content.decode()
    assert "8. Anständiga arbetsvillkor och ekonomisk tillväxt" in html
    assert "Koppling till globalt mål 1. Ingen fattigdom" in html


def test_the_form_shows_the_goals_already_linked_as_ticked(client, official, tree):
    client.force_login(official)
    link(tree["Läsa bättre"], 4)
    html = client.get(_node_links_url(tree["Läsa bättre"])).content.decode()
    assert 'value="4" id="id_global_goals_3" checked' in html
    assert 'value="5" id="id_global_goals_4">' in html
    assert html.count('type="checkbox"') == 17


def test_a_global_goal_that_does_not_exist_changes_nothing(client, official, tree):
    client.force_login(official)
    goal = tree["Fler i arbete"]
    link(goal, 3)
    response = client.post(_node_links_url(goal), {"global_goals": ["4", "18"]})
    assert response.status_code == 400
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert _links(goal) == [3]
    # What was ticked stays ticked on the page.
    assert 'value="4" id="id_global_goals_3" checked' in response.content.decode()


def test_the_service_refuses_an_unknown_global_goal_in_swedish(tree):
    goal = tree["Fler i arbete"]
    link(goal, 3)
    with translation.override("sv"), pytest.raises(ValidationError) as refused:
        node_global_goals_set(node=goal, numbers=[4, 99])
    assert refused.value.messages == ["Det finns inget globalt mål med nummer 99."]
    assert _links(goal) == [3]


@pytest.mark.parametrize("title", ["Vision", "Kramforsbon", "Trygg kommun", "Lovskola"])
def test_only_municipal_and_committee_goals_can_be_linked(client, official, tree, title):
    client.force_login(official)
    node = tree[title]
    message = "Endast kommunövergripande mål och nämndmål kan kopplas till de globala målen."
    page = client.get(_node_links_url(node))
    assert message in page.content.decode()
    assert 'type="checkbox"' not in page.content.decode()
    response = client.post(_node_links_url(node), {"global_goals": ["5"]})
    assert response.status_code == 400
    assert message in response.content.decode()
    with translation.override("sv"), pytest.raises(ValidationError) as refused:
        node_global_goals_set(node=node, numbers=[5])
    assert refused.value.messages == [message]
    assert NodeGlobalGoal.objects.count() == 0


def test_a_committee_goals_secretary_may_not_link_it(client, secretary, tree):
    client.force_login(secretary)
    response = client.post(_node_links_url(tree["Läsa bättre"]), {"global_goals": ["4"]})
    assert response.status_code == 403
    assert NodeGlobalGoal.objects.count() == 0


def test_official_links_an_indicator(client, official, tree):
    client.force_login(official)
    indicator = add_indicator(tree["Läsa bättre"], "Andel behöriga")
    url = reverse("followup:indicator_global_goals", kwargs={"pk": indicator.pk})
    # Its goal's page leads there, and so does a municipal indicator's edit page.
    assert url in client.get(tree["Läsa bättre"].get_absolute_url()).content.decode()
    municipal = add_indicator(tree["Fler i arbete"], "Andel i arbete")
    edit_url = reverse("followup:indicator_edit", kwargs={"pk": municipal.pk})
    municipal_url = reverse("followup:indicator_global_goals", kwargs={"pk": municipal.pk})
    assert municipal_url in client.get(edit_url).content.decode()
    response = client.post(url, {"global_goals": ["4", "10"]})
    assert response.status_code == 302
    assert response["Location"] == tree["Läsa bättre"].get_absolute_url() + "#indicators"
    linked = IndicatorGlobalGoal.objects.filter(indicator=indicator)
    assert sorted(linked.values_list("global_goal_id", flat=True)) == [4, 10]
    assert IndicatorGlobalGoal.history.filter(indicator_id=indicator.pk).count() == 2
    response = client.post(url, {"global_goals": ["0"]})
    assert response.status_code == 400
    assert linked.count() == 2
    with translation.override("sv"), pytest.raises(ValidationError):
        indicator_global_goals_set(indicator=indicator, numbers=[4, 30])
    assert linked.count() == 2


# --- the pages ------------------------------------------------------------------


def _index_url(plan_year, period=None) -> str:
    url = reverse("followup:global_goal_index", kwargs={"year": plan_year.year})
    return f"{url}?period={period.pk}" if period else url


def _goal_url(plan_year, number, period=None) -> str:
    url = reverse("followup:global_goal", kwargs={"year": plan_year.year, "number": number})
    return f"{url}?period={period.pk}" if period else url


def test_index_lists_the_seventeen_with_the_linked_goals_counted(
    councillor_client, plan_year, tree, periods
):
    link(tree["Fler i arbete"], 8)
    link(tree["Läsa bättre"], 4, 8)
    add_indicator(tree["Läsa bättre"]).global_goal_links.create(global_goal_id=4)
    response = councillor_client.get(_index_url(plan_year, periods[0]))
    assert response.status_code == 200
    html = response.content.decode()
    for number, name, _colour in GLOBAL_GOALS:
        assert f"{number}. {name}" in html
    rows = {row.goal.number: row for row in response.context["summary"].rows}
    assert rows[8].counts == {"met": 1, "partly_met": 1}
    assert rows[4].counts == {"partly_met": 1}
    assert rows[4].indicators == 1
    assert rows[1].goals == 0
    assert "1 uppfyllt · 1 delvis uppfyllt" in html


def test_global_goal_page_lists_the_linked_goals_and_indicators_with_status(
    councillor_client, plan_year, tree, periods
):
    interim, annual = periods
    link(tree["Fler i arbete"], 8)
    link(tree["Kortare försörjningsstöd"], 8, 1)
    link(tree["Budget i balans"], 17)
    indicator = add_indicator(
        tree["Fler i arbete"], "Andel i arbete", target=80, outcomes={interim: "77.5"}, unit="%"
    )
    indicator_global_goals_set(indicator=indicator, numbers=[8])
    add_indicator(tree["Budget i balans"], "Resultat")
    response = councillor_client.get(_goal_url(plan_year, 8, interim))
    assert response.status_code == 200
    page = response.context["page"]
    assert [goal.title for goal in page.goals] == ["Fler i arbete", "Kortare försörjningsstöd"]
    assert [goal.status for goal in page.goals] == ["met", "missing"]
    html = response.content.decode()
    assert "Globalt mål 8: Anständiga arbetsvillkor och ekonomisk tillväxt" in html
    assert "Budget i balans" not in html
    assert "Andel i arbete" in html and "77,5 %" in html and "80 %" in html
    assert [row.status for row in page.indicators] == ["partly_met"]
    assert "Resultat" not in html
    # The röd tråd filtered to the global goal is one link away.
    assert "global_goal=8" in html
    # In another period, the statuses of that period.
    response = councillor_client.get(_goal_url(plan_year, 8, annual))
    assert [goal.status for goal in response.context["page"].goals] == ["missing", "missing"]


def test_a_global_goal_that_does_not_exist_has_no_page(councillor_client, plan_year, tree):
    assert councillor_client.get(_goal_url(plan_year, 18)).status_code == 404
    assert councillor_client.get(_goal_url(plan_year, 0)).status_code == 404


def test_residents_read_the_pages_with_published_periods_only(client, settings, tree, periods):
    interim, annual = periods
    interim.publish()
    plan_year = interim.plan_year
    link(tree["Läsa bättre"], 4)
    Assessment.objects.create(node=tree["Läsa bättre"], period=annual, status="met")
    settings.PUBLIC_ACCESS = False
    assert client.get(_goal_url(plan_year, 4)).status_code == 302
    assert client.get(_index_url(plan_year)).status_code == 302
    settings.PUBLIC_ACCESS = True
    response = client.get(_goal_url(plan_year, 4, annual))
    assert response.status_code == 200
    assert response.context["period"] == interim
    assert [goal.status for goal in response.context["page"].goals] == ["partly_met"]
    assert client.get(_index_url(plan_year)).status_code == 200


def _big_linked_year(plan_year, committees, period, goals):
    nodes = grow_tree(plan_year, committees, goals)
    assess_all(nodes, period)
    for index, node in enumerate(nodes):
        if node.kind in ("municipal_goal", "committee_goal"):
            link(node, 1 + index % 17, 1 + (index + 5) % 17)
            indicator = add_indicator(node, f"Nyckeltal {node.pk}", outcomes={period: 85})
            indicator_global_goals_set(indicator=indicator, numbers=[1 + index % 17])
    return nodes


@pytest.mark.parametrize("goals", [3, 30])
def test_agenda_pages_query_count_does_not_grow_with_the_year(
    councillor_client, plan_year, committees, periods, goals, django_assert_num_queries
):
    _big_linked_year(plan_year, committees, periods[0], goals)
    # Expect 8 queries:
    # * the session
    # * the user
    # * the plan year
    # * its periods the reader may see
    # * the global goals
    # * the links of the year's goals with their status in the period
    # * the links of the year's indicators, counted per global goal
    # * the user's groups and committees, in one query (roles, for the menu)
    with django_assert_num_queries(8):
        response = councillor_client.get(_index_url(plan_year, periods[0]))
    assert sum(row.goals for row in response.context["summary"].rows) == 2 * (8 + goals)
    # Expect 8 queries:
    # * the session
    # * the user
    # * the plan year
    # * its periods the reader may see
    # * the global goal
    # * the linked goals in tree order with their status in the period
    # * the linked indicators with their outcome in the period
    # * the user's groups and committees, in one query (roles, for the menu)
    with django_assert_num_queries(8):
        response = councillor_client.get(_goal_url(plan_year, 1, periods[0]))
    assert response.context["page"].goals


@pytest.mark.parametrize("goals", [3, 30])
def test_link_pages_query_count_does_not_grow_with_the_year(
    client, official, plan_year, committees, periods, goals, django_assert_num_queries
):
    _big_linked_year(plan_year, committees, periods[0], goals)
    client.force_login(official)
    node = NodeGlobalGoal.objects.order_by("-pk").first().node
    indicator = Indicator.objects.order_by("-pk").first()
    # Expect 6 queries:
    # * the session
    # * the user
    # * the user's groups and committees (roles: may they link?)
    # * the goal with its plan year and committee
    # * its global goals now
    # * the 17 global goals
    with django_assert_num_queries(6):
        response = client.get(_node_links_url(node))
    assert response.content.decode().count('type="checkbox"') == 17
    # The same for an indicator, with its goal and plan year.
    with django_assert_num_queries(6):
        response = client.get(
            reverse("followup:indicator_global_goals", kwargs={"pk": indicator.pk})
        )
    assert response.content.decode().count(" checked") == 1


def test_target_and_outcome_are_written_as_a_person_writes_them(db):
    from followup.agenda import LinkedIndicator

    row = LinkedIndicator(1, "Andel", "%", Decimal("80.000"), 2, "Mål", None)
    assert (row.target_text, row.outcome_text) == ("80 %", "–")
