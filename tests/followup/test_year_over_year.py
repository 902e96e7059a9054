"""A goal copied from year to year shows its status in the earlier years; a year
started as a copy brings the goals' indicators along."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.models import Assessment, Period
from followup.services import plan_year_start
from goals.models import Node
from tests.factories import add_indicator, build_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
              Lovskola [bun]
"""


@pytest.fixture
def first_year(db, committees):
    plan_year = plan_year_start(source=None, year=2024)
    build_tree(plan_year, OUTLINE)
    return plan_year


def _copy_years(first, years: int) -> list:
    """Start `years` more plan years, each a copy of the one before; each year's
    goal “Läsa bättre” gets a status in its annual report."""
    chain = [first]
    statuses = ["met", "partly_met", "not_met", "met", "partly_met", "not_met"]
    for offset in range(years + 1):
        plan_year = chain[-1]
        goal = Node.objects.get(plan_year=plan_year, title="Läsa bättre")
        annual = Period.objects.for_year(plan_year).get(kind="annual")
        Assessment.objects.create(node=goal, period=annual, status=statuses[offset])
        if offset < years:
            chain.append(plan_year_start(source=plan_year, year=plan_year.year + 1))
    return chain


def _goal(plan_year) -> Node:
    return Node.objects.get(plan_year=plan_year, title="Läsa bättre")


def test_node_page_shows_the_status_in_earlier_years(councillor_client, first_year):
    chain = _copy_years(first_year, 2)
    response = councillor_client.get(_goal(chain[-1]).get_absolute_url())
    earlier = response.context["earlier_years"]
    assert [each.year for each in earlier] == [2025, 2024]
    assert [[s.status for s in each.statuses] for each in earlier] == [
        ["missing", "partly_met"],
        ["missing", "met"],
    ]
    html = response.content.decode()
    assert "Tidigare år" in html
    assert "Årsredovisning 2024" in html


def test_a_goal_without_earlier_years_shows_none(councillor_client, first_year):
    html = councillor_client.get(_goal(first_year).get_absolute_url()).content.decode()
    assert "Tidigare år" not in html


def test_the_number_of_years_shown_is_bounded(councillor_client, first_year, settings):
    chain = _copy_years(first_year, 3)
    settings.EARLIER_YEARS_SHOWN = 2
    response = councillor_client.get(_goal(chain[-1]).get_absolute_url())
    assert [each.year for each in response.context["earlier_years"]] == [2026, 2025]


def test_unpublished_earlier_periods_are_hidden_from_the_public(client, first_year, settings):
    settings.PUBLIC_ACCESS = True
    chain = _copy_years(first_year, 1)
    Period.objects.filter(plan_year=first_year, kind="annual").update(
        state="published", published_at=timezone.now()
    )
    response = client.get(_goal(chain[-1]).get_absolute_url())
    assert [
        [s.period.display_title for s in each.statuses]
        for each in response.context["earlier_years"]
    ] == [["Årsredovisning 2024"]]


@pytest.mark.parametrize("years", [1, 4])
def test_earlier_years_cost_the_same_queries_however_many(councillor_client, first_year, years):
    chain = _copy_years(first_year, years)
    url = _goal(chain[-1]).get_absolute_url()
    councillor_client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as context:
        councillor_client.get(url)
    # The node page's queries as test_node_detail.py lists them, 12 here (the
    # goal has no indicators, so no trends are read), one more for the
    # committee's name in a committee goal's history, and 3 for the earlier
    # years: the chain of copies with their years (one recursive query), those
    # years' periods, and their assessments.
    assert len(context.captured_queries) == 16


def test_starting_a_year_copies_the_indicators_without_outcomes(first_year):
    goal = _goal(first_year)
    interim = Period.objects.for_year(first_year).get(kind="interim")
    original = add_indicator(
        goal,
        "Andel elever i åk 9 som är behöriga till yrkesprogram",
        target="90.5",
        baseline=Decimal("84"),
        unit="%",
        kolada_kpi="N15428",
        outcomes={interim: 88},
    )
    add_indicator(Node.objects.get(title="Fler i arbete"), "Andel i arbete", direction="higher")
    new_year = plan_year_start(source=first_year, year=2025)
    copy = Indicator.objects.get(node__plan_year=new_year, name=original.name)
    assert copy.node == _goal(new_year)
    assert copy.copied_from == original
    assert (copy.target, copy.baseline, copy.unit, copy.kolada_kpi, copy.direction) == (
        Decimal("90.5"),
        Decimal(84),
        "%",
        "N15428",
        "higher",
    )
    assert not IndicatorOutcome.objects.filter(indicator__node__plan_year=new_year).exists()
    assert Indicator.objects.for_year(new_year).count() == 2
    assert Indicator.objects.for_year(first_year).count() == 2  # the source is untouched
    assert copy.history.count() == 1
