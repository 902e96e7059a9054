"""An indicator's outcomes over periods and years on its goal's page."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followup import trends
from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.models import Period
from followup.services import plan_year_start
from tests.factories import add_indicator, build_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
"""


@pytest.fixture
def two_years(db):
    first = plan_year_start(source=None, year=2025)
    nodes = build_tree(first, OUTLINE)
    interim, annual = Period.objects.for_year(first)
    add_indicator(
        nodes["Fler i arbete"],
        "Andel i arbete",
        target=80,
        baseline=74,
        unit="%",
        outcomes={interim: "75.5", annual: 76},
    )
    second = plan_year_start(source=first, year=2026)
    indicator = Indicator.objects.get(node__plan_year=second)
    interim_2026 = Period.objects.for_year(second).first()
    IndicatorOutcome.objects.create(indicator=indicator, period=interim_2026, value=Decimal(78))
    return first, second, indicator


def test_trend_follows_the_copies_back_through_the_years(two_years, councillor):
    _first, _second, indicator = two_years
    [trend] = trends.indicator_trends([indicator], councillor)
    assert [(point.label, point.value) for point in trend.points] == [
        ("Delårsrapport 2025", Decimal("75.5")),
        ("Årsredovisning 2025", Decimal(76)),
        ("Delårsrapport 2026", Decimal(78)),
    ]
    chart = trend.chart
    assert chart.count("<circle") == 3
    assert 'stroke-dasharray="6 4"' in chart  # the target
    assert 'stroke-dasharray="2 3"' in chart  # the baseline
    assert 'role="img"' in chart
    assert "Delårsrapport 2025: 75,5 %" in chart  # the description, in words


def test_the_public_sees_published_outcomes_only(two_years, client, settings):
    settings.PUBLIC_ACCESS = True
    first, _second, indicator = two_years
    from django.contrib.auth.models import AnonymousUser

    assert trends.indicator_trends([indicator], AnonymousUser())[0].points == []
    Period.objects.filter(plan_year=first, kind="annual").update(
        state="published", published_at=timezone.now()
    )
    [trend] = trends.indicator_trends([indicator], AnonymousUser())
    assert [point.label for point in trend.points] == ["Årsredovisning 2025"]


def test_goal_page_shows_the_chart_and_its_table(two_years, councillor_client):
    _first, _second, indicator = two_years
    html = councillor_client.get(indicator.node.get_absolute_url()).content.decode()
    assert 'class="trend-chart"' in html
    assert "Över tid" in html
    assert '<th scope="row">Årsredovisning 2025</th><td class="number">76 %</td>' in html


def test_one_query_for_every_indicator_and_year(two_years, councillor):
    _first, second, indicator = two_years
    others = [add_indicator(indicator.node, f"Nyckeltal {n}") for n in range(3)]
    with CaptureQueriesContext(connection) as queries:
        found = trends.indicator_trends([indicator, *others], councillor)
    assert len(queries) == 1
    assert len(found) == 4
    assert second.year == 2026
