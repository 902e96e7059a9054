"""The demo's sound financial management: the municipal goals that count for it
with their nyckeltal and forecasts, the evaluation and the balance requirement
statement of the interim report."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from followup.demofigures import (
    DEMO_BALANCE,
    DEMO_FINANCIAL_INDICATORS,
    DEMO_GEH_ANALYSES,
    DEMO_GEH_JUSTIFICATION,
    DEMO_GEH_ROLES,
    DEMO_GOAL_FORECASTS,
    demo_indicator_save,
)
from followup.demotree import (
    MUNICIPAL_ASSESSOR,
)
from followup.gehmodels import BalanceDeficit, BalanceStatement, GehEvaluation, GehVerdict
from followup.indicatormodels import IndicatorOutcome
from followup.models import Assessment, GoalStatus, Period
from goals import services
from goals.models import Node, NodeKind, PlanYear


def demo_geh_load(*, plan_year: PlanYear, interim: Period) -> None:
    """Sound financial management in the interim report: the goals' roles, their
    forecasts, the financial indicators, the evaluation and the balance
    requirement statement. What already exists is left as it is."""
    goals = {
        node.title: node
        for node in Node.objects.for_year(plan_year).of_kind(NodeKind.MUNICIPAL_GOAL)
        if node.title in DEMO_GEH_ROLES and not node.geh_role
    }
    if goals:
        services.nodes_geh_roles_set(
            plan_year=plan_year,
            roles={node.pk: DEMO_GEH_ROLES[title] for title, node in goals.items()},
            versions={node.pk: node.version for node in goals.values()},
        )
    _goal_forecasts(plan_year, interim)
    _financial_indicators(plan_year, interim)
    if not GehEvaluation.objects.filter(period=interim).exists():
        GehEvaluation.objects.create(
            period=interim, verdict=GehVerdict.PARTLY_REACHED, justification=DEMO_GEH_JUSTIFICATION
        )
    statement, created = BalanceStatement.objects.get_or_create(
        period=interim, defaults=DEMO_BALANCE
    )
    if created:
        BalanceDeficit.objects.create(
            statement=statement,
            arose_in=plan_year.year - 2,
            amount=4_500_000,
            restore_by=plan_year.year + 1,
        )


def _goal_forecasts(plan_year: PlanYear, interim: Period) -> None:
    """The goals for sound financial management, assessed in the interim report
    with a forecast for the full year; an existing forecast is kept."""
    goals = Node.objects.for_year(plan_year).filter(title__in=list(DEMO_GOAL_FORECASTS))
    assessed = {
        assessment.node_id: assessment
        for assessment in Assessment.objects.for_period(interim).filter(node__in=goals)
    }
    for goal in goals:
        status, forecast = DEMO_GOAL_FORECASTS[goal.title]
        assessment = assessed.get(goal.pk)
        if assessment is None or assessment.status == GoalStatus.NOT_ASSESSED:
            # Nothing under these goals to judge them by: the demo's own figures,
            # assessed by the official a few days before the cut-off.
            assessment, _created = Assessment.objects.update_or_create(
                node=goal,
                period=interim,
                defaults={
                    "status": status,
                    "analysis": DEMO_GEH_ANALYSES[goal.title],
                    "forecast_status": forecast,
                },
            )
            cutoff = timezone.make_aware(
                datetime.datetime.combine(interim.cutoff_date, datetime.time())
            )
            Assessment.objects.filter(pk=assessment.pk).update(
                updated_at=cutoff - datetime.timedelta(days=3),
                updated_by=User.objects.filter(username=MUNICIPAL_ASSESSOR).first(),
            )
        elif not assessment.forecast_status:
            assessment.forecast_status = forecast
            assessment.save(update_fields=["forecast_status"])


def _financial_indicators(plan_year: PlanYear, interim: Period) -> None:
    goals = {
        node.title: node
        for node in Node.objects.for_year(plan_year).of_kind(NodeKind.MUNICIPAL_GOAL)
    }
    for order, (goal, name, unit, direction, baseline, target, kpi, outcome, forecast) in enumerate(
        DEMO_FINANCIAL_INDICATORS
    ):
        if goal not in goals:
            continue
        demo_indicator_save(
            node=goals[goal],
            name=name,
            unit=unit,
            direction=direction,
            baseline=baseline,
            target=target,
            kpi=kpi,
            order=order,
            period=interim,
            outcome={"value": Decimal(outcome), "forecast": Decimal(forecast)},
        )
    # The result goal's indicator, entered with the other demo indicators,
    # gets its forecast here.
    IndicatorOutcome.objects.filter(
        period=interim,
        indicator__node__plan_year=plan_year,
        indicator__kolada_kpi="N03101",
        forecast__isnull=True,
    ).update(forecast=Decimal("2.5"))
