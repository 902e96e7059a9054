"""Agenda 2030's links where the rest of the follow-up reads them: the röd
tråd's filter, the overview, the open data, the year copy, the backup and the demo."""

import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from followup.agendalinks import indicator_global_goals_set
from followup.backup import year_export, year_import
from followup.indicatormodels import Indicator, IndicatorGlobalGoal
from followup.services import plan_year_start
from goals.agendamodels import GlobalGoal, NodeGlobalGoal
from goals.models import Node, NodeKind, PlanYear
from tests.factories import add_indicator, assess_all, grow_tree
from tests.followup.agenda_tree import agenda_tree, link
from tests.followup.test_backup import _wipe


@pytest.fixture
def tree(plan_year, committees, periods):
    return agenda_tree(plan_year, periods)


def _red_thread(plan_year, **params) -> str:
    url = reverse("followup:red_thread", kwargs={"year": plan_year.year})
    return url + "?" + "&".join(f"{key}={value}" for key, value in params.items())


# --- the röd tråd ------------------------------------------------------------------


def test_red_thread_filter_shows_the_linked_goals_with_their_ancestors(
    councillor_client, plan_year, tree, periods
):
    link(tree["Kortare försörjningsstöd"], 1)
    link(tree["Budget i balans"], 8)
    response = councillor_client.get(_red_thread(plan_year, global_goal=1, period=periods[0].pk))
    html = response.context["tree"].html
    assert "Kortare försörjningsstöd" in html
    assert "Fler i arbete" in html and "Kramforsbon" in html  # its ancestors, for context
    assert "Läsa bättre" not in html
    assert "Budget i balans" not in html
    assert response.context["filters"].active
    page = response.content.decode()
    assert "Mål kopplade till det globala målet 1. Ingen fattigdom." in page
    # The filter's own choice, kept by the form: the seventeen, the one chosen selected.
    assert '<select name="global_goal" id="id_global_goal">' in page
    assert '<option value="1" selected>1. Ingen fattigdom</option>' in page
    assert page.count('<option value="', page.index('name="global_goal"')) >= 18
    # The filter is kept in the page's other links, and can be cleared.
    assert "global_goal=1" in response.context["filters"].query(level="activity")
    # Without links to the goal chosen, nothing matches.
    response = councillor_client.get(_red_thread(plan_year, global_goal=13))
    assert response.context["tree"].shown == 0


def test_red_thread_leads_to_the_global_goals_whose_pages_filter_it(
    councillor_client, plan_year, tree, periods
):
    link(tree["Kortare försörjningsstöd"], 1)
    page = councillor_client.get(_red_thread(plan_year, period=periods[0].pk)).content.decode()
    index = reverse("followup:global_goal_index", kwargs={"year": plan_year.year})
    assert f'href="{index}?period={periods[0].pk}"' in page
    goal_page = reverse("followup:global_goal", kwargs={"year": plan_year.year, "number": 1})
    detail = councillor_client.get(f"{goal_page}?period={periods[0].pk}").content.decode()
    assert f"period={periods[0].pk}&amp;global_goal=1" in detail


def test_red_thread_ignores_a_global_goal_that_does_not_exist(councillor_client, plan_year, tree):
    response = councillor_client.get(_red_thread(plan_year, global_goal=18))
    assert response.status_code == 200
    assert "Några val var ogiltiga" in response.content.decode()
    assert not response.context["filters"].active


@pytest.mark.parametrize("goals", [3, 30])
def test_red_thread_filter_query_count_does_not_grow_with_the_tree(
    councillor_client, plan_year, committees, periods, goals, django_assert_num_queries
):
    nodes = grow_tree(plan_year, committees, goals)
    assess_all(nodes, periods[0])
    linked = [node for node in nodes if node.kind == NodeKind.COMMITTEE_GOAL]
    for node in linked:
        link(node, 5)
    # Expect 9 queries: the röd tråd's eight (see test_red_thread.py), and the
    # goals linked to the global goal.
    with django_assert_num_queries(9):
        response = councillor_client.get(
            _red_thread(plan_year, period=periods[0].pk, global_goal=5)
        )
    html = response.content.decode()
    assert all(node.title in html for node in linked)
    assert "Aktivitet 0.0" not in html


# --- the overview ------------------------------------------------------------------


def _overview(plan_year, period) -> str:
    url = reverse("followup:overview", kwargs={"year": plan_year.year})
    return f"{url}?period={period.pk}"


