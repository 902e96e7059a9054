"""Instances built from hand-written SQL (goals.sqlrows) equal what the ORM loads."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from followup.indicatormodels import IndicatorOutcome
from followup.models import Assessment, Period
from followup.nodepage import indicators_and_outcomes, periods_and_assessments
from goals.models import Node
from tests.factories import TWO_PERSPECTIVES, add_indicator, build_tree


def _values(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in type(instance)._meta.concrete_fields
    }


@pytest.fixture
def tree(plan_year, committees):
    return build_tree(plan_year, TWO_PERSPECTIVES)


def test_a_node_with_its_ancestors_in_one_query(tree):
    goal = tree["Läsa bättre"]
    with CaptureQueriesContext(connection) as captured:
        node, ancestors = Node.objects.with_ancestors(goal.pk)
        # Its year and committee came along.
        year, committee = node.plan_year.year, node.committee.name
    assert len(captured) == 1
    assert _values(node) == _values(Node.objects.get(pk=goal.pk))
    assert (year, committee) == (goal.plan_year.year, goal.committee.name)
    assert [each.title for each in ancestors] == [
        "Vision",
        "Kramforsbon",
        "Trygg kommun",
        "Fler i arbete",
    ]
    assert [_values(each) for each in ancestors] == [
        _values(Node.objects.get(pk=each.pk)) for each in ancestors
    ]


def test_a_root_has_no_ancestors_and_no_committee(tree):
    node, ancestors = Node.objects.with_ancestors(tree["Vision"].pk)
    assert ancestors == []
    assert node.committee is None


def test_a_missing_node_is_not_found(db):
    with pytest.raises(Node.DoesNotExist):
        Node.objects.with_ancestors(987654)


def test_periods_and_assessments_equal_the_orms(tree, periods, secretary):
    goal = tree["Läsa bättre"]
    Assessment.objects.create(
        node=goal, period=periods[1], status="met", analysis="Bra", updated_by=secretary
    )
    node, _ancestors = Node.objects.with_ancestors(goal.pk)
    found, assessments = periods_and_assessments(node, secretary)
    assert [_values(each) for each in found] == [
        _values(each) for each in Period.objects.for_year(goal.plan_year_id)
    ]
    assert list(assessments) == [periods[1].pk]
    saved = Assessment.objects.get(node=goal)
    assert _values(assessments[periods[1].pk]) == _values(saved)
    # Timestamps come back aware, as the ORM gives them, on every database.
    assert assessments[periods[1].pk].updated_at == saved.updated_at
    assert assessments[periods[1].pk].updated_by.get_username() == secretary.get_username()


def test_indicators_and_outcomes_equal_the_orms(tree, periods):
    goal = tree["Läsa bättre"]
    first = add_indicator(goal, "Andel", outcomes={periods[0]: "87.5", periods[1]: 91})
    second = add_indicator(goal, "Antal", target=3)
    node, _ancestors = Node.objects.with_ancestors(goal.pk)
    indicators, outcomes = indicators_and_outcomes(node, list(periods))
    assert [each.pk for each in indicators] == [first.pk, second.pk]
    assert [_values(each) for each in indicators] == [_values(first), _values(second)]
    assert sorted(_values(each)["value"] for each in outcomes) == [Decimal("87.5"), Decimal(91)]
    assert sorted((_values(each) for each in outcomes), key=lambda v: v["id"]) == [
        _values(each) for each in IndicatorOutcome.objects.order_by("id")
    ]


def test_the_public_sees_only_published_periods_on_a_goals_page(client, tree, periods, settings):
    settings.PUBLIC_ACCESS = True
    Period.objects.filter(pk=periods[0].pk).update(
        state="published", published_at="2026-09-01T12:00:00Z"
    )
    response = client.get(reverse("followup:node_detail", kwargs={"pk": tree["Läsa bättre"].pk}))
    assert [each.pk for each in response.context["indicator_periods"]] == [periods[0].pk]
