"""The röd tråd at a municipality's size: shown down to a chosen level, branches
opened by links that keep their state in the address, analyses on request, and
the counts per perspective over the goals that match the filters only."""

import pytest
from django.urls import reverse

from followup.models import Assessment
from tests.factories import build_tree
from tests.followup.test_red_thread import OUTLINE


@pytest.fixture
def tree(plan_year, committees, periods):
    nodes = build_tree(plan_year, OUTLINE)
    interim, _annual = periods
    for title, status, analysis in [
        ("Fler i arbete", "met", "Fler har fått arbete.\n\nSysselsättningen steg."),
        ("Läsa bättre", "not_met", "Läsresultaten sjönk."),
        ("Lovskola", "in_progress", ""),
        ("Budget i balans", "not_met", "Underskott i budgeten."),
    ]:
        Assessment.objects.create(
            node=nodes[title], period=interim, status=status, analysis=analysis
        )
    return nodes


def _get(client, plan_year, query=""):
    url = reverse("followup:red_thread", kwargs={"year": plan_year.year}) + query
    return client.get(url).content.decode()


def test_shows_down_to_the_municipal_goals_by_default(councillor_client, plan_year, tree):
    html = _get(councillor_client, plan_year)
    assert "Fler i arbete" in html and "Budget i balans" in html
    assert "Läsa bättre" not in html and "Lovskola" not in html
    assert "Visar 7 av 10." in html
    # The cut branch has a link that opens it, to its own place on the page.
    node = tree["Fler i arbete"].pk
    assert f'href="?open={node}#n{node}">Visa 2 underliggande' in html
    assert f'<li id="n{node}" ' in html


def test_a_branch_opens_with_its_link_and_closes_again(councillor_client, plan_year, tree):
    node = tree["Fler i arbete"].pk
    html = _get(councillor_client, plan_year, f"?open={node}")
    assert "Läsa bättre" in html and "Lovskola" in html and "Kortare försörjningsstöd" in html
    assert f'href="?#n{node}">Dölj det underliggande' in html


def test_every_level_is_a_link_away(councillor_client, plan_year, tree):
    html = _get(councillor_client, plan_year)
    assert 'href="?level=activity">Alla nivåer' in html
    assert 'aria-current="true" class="levels__current">Kommunövergripande mål' in html
    html = _get(councillor_client, plan_year, "?level=committee_goal")
    assert "Läsa bättre" in html and "Lovskola" not in html
    html = _get(councillor_client, plan_year, "?level=perspective")
    assert "Kramforsbon" in html and "Trygg kommun" not in html


def test_an_unknown_level_or_branch_is_ignored(councillor_client, plan_year, tree):
    html = _get(councillor_client, plan_year, "?level=nonsense&open=abc&open=99999999")
    assert "Fler i arbete" in html and "Läsa bättre" not in html


def test_the_analyses_view_shows_each_goals_analysis_under_it(councillor_client, plan_year, tree):
    html = _get(councillor_client, plan_year, "?analyses=on&level=activity")
    assert (
        '<div class="analysis"><p>Fler har fått arbete.</p><p>Sysselsättningen steg.</p></div>'
        in html
    )
    assert "Läsresultaten sjönk." in html
    assert _get(councillor_client, plan_year).count('class="analysis"') == 0


def test_counts_per_perspective_are_of_the_goals_that_match(
    councillor_client, plan_year, tree, periods
):
    response = councillor_client.get(
        reverse("followup:red_thread", kwargs={"year": plan_year.year}) + "?status=not_met"
    )
    summaries = {summary.title: summary for summary in response.context["tree"].perspectives}
    # Fler i arbete (met) is shown for context above Läsa bättre, not counted.
    assert summaries["Kramforsbon"].goal_counts == {"not_met": 1}
    assert summaries["Kramforsbon"].activity_counts == {}
    assert summaries["Ekonomi"].goal_counts == {"not_met": 1}


def test_without_filters_goals_and_activities_are_counted_apart(councillor_client, plan_year, tree):
    response = councillor_client.get(
        reverse("followup:red_thread", kwargs={"year": plan_year.year})
    )
    people = response.context["tree"].perspectives[0]
    # Trygg kommun and Kortare försörjningsstöd are goals without an assessment.
    assert people.goal_counts == {"met": 1, "not_met": 1, "missing": 2}
    assert people.activity_counts == {"in_progress": 1}
    html = response.content.decode()
    assert "Mål:</span> 1 uppfyllt · 1 ej uppfyllt · 2 ej rapporterad" in html
    assert "Aktiviteter:</span> 1 pågår" in html