def test_overview_counts_the_linked_goals_per_global_goal(
    councillor_client, plan_year, tree, periods
):
    link(tree["Fler i arbete"], 8, 1)
    link(tree["Läsa bättre"], 4, 8)
    link(tree["Kortare försörjningsstöd"], 8)
    response = councillor_client.get(_overview(plan_year, periods[0]))
    agenda = response.context["comparison"].agenda
    assert [row.goal.number for row in agenda.linked] == [1, 4, 8]
    rows = {row.goal.number: row for row in agenda.linked}
    assert rows[8].counts == {"met": 1, "partly_met": 1, "missing": 1}
    # Met, partly met, not met, not assessed, not reported: as the table's columns.
    assert rows[8].status_counts == [1, 1, 0, 0, 1]
    html = response.content.decode()
    assert 'id="agenda-heading"' in html
    assert "8. Anständiga arbetsvillkor och ekonomisk tillväxt" in html
    assert "1 uppfyllt · 1 delvis uppfyllt · 1 ej rapporterad" in html
    assert "2. Ingen hunger" not in html  # nothing linked to it


def test_overview_says_when_nothing_is_linked(councillor_client, plan_year, tree, periods):
    response = councillor_client.get(_overview(plan_year, periods[0]))
    assert "Inget av årets mål är kopplat till något globalt mål än." in response.content.decode()


@pytest.mark.parametrize("goals", [3, 30])
def test_overview_query_count_with_links_does_not_grow_with_the_tree(
    councillor_client, plan_year, committees, periods, goals, django_assert_num_queries
):
    nodes = grow_tree(plan_year, committees, goals)
    assess_all(nodes, periods[0])
    for index, node in enumerate(nodes):
        if node.kind in (NodeKind.MUNICIPAL_GOAL, NodeKind.COMMITTEE_GOAL):
            link(node, 1 + index % 17)
    # The overview's queries (tests/followup/test_report.py), the global goals,
    # and the links of the year's goals with their status in the period.
    with django_assert_num_queries(10):
        response = councillor_client.get(_overview(plan_year, periods[0]))
    linked = response.context["comparison"].agenda.linked
    assert sum(row.goals for row in linked) == 8 + goals


# --- open data ---------------------------------------------------------------------


def test_open_data_gives_each_goals_and_indicators_global_goals(
    councillor_client, plan_year, tree, periods
):
    link(tree["Fler i arbete"], 10, 1)
    indicator = add_indicator(tree["Läsa bättre"], "Andel")
    indicator_global_goals_set(indicator=indicator, numbers=[4])
    data = councillor_client.get(reverse("followup:api_year", kwargs={"year": 2026})).json()
    nodes = {node["title"]: node for node in data["nodes"]}
    assert nodes["Fler i arbete"]["global_goals"] == [1, 10]
    assert nodes["Läsa bättre"]["global_goals"] == []
    assert nodes["Vision"]["global_goals"] == []
    assert nodes["Läsa bättre"]["indicators"][0]["global_goals"] == [4]


# --- the year copy -----------------------------------------------------------------


def test_the_links_are_copied_with_the_year(plan_year, tree, official):
    link(tree["Fler i arbete"], 8, 1)
    link(tree["Läsa bättre"], 4)
    indicator = add_indicator(tree["Läsa bättre"], "Andel")
    indicator_global_goals_set(indicator=indicator, numbers=[4, 10])
    next_year = plan_year_start(source=plan_year, year=2027, user=official)
    copies = {
        node.title: sorted(node.global_goals.values_list("number", flat=True))
        for node in Node.objects.for_year(next_year)
    }
    assert copies["Fler i arbete"] == [1, 8]
    assert copies["Läsa bättre"] == [4]
    assert copies["Budget i balans"] == []
    copied_indicator = Indicator.objects.get(node__plan_year=next_year)
    assert sorted(copied_indicator.global_goals.values_list("number", flat=True)) == [4, 10]
    # The source year keeps its own, and the copies are in the history.
    assert NodeGlobalGoal.objects.filter(node__plan_year=plan_year).count() == 3
    copied = NodeGlobalGoal.history.filter(node__plan_year=next_year, history_type="+")
    assert copied.count() == 3
    assert {record.history_user for record in copied} == {official}
    assert IndicatorGlobalGoal.history.filter(indicator_id=copied_indicator.pk).count() == 2


# --- the backup --------------------------------------------------------------------


def _restore_global_goals() -> None:
    """The global goals as the migration ships them: a new database has them."""
    migration = __import__("goals.migrations.0011_agenda2030", fromlist=["add_global_goals"])
    migration.add_global_goals(apps, None)


