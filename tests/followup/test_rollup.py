"""What lies under a goal: its descendants' statuses counted, and the suggested status."""

import pytest
from django.urls import reverse

from followup import counts
from followup.models import Assessment
from followup.redthread import (
    COMMITTEE,
    LEVEL,
    STATUS,
    TITLE,
    RedThreadFilter,
    build_red_thread,
    tree_rows,
)
from followup.rollup import (
    descendant_counts,
    period_suggestions,
    suggest_status,
)
from goals.models import Node
from tests.factories import TWO_PERSPECTIVES, add_indicator, build_tree


@pytest.fixture
def tree(plan_year, committees, periods):
    nodes = build_tree(plan_year, TWO_PERSPECTIVES)
    interim = periods[0]
    for title, status in [
        ("Trygg kommun", "partly_met"),
        ("Fler i arbete", "met"),
        ("Läsa bättre", "met"),
        ("Lovskola", "done"),
        ("Läsfrämjande insats", "in_progress"),
        ("Kortare försörjningsstöd", "not_met"),
        ("Budget i balans", "not_assessed"),
    ]:
        Assessment.objects.create(node=nodes[title], period=interim, status=status)
    return nodes


# --- the distribution --------------------------------------------------------


def _counts_by_title(plan_year, period):
    rows = Node.objects.for_year(plan_year).in_tree_order().rows()
    statuses = Assessment.objects.for_period(period).status_by_node()
    effective = [
        statuses.get(row.id, "missing") if row.kind not in ("vision", "perspective") else None
        for row in rows
    ]
    counts = descendant_counts([row.level for row in rows], effective)
    return {row.title: counts[index] for index, row in enumerate(rows)}


def test_descendants_are_counted_at_every_level(plan_year, tree, periods):
    counts = _counts_by_title(plan_year, periods[0])
    assert counts["Läsa bättre"] == {"done": 1, "in_progress": 1}
    assert counts["Fler i arbete"] == {"met": 1, "done": 1, "in_progress": 1, "not_met": 1}
    assert counts["Trygg kommun"] == {
        "met": 2,  # Fler i arbete, Läsa bättre
        "done": 1,
        "in_progress": 1,
        "not_met": 1,
        "missing": 1,  # Trygga miljöer
    }
    assert counts["Kramforsbon"]["partly_met"] == 1
    assert sum(counts["Vision"].values()) == 9
    assert counts["Ekonomi"] == {"missing": 1, "not_assessed": 1}
    assert counts["Lovskola"] is None
    assert counts["Trygga miljöer"] is None


def test_tree_rows_are_the_year_in_tree_order_with_each_status(plan_year, tree, periods):
    rows = tree_rows(plan_year, periods[0])
    by_title = {row[TITLE]: row for row in rows}
    assert [row[TITLE] for row in rows][:4] == [
        "Vision",
        "Kramforsbon",
        "Trygg kommun",
        "Fler i arbete",
    ]
    assert len(rows) == Node.objects.for_year(plan_year).count()
    assert by_title["Lovskola"][STATUS] == "done"
    assert by_title["Trygga miljöer"][STATUS] is None  # not assessed in the period
    assert by_title["Läsa bättre"][LEVEL] == 4
    assert by_title["Läsa bättre"][COMMITTEE] == tree["Läsa bättre"].committee_id
    # Another period's statuses, and no period at all.
    assert all(row[STATUS] is None for row in tree_rows(plan_year, periods[1]))
    assert all(row[STATUS] is None for row in tree_rows(plan_year, None))


def test_the_kept_counts_agree_with_the_whole_tree_pass(plan_year, tree, periods):
    """The node page reads the counts kept as the tree and assessments change; the
    röd tråd counts every subtree in one pass over the year. They must agree for
    every node, in both periods."""
    for period in periods:
        whole = _counts_by_title(plan_year, period)
        for node in Node.objects.for_year(plan_year):
            assert counts.read(node.pk, period.pk) == (whole[node.title] or {}), node.title


def test_red_thread_shows_each_goals_distribution_as_text(councillor_client, plan_year, tree):
    html = councillor_client.get(
        reverse("followup:red_thread", kwargs={"year": 2026}) + "?level=activity"
    ).content.decode()
    # Goals and activities in separate bars, each with its figures in words.
    assert "Aktiviteter:</span> 1 genomförd · 1 pågår</span>" in html
    assert "Mål:</span> 1 uppfyllt · 1 ej uppfyllt</span>" in html  # Fler i arbete


def test_the_distribution_covers_the_whole_subtree_whatever_the_filter(plan_year, tree, periods):
    rows = tree_rows(plan_year, periods[0])
    filtered = build_red_thread(rows, {}, RedThreadFilter(status="not_met"))
    assert "Mål:</span> 1 uppfyllt · 1 ej uppfyllt</span>" in filtered.html
    assert "Aktiviteter:</span> 1 genomförd · 1 pågår</span>" in filtered.html


def test_node_page_shows_the_distribution_of_its_subtree(councillor_client, tree):
    html = councillor_client.get(tree["Trygg kommun"].get_absolute_url()).content.decode()
    assert "Underliggande i Delårsrapport 2026" in html
    for text in ["2 uppfyllda", "1 ej uppfyllt", "1 genomförd", "1 pågår", "1 ej rapporterad"]:
        assert text in html


# --- the rules ---------------------------------------------------------------

MET, PARTLY, NOT = "met", "partly_met", "not_met"


