"""Indicators (nyckeltal): the status an outcome earns against its target, and
the writes that keep indicators and their outcomes.

The status of an outcome, with the margin m = `settings.INDICATOR_PARTLY_MET_MARGIN`
(percent):

- no outcome: no status;
- the outcome reaches the target (at or above it when higher is better, at or
  below it when lower is better): met;
- it misses the target by at most m % of the target's absolute value: partly
  met;
- it misses by more: not met.

So with target 90, higher is better and m = 10, the allowed miss is 9: 90 and
above is met, 81 up to 90 partly met, below 81 not met. With target -2 (a
deficit of at most 2) the allowed miss is 0.2 whichever the direction. With a
target of 0 the allowed miss is 0, so any miss is not met.

Indicators are kept by whoever may edit their goal (`permissions.can_edit_indicators`).
Every write checks the version the form was opened with, so a stale form is
refused instead of silently overwriting someone else's change; an outcome is
written under the period's row lock, so it cannot slip into a period that is
being closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from followup.indicatormodels import Indicator, IndicatorDirection, IndicatorOutcome
from followup.models import GoalStatus, Period
from followup.services import PeriodClosedError, refuse_if_approved
from goals import rules
from goals.models import Node
from goals.services import StaleEditError

HUNDRED = Decimal(100)


def outcome_status(
    *,
    target: Decimal,
    outcome: Decimal | None,
    direction: str,
    margin_percent: int | Decimal | None = None,
) -> str | None:
    """met, partly met or not met for an outcome against its target; None without an outcome."""
    if outcome is None or target is None:
        return None
    margin = Decimal(
        settings.INDICATOR_PARTLY_MET_MARGIN if margin_percent is None else margin_percent
    )
    target, outcome = Decimal(target), Decimal(outcome)
    # How far the outcome falls short of the target, in the direction that counts.
    lower_is_better = direction == IndicatorDirection.LOWER_IS_BETTER
    miss = outcome - target if lower_is_better else target - outcome
    if miss <= 0:
        return GoalStatus.MET
    if miss <= abs(target) * margin / HUNDRED:
        return GoalStatus.PARTLY_MET
    return GoalStatus.NOT_MET


def indicator_status(indicator: Indicator, outcome: Decimal | None) -> str | None:
    return outcome_status(target=indicator.target, outcome=outcome, direction=indicator.direction)


# --- writes ------------------------------------------------------------------

INDICATOR_FIELDS = (
    "name",
    "unit",
    "baseline",
    "target",
    "direction",
    "kolada_kpi",
    "kolada_ou",
    "definition",
    "order",
)


def _by(record, user) -> None:
    """Name the user in the history record; without one, the request's user is named."""
    if user is not None and user.is_authenticated:
        record._history_user = user


def _check_node(node: Node) -> None:
    error = rules.indicator_error(node.kind)
    if error:
        raise ValidationError(error)


def _validated(indicator: Indicator) -> Indicator:
    indicator.name = (indicator.name or "").strip()
    indicator.unit = (indicator.unit or "").strip()
    indicator.kolada_kpi = (indicator.kolada_kpi or "").strip().upper()
    indicator.kolada_ou = (indicator.kolada_ou or "").strip().upper()
    indicator.definition = (indicator.definition or "").strip()
    indicator.full_clean(exclude=["copied_from", "version"])
    return indicator


def indicator_create(*, node: Node, user=None, **values) -> Indicator:
    """Add an indicator to a municipal or committee goal."""
    _check_node(node)
    indicator = Indicator(node=node, **{name: values[name] for name in values})
    _validated(indicator)
    _by(indicator, user)
    indicator.save()
    return indicator


def indicator_update(
    *, indicator: Indicator, expected_version: int, user=None, **values
) -> Indicator:
    """Change an indicator's fields if nobody else has since the form was opened."""
    with transaction.atomic():
        current = Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
        if current is None:
            raise ValidationError(_("The indicator no longer exists; someone may have deleted it."))
        if current.version != expected_version:
            raise StaleEditError(current)
        for name in INDICATOR_FIELDS:
            if name in values:
                setattr(current, name, values[name])
        _validated(current)
        current.version += 1
        _by(current, user)
        current.save()
        return current


def indicator_delete(*, indicator: Indicator, expected_version: int, user=None) -> None:
    """Delete an indicator with its outcomes, if nobody has changed it meanwhile."""
    with transaction.atomic():
        current = Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
        if current is None:
            return
        if current.version != expected_version:
            raise StaleEditError(current)
        for outcome in current.outcomes.all():
            _by(outcome, user)
            outcome.delete()
        _by(current, user)
        current.delete()


# `outcome_save(forecast=KEEP)`: the outcome's forecast stays as it is.
KEEP = object()