def test_backup_round_trip_keeps_the_links_and_their_history(plan_year, tree, official):
    link(tree["Fler i arbete"], 8, 1)
    link(tree["Fler i arbete"], 8)
    link(tree["Läsa bättre"], 4)
    indicator = add_indicator(tree["Läsa bättre"], "Andel")
    indicator_global_goals_set(indicator=indicator, numbers=[4, 10])
    before = year_export(year=2026)
    document = json.loads(before)
    assert len(document["node_global_goals"]) == 2
    assert {record["global_goal"] for record in document["indicator_global_goals"]} == {4, 10}
    assert len(document["history"]["node_global_goals"]) == 4  # three added, one removed

    _wipe()
    _restore_global_goals()
    result = year_import(data=before)
    assert year_export(year=2026) == before
    restored = {
        node.title: sorted(node.global_goals.values_list("number", flat=True))
        for node in Node.objects.for_year(result.plan_year)
    }
    assert restored["Fler i arbete"] == [8]
    assert restored["Läsa bättre"] == [4]
    restored_indicator = Indicator.objects.get(node__plan_year=result.plan_year)
    assert sorted(restored_indicator.global_goals.values_list("number", flat=True)) == [4, 10]


def test_backup_refuses_a_link_to_a_global_goal_that_does_not_exist(plan_year, tree):
    from followup.backup import BackupError

    link(tree["Fler i arbete"], 8)
    document = json.loads(year_export(year=2026))
    document["node_global_goals"][0]["global_goal"] = 18
    PlanYear.objects.all().delete()
    with pytest.raises(BackupError, match="global_goal"):
        year_import(data=json.dumps(document).encode())
    assert not PlanYear.objects.exists()


def test_a_version_2_backup_reads_without_global_goals(plan_year, tree):
    from followup.backup.format import ADDED_IN_3

    document = json.loads(year_export(year=2026))
    for part in (document, document["history"]):
        for key in ADDED_IN_3:
            del part[key]
    document["format_version"] = 2
    PlanYear.objects.all().delete()
    result = year_import(data=json.dumps(document).encode())
    assert Node.objects.for_year(result.plan_year).count() == len(tree)
    assert not NodeGlobalGoal.objects.exists()


# --- the demo ----------------------------------------------------------------------


def test_demo_links_most_municipal_goals_and_some_committee_goals_and_indicators(db):
    call_command("load_demo", "--year", "2026")
    municipal = Node.objects.filter(kind=NodeKind.MUNICIPAL_GOAL)
    linked = municipal.filter(global_goals__isnull=False).distinct()
    assert linked.count() > municipal.count() / 2
    committee_goals = Node.objects.filter(kind=NodeKind.COMMITTEE_GOAL, global_goals__isnull=False)
    assert committee_goals.distinct().count() >= 3
    assert IndicatorGlobalGoal.objects.values("indicator").distinct().count() >= 3
    # Only goals that may be linked are, and every global goal named exists.
    kinds = set(NodeGlobalGoal.objects.values_list("node__kind", flat=True))
    assert kinds == {NodeKind.MUNICIPAL_GOAL, NodeKind.COMMITTEE_GOAL}
    assert GlobalGoal.objects.count() == 17


def test_backup_refuses_a_link_on_a_node_that_cannot_have_one(plan_year, tree):
    from followup.backup import BackupError

    link(tree["Fler i arbete"], 8)
    document = json.loads(year_export(year=2026))
    vision_ref = next(
        record["ref"] for record in document["nodes"] if record["kind"] == NodeKind.VISION
    )
    document["node_global_goals"][0]["node"] = vision_ref
    PlanYear.objects.all().delete()
    with pytest.raises(BackupError, match="Endast kommunövergripande mål och nämndmål"):
        year_import(data=json.dumps(document).encode())
    assert not PlanYear.objects.exists()


def test_backup_refuses_the_same_link_twice(plan_year, tree):
    from followup.backup import BackupError

    link(tree["Fler i arbete"], 8)
    document = json.loads(year_export(year=2026))
    twice = dict(document["node_global_goals"][0], ref=2)
    document["node_global_goals"].append(twice)
    PlanYear.objects.all().delete()
    with pytest.raises(BackupError, match="samma globala mål två gånger"):
        year_import(data=json.dumps(document).encode())
    assert not PlanYear.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_global_goals_come_back_after_the_database_is_emptied():
    # Transactional tests (the browser suite's) empty every table after each
    # test; Django then sends post_migrate, and the goals are put back.
    call_command("flush", interactive=False, verbosity=0)
    assert sorted(GlobalGoal.objects.values_list("number", flat=True)) == list(range(1, 18))
    assert GlobalGoal.objects.get(number=13).name == "Bekämpa klimatförändringarna"