@pytest.fixture
def thresholds(settings):
    settings.GOAL_SUGGESTION_MET_PERCENT = 75
    settings.GOAL_SUGGESTION_PARTLY_PERCENT = 50
    return settings


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([MET, MET, MET, PARTLY], MET),  # 75 % met
        ([MET, MET, PARTLY, PARTLY], PARTLY),  # 50 % met, 100 % at least partly
        ([MET, NOT, NOT, NOT], NOT),  # 25 % at least partly
        ([PARTLY, NOT], PARTLY),  # 50 % at least partly
        ([PARTLY, NOT, NOT], NOT),
        ([MET], MET),
    ],
)
def test_share_met(thresholds, statuses, expected):
    assert suggest_status(statuses, "share_met") == expected


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([MET, MET, MET, PARTLY], MET),  # average 87.5 %
        ([MET, PARTLY], MET),  # 75 %
        ([MET, PARTLY, PARTLY], PARTLY),  # 66.7 %
        ([PARTLY, PARTLY], PARTLY),  # 50 %
        ([MET, NOT, NOT], NOT),  # 33.3 %
        ([MET, NOT], PARTLY),  # 50 %
    ],
)
def test_threshold(thresholds, statuses, expected):
    assert suggest_status(statuses, "threshold") == expected


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([MET, MET, MET], MET),
        ([MET, MET, PARTLY], PARTLY),
        ([MET, PARTLY, NOT], NOT),
    ],
)
def test_weakest_link(statuses, expected):
    assert suggest_status(statuses, "weakest_link") == expected


def test_activities_count_on_the_goal_scale_and_unassessed_are_left_out(thresholds):
    assert suggest_status(["done", "done", "in_progress", "cancelled", None], "share_met") == PARTLY
    assert suggest_status(["done", "not_assessed", "missing", None], "share_met") == MET
    assert suggest_status(["not_started", "done"], "weakest_link") == NOT
    assert suggest_status([None, "not_assessed", "cancelled"], "share_met") is None
    assert suggest_status([], "weakest_link") is None


def test_the_rule_comes_from_the_settings(thresholds):
    thresholds.GOAL_SUGGESTION_RULE = "weakest_link"
    assert suggest_status([MET, MET, MET, PARTLY]) == PARTLY
    thresholds.GOAL_SUGGESTION_RULE = "share_met"
    assert suggest_status([MET, MET, MET, PARTLY]) == MET
    thresholds.GOAL_SUGGESTION_MET_PERCENT = 100
    assert suggest_status([MET, MET, MET, PARTLY]) == PARTLY


def test_suggestions_take_children_and_indicators(plan_year, tree, periods, settings):
    settings.GOAL_SUGGESTION_RULE = "weakest_link"
    interim = periods[0]
    suggestions = period_suggestions(interim)
    assert suggestions[tree["Läsa bättre"].pk].status == PARTLY  # done + in progress
    assert suggestions[tree["Fler i arbete"].pk].status == NOT  # Kortare försörjningsstöd
    assert tree["Budget i balans"].pk not in suggestions  # nothing under it
    add_indicator(tree["Budget i balans"], "Resultat", target=2, outcomes={interim: "1.9"})
    assert period_suggestions(interim)[tree["Budget i balans"].pk].status == PARTLY
    add_indicator(tree["Läsa bättre"], "Läsning", target=80, outcomes={interim: 50})
    assert period_suggestions(interim)[tree["Läsa bättre"].pk].status == NOT


def test_the_suggestion_stands_beside_the_persons_assessment(
    councillor_client, tree, periods, settings
):
    settings.GOAL_SUGGESTION_RULE = "weakest_link"
    goal = tree["Läsa bättre"]
    html = councillor_client.get(goal.get_absolute_url()).content.decode()
    assert "Förslag utifrån underliggande:" in html
    assert "delvis uppfyllt" in html  # the suggestion
    assert Assessment.objects.get(node=goal, period=periods[0]).status == "met"  # unchanged


def test_the_entry_page_shows_suggestions_beside_the_status_fields(
    client, secretary, tree, periods, settings
):
    settings.GOAL_SUGGESTION_RULE = "weakest_link"
    client.force_login(secretary)
    response = client.get(reverse("followup:assessment_entry", kwargs={"pk": periods[0].pk}))
    html = response.content.decode()
    assert "Förslag utifrån underliggande:" in html
    goal_block = html[html.index("Läsa bättre") :]
    assert "Förslag utifrån underliggande:" in goal_block[: goal_block.index("</fieldset>")]
    assert response.context["form"].nodes[0].suggestion.status == PARTLY


@pytest.mark.parametrize("goals", [3, 30])
def test_suggestions_keep_the_entry_page_query_count_constant(
    client, official, plan_year, committees, periods, goals, django_assert_num_queries
):
    from tests.factories import assess_all, grow_tree

    nodes = grow_tree(plan_year, committees, goals)
    assess_all(nodes, periods[0])
    for node in nodes:
        if node.kind == "municipal_goal":
            add_indicator(node, f"Nyckeltal {node.pk}", outcomes={periods[0]: 85})
    client.force_login(official)
    # Expect 9 queries:
    # * the session and the user
    # * the period with its plan year
    # * the user's groups and committees, in one query (roles)
    # * the nodes the user may assess, with their parents and committees
    # * for the suggestions: the year's goals and activities with their parents,
    #   the period's statuses, and the indicators with their outcome in the period
    # * the user's assessments in the period
    with django_assert_num_queries(9):
        response = client.get(reverse("followup:assessment_entry", kwargs={"pk": periods[0].pk}))
    assert response.status_code == 200
    municipal = [n for n in response.context["form"].nodes if n.kind == "municipal_goal"]
    assert {node.suggestion.status for node in municipal} == {"partly_met"}  # from 85 of 90
