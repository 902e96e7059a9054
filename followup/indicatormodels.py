"""A goal's nyckeltal (indicators) and their outcome in each period."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from followup.models import Period, validate_forecast_allowed
from goals import rules
from goals.models import (
    GlobalGoal,
    Node,
    PlanYear,
)
from goals.text import PlainCharField, PlainTextField


class IndicatorDirection(models.TextChoices):
    HIGHER_IS_BETTER = "higher", _("higher is better")
    LOWER_IS_BETTER = "lower", _("lower is better")


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def for_year(self, plan_year: PlanYear | int) -> IndicatorQuerySet:
        return self.filter(node__plan_year=plan_year)


class Indicator(models.Model):
    """A key figure (nyckeltal) that measures a municipal or committee goal."""

    node = models.ForeignKey(
        Node, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = PlainCharField(_("name"), max_length=300)
    unit = PlainCharField(_("unit"), max_length=40, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=3)
    direction = models.CharField(
        _("direction"),
        max_length=10,
        choices=IndicatorDirection.choices,
        default=IndicatorDirection.HIGHER_IS_BETTER,
    )
    kolada_kpi = PlainCharField(
        _("Kolada KPI id"), max_length=20, blank=True, help_text=_("For example N00914.")
    )
    definition = PlainTextField(_("definition"), blank=True, max_length=5000)
    # An organisational unit whose value is the outcome instead of the municipality's.
    kolada_ou = models.CharField(_("Kolada unit id"), max_length=30, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    global_goals = models.ManyToManyField(
        GlobalGoal,
        verbose_name=_("global goals"),
        through="followup.IndicatorGlobalGoal",
        blank=True,
        related_name="indicators",
    )

    history = HistoricalRecords()
    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["node", "order", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        indexes = [models.Index(fields=["kolada_kpi"], name="indicator_kolada_kpi")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        error = rules.indicator_error(self.node.kind) if self.node_id else None
        if error:
            raise ValidationError(error)


class IndicatorOutcome(models.Model):
    """An indicator's measured value in one follow-up period."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="outcomes"
    )
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="outcomes"
    )
    value = models.DecimalField(_("outcome"), max_digits=14, decimal_places=3)
    # The value expected at the end of the year, given in an interim period.
    forecast = models.DecimalField(
        _("forecast for the full year"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    source = PlainCharField(_("source"), max_length=40, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("entered"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["period__cutoff_date"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_outcome_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.period}: {self.value}"

    def clean(self) -> None:
        if self.forecast is not None:
            validate_forecast_allowed(self.period, "forecast")


class IndicatorGlobalGoal(models.Model):
    """An indicator's link to one of Agenda 2030's global goals."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="global_goal_links",
    )
    global_goal = models.ForeignKey(
        GlobalGoal,
        verbose_name=_("global goal"),
        on_delete=models.PROTECT,
        related_name="indicator_links",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "global_goal"]
        verbose_name = _("link to a global goal")
        verbose_name_plural = _("links to global goals")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "global_goal"], name="one_indicator_link_per_global_goal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} → {self.global_goal_id}"
