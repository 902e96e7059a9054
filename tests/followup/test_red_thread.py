import pytest
from django.urls import reverse

from followup.models import Assessment, GoalStatus
from goals.models import Node
from tests.factories import add_assignments, assess_all, build_tree, grow_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
              Lovskola [bun]
            Kortare försörjningsstöd [sn]
      Ekonomi
        Ekonomi i balans
          Budget i balans
"""


@pytest.fixture
def tree(plan_year, committees, periods):
    nodes = build_tree(plan_year, OUTLINE)
    interim, _annual = periods
    Assessment.objects.create(node=nodes["Fler i arbete"], period=interim, status="met")
    Assessment.objects.create(node=nodes["Läsa bättre"], period=interim, status="partly_met")
    Assessment.objects.create(node=nodes["Lovskola"], period=interim, status="in_progress")
    Assessment.objects.create(node=nodes["Budget i balans"], period=interim, status="not_met")
    return nodes


def _url(plan_year, **params):
    url = reverse("followup:red_thread", kwargs={"year": plan_year.year})
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def test_shows_every_level_with_status_text(councillor_client, plan_year, tree, periods):
    response = councillor_client.get(_url(plan_year, period=periods[0].pk, level="activity"))
    assert response.status_code == 200
    html = response.content.decode()
    for title in ["Vision", "Kramforsbon", "Trygg kommun", "Läsa bättre", "Lovskola"]:
        assert title in html
    assert "Röd tråd 2026" in html
    assert "delvis uppfyllt" in html  # the status as text, not colour alone
    assert "pågår" in html
    assert "<details open>" in html


def test_counts_statuses_per_perspective(councillor_client, plan_year, tree, periods):
    response = councillor_client.get(_url(plan_year, period=periods[0].pk))
    perspectives = {p.title: p.counts for p in response.context["tree"].perspectives}
    assert perspectives["Kramforsbon"]["met"] == 1
    assert perspectives["Kramforsbon"]["partly_met"] == 1
    assert perspectives["Kramforsbon"]["in_progress"] == 1
    # Trygg kommun and Kortare försörjningsstöd have no assessment.
    assert perspectives["Kramforsbon"]["missing"] == 2
    assert perspectives["Ekonomi"]["not_met"] == 1
    assert list(perspectives) == ["Kramforsbon", "Ekonomi"]


def test_filter_by_committee_keeps_ancestors_for_context(
    councillor_client, plan_year, tree, committees
):
    response = councillor_client.get(_url(plan_year, committee=committees["sn"].pk))
    html = response.content.decode()
    assert "Kortare försörjningsstöd" in html
    assert "Fler i arbete" in html  # its municipal goal, for context
    assert "Läsa bättre" not in html
    assert "Budget i balans" not in html


def test_filter_by_status(councillor_client, plan_year, tree, periods):
    response = councillor_client.get(_url(plan_year, period=periods[0].pk, status="not_met"))
    html = response.content.decode()
    assert "Budget i balans" in html
    assert "Ekonomi i balans" in html
    assert "Läsa bättre" not in html


def test_filter_by_perspective(councillor_client, plan_year, tree, periods):
    response = councillor_client.get(_url(plan_year, perspective=tree["Ekonomi"].pk))
    html = response.content.decode()
    assert "Budget i balans" in html
    assert "Läsa bättre" not in html


def test_another_period_shows_its_own_statuses(councillor_client, plan_year, tree, periods):
    _interim, annual = periods
    Assessment.objects.create(node=tree["Lovskola"], period=annual, status="done")
    response = councillor_client.get(_url(plan_year, period=annual.pk))
    html = response.context["tree"].html
    assert "genomförd" in html
    assert "pågår" not in html


def test_invalid_filter_values_are_ignored_with_a_message(councillor_client, plan_year, tree):
    response = councillor_client.get(
        _url(plan_year, committee="999999", status="bogus", period="abc", level="activity")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Några val var ogiltiga" in html
    assert "Läsa bättre" in html  # nothing filtered away


def test_unknown_year_is_404(councillor_client, db):
    assert (
        councillor_client.get(reverse("followup:red_thread", kwargs={"year": 1999})).status_code
        == 404
    )


def test_empty_year_says_so(councillor_client, plan_year):
    response = councillor_client.get(_url(plan_year))
    assert "Planåret har inga mål ännu" in response.content.decode()


def test_titles_are_escaped(councillor_client, plan_year, committees):
    build_tree(plan_year, "Vision\n  <script>alert(1)</script>")
    html = councillor_client.get(_url(plan_year)).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("goals", [3, 30])
def test_query_count_does_not_grow_with_the_tree(
    councillor_client, plan_year, committees, periods, goals, django_assert_num_queries
):
    nodes = grow_tree(plan_year, committees, goals)
    assess_all(nodes, periods[0])
    # As many assignments as committee goals, under the municipal goals.
    add_assignments(nodes, periods[0], goals)
    # Expect 8 queries:
    # * the session and the user
    # * the year's periods with the plan year
    # * the committees (filter choices and labels)
    # * the whole tree in tree order, with each node's status in the period
    # * the year's also-supports links (run whether there are any or not)
    # * the assignments under goals, with their status in the period
    # * the user's groups and committees, in one query (roles, for the menu)
    with django_assert_num_queries(8):
        response = councillor_client.get(_url(plan_year, period=periods[0].pk, level="activity"))
    assert response.content.decode().count('class="node ') == len(nodes) + goals
    # Down to the municipal goals by default: the vision, four perspectives,
    # their direction goals and two municipal goals under each; the goals'
    # assignments, like their committee goals, out of sight.
    with django_assert_num_queries(8):
        response = councillor_client.get(_url(plan_year, period=periods[0].pk))
    assert response.content.decode().count('class="node ') == 1 + 4 + 4 + 8
    assert 'class="node node--assignment"' not in response.content.decode()
    # With the analyses: one query more, for the period's analyses.
    with django_assert_num_queries(9):
        response = councillor_client.get(_url(plan_year, period=periods[0].pk, analyses="on"))
    assert response.content.decode().count('class="analysis"') == 8 + 4


def test_start_page_leads_to_the_current_years_red_thread(councillor_client, plan_year):
    response = councillor_client.get(reverse("followup:start"))
    assert _url(plan_year) in response.content.decode()


def test_start_page_without_years(councillor_client, db):
    response = councillor_client.get(reverse("followup:start"))
    assert "Inget planår har startats ännu" in response.content.decode()


def test_node_count_matches_tree(councillor_client, plan_year, tree):
    response = councillor_client.get(_url(plan_year))
    assert response.context["tree"].total == Node.objects.count()


def test_status_labels_cover_every_status():
    from followup.models import STATUS_ORDER, status_label

    assert {status_label(s) for s in STATUS_ORDER} >= {"uppfyllt", "ej bedömt", "avbruten"}
    assert GoalStatus.MET in STATUS_ORDER


def test_filters_that_match_nothing_say_so(councillor_client, plan_year, tree, committees):
    response = councillor_client.get(
        _url(plan_year, committee=committees["sn"].pk, perspective=tree["Ekonomi"].pk)
    )
    assert response.status_code == 200
    assert "Inget matchar filtren" in response.content.decode()
    assert response.context["tree"].shown == 0