def _locked_outcome(indicator: Indicator, period: Period) -> tuple[Period, IndicatorOutcome | None]:
    """The period, locked and open, and the indicator's outcome in it locked for
    a change (None when there is none); PeriodClosedError for a closed period."""
    locked = Period.objects.locked().get(pk=period.pk)
    if locked.is_closed:
        raise PeriodClosedError
    refuse_if_approved(period.pk, [indicator.node.committee_id])
    current = (
        IndicatorOutcome.objects.select_for_update()
        .filter(indicator=indicator, period=period)
        .first()
    )
    return locked, current


def outcome_save(
    *,
    indicator: Indicator,
    period: Period,
    value: Decimal,
    source: str = "",
    expected_version: int,
    user=None,
    forecast: Decimal | object | None = KEEP,
) -> IndicatorOutcome:
    """Enter or change an indicator's outcome in a period, and its forecast for
    the full year (an interim period's; None for none).

    `expected_version` is the outcome's version when the form was opened, 0
    when there was none. Refused when the period is closed, when someone else
    entered or changed the outcome meanwhile, and for a forecast in an annual
    period.
    """
    year_error = rules.period_year_error(period.plan_year_id, indicator.node.plan_year_id)
    if year_error:
        raise ValidationError(year_error)
    with transaction.atomic():
        locked, current = _locked_outcome(indicator, period)
        if (current.version if current else 0) != expected_version:
            raise StaleEditError(current)
        if current is None:
            current = IndicatorOutcome(indicator=indicator, period=period)
        else:
            current.version += 1
        current.value = value
        if forecast is not KEEP:
            current.forecast = forecast
        current.source = (source or "").strip()
        current.updated_by = user if user is not None and user.is_authenticated else None
        current.period = locked  # the period's kind, for the forecast's check
        current.full_clean(exclude=["indicator", "period", "updated_by"])
        _by(current, user)
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError:
            # Someone else entered the first outcome at the same moment.
            raise StaleEditError(
                IndicatorOutcome.objects.filter(indicator=indicator, period=period).first()
            ) from None
        return current


def outcome_delete(
    *, indicator: Indicator, period: Period, expected_version: int, user=None
) -> None:
    """Remove an outcome from an open period, if nobody has changed it meanwhile."""
    with transaction.atomic():
        _, current = _locked_outcome(indicator, period)
        if current is None:
            return
        if current.version != expected_version:
            raise StaleEditError(current)
        _by(current, user)
        current.delete()


# --- display -----------------------------------------------------------------


def format_value(value: Decimal | None) -> str:
    """A stored value as a person writes it: no trailing zeros, the locale's decimal mark."""
    if value is None:
        return "–"
    value = Decimal(value)
    # normalize() alone would write 100 as 1E+2.
    whole = value == value.to_integral_value()
    value = value.quantize(Decimal(1)) if whole else value.normalize()
    return number_format(value)


@dataclass
class OutcomeCell:
    period: Period
    outcome: IndicatorOutcome | None
    status: str | None

    @property
    def value(self) -> str:
        return format_value(self.outcome.value if self.outcome else None)

    @property
    def forecast(self) -> str:
        """The forecast for the full year, "" when there is none."""
        if self.outcome is None or self.outcome.forecast is None:
            return ""
        return format_value(self.outcome.forecast)

    @property
    def status_label(self) -> str:
        return str(GoalStatus(self.status).label) if self.status else _("no outcome")


@dataclass
class IndicatorRow:
    indicator: Indicator
    cells: list[OutcomeCell]

    @property
    def baseline(self) -> str:
        return format_value(self.indicator.baseline)

    @property
    def target(self) -> str:
        return format_value(self.indicator.target)


def indicator_rows(
    indicators: list[Indicator], periods: list[Period], outcomes: list[IndicatorOutcome]
) -> list[IndicatorRow]:
    """Each indicator with its outcome and status in every period, for a table."""
    by_key = {(outcome.indicator_id, outcome.period_id): outcome for outcome in outcomes}
    rows = []
    for indicator in indicators:
        cells = []
        for period in periods:
            outcome = by_key.get((indicator.pk, period.pk))
            cells.append(
                OutcomeCell(
                    period=period,
                    outcome=outcome,
                    status=indicator_status(indicator, outcome.value if outcome else None),
                )
            )
        rows.append(IndicatorRow(indicator=indicator, cells=cells))
    return rows


def outcomes_bulk_save(
    to_create: list[IndicatorOutcome],
    to_update: list[IndicatorOutcome],
    *,
    user,
    reason: str | None = None,
) -> None:
    """Write imported outcomes in bulk, each change in the history by `user`
    and, when given, with `reason` (the source, such as Kolada)."""
    if to_create:
        bulk_create_with_history(
            to_create, IndicatorOutcome, default_user=user, default_change_reason=reason
        )
    if to_update:
        bulk_update_with_history(
            to_update,
            IndicatorOutcome,
            ["value", "source", "updated_by", "updated_at", "version"],
            default_user=user,
            default_change_reason=reason,
        )
