"""The start page's dashboard: statuses, trends and bars for the latest period a reader may see."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from followup import dashboard
from followup.models import Assessment, Period, PeriodState
from followup.services import plan_year_start
from tests.factories import TWO_PERSPECTIVES, assess_all, build_tree, grow_tree

LATE = datetime.date(2026, 12, 31)


def _assess(node, period, status):
    Assessment.objects.update_or_create(node=node, period=period, defaults={"status": status})


@pytest.fixture
def year_2025(committees):
    year = plan_year_start(source=None, year=2025)
    nodes = build_tree(year, TWO_PERSPECTIVES)
    _interim, annual = Period.objects.for_year(year)
    _assess(nodes["Fler i arbete"], annual, "not_met")
    _assess(nodes["Budget i balans"], annual, "met")
    return year


@pytest.fixture
def year_2026(year_2025):
    year = plan_year_start(source=year_2025, year=2026)
    interim, annual = Period.objects.for_year(year)
    goals = {node.title: node for node in year.nodes.all()}
    _assess(goals["Fler i arbete"], interim, "partly_met")
    _assess(goals["Budget i balans"], interim, "met")
    _assess(goals["Läsa bättre"], interim, "not_met")
    _assess(goals["Lovskola"], interim, "in_progress")
    _assess(goals["Fler i arbete"], annual, "met")
    _assess(goals["Budget i balans"], annual, "not_met")
    return year


def test_dashboard_shows_the_latest_period_with_trends_against_the_last_period_and_year(
    year_2026, councillor
):
    board = dashboard.dashboard_for(councillor, [year_2026, year_2026.copied_from], today=LATE)
    assert board.period.kind == "annual" and board.period.plan_year == year_2026
    assert board.previous_period.kind == "interim"
    assert board.last_year_period.plan_year.year == 2025
    assert board.vision == "Vision"
    assert [card.title for card in board.perspectives] == ["Kramforsbon", "Ekonomi"]
    rows = {goal.title: goal for card in board.perspectives for goal in card.goals}
    assert board.municipal_goal_count == 3
    work = rows["Fler i arbete"]
    assert (work.status, work.previous_status, work.last_year_status) == (
        "met",
        "partly_met",
        "not_met",
    )
    assert [direction for direction, _text in work.trend_texts] == ["better", "better"]
    budget = rows["Budget i balans"]
    assert [direction for direction, _text in budget.trend_texts] == ["worse", "worse"]
    assert rows["Trygga miljöer"].status == "missing"
    assert rows["Trygga miljöer"].trend_texts == []


def test_dashboard_counts_goals_and_activities_apart(year_2026, councillor):
    board = dashboard.dashboard_for(
        councillor, [year_2026, year_2026.copied_from], today=datetime.date(2026, 9, 30)
    )
    assert board.period.kind == "interim"
    assert board.previous_period.kind == "annual"  # the year before's last period
    people = board.perspectives[0]
    # Trygg kommun (direction), two municipal goals, two committee goals.
    assert people.goal_counts == {"partly_met": 1, "not_met": 1, "missing": 3}
    assert people.activity_counts == {"in_progress": 1, "missing": 1}


def test_residents_see_only_published_periods(year_2026, settings, client):
    settings.PUBLIC_ACCESS = True
    page = client.get(reverse("followup:start")).content.decode()
    assert "Ingen uppföljning har publicerats för året ännu." in page
    assert "Fler i arbete" in page
    annual = Period.objects.get(plan_year=year_2026, kind="interim")
    annual.state = PeriodState.PUBLISHED
    annual.published_at = timezone.now()
    annual.save()
    page = client.get(reverse("followup:start")).content.decode()
    assert "delvis uppfyllt" in page
    assert "Ingen uppföljning har publicerats" not in page


def test_start_page_shows_the_dashboard(year_2026, councillor_client):
    page = councillor_client.get(reverse("followup:start")).content.decode()
    assert "Vision" in page and "Kramforsbon" in page and "Budget i balans" in page
    assert 'class="stack__bar"' in page
    assert "3 kommunövergripande mål" in page


@pytest.mark.parametrize("goals", [4, 40])
def test_start_page_queries_do_not_grow_with_the_tree(goals, committees, councillor_client):
    year = plan_year_start(source=None, year=2026)
    nodes = grow_tree(year, committees, goals)
    assess_all(nodes, Period.objects.for_year(year).first())
    # Expect 6 queries:
    # * the session
    # * the user
    # * the user's roles
    # * the plan years
    # * the periods the user may see
    # * the tree with its statuses in three periods
    with CaptureQueriesContext(connection) as queries:
        response = councillor_client.get(reverse("followup:start"))
    assert response.status_code == 200
    assert len(queries) == 6, [query["sql"] for query in queries]
