"""What a Kolada import did and did not do: the report `kolada_import` returns,
with each value's outcome and every skipped value's reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy

# Examples listed per reason for skipping; the rest are counted.
MAX_EXAMPLES = 20


class SkipReason(models.TextChoices):
    # In the order a value is checked: the first that applies is reported.
    OTHER_MUNICIPALITY = (
        "other_municipality",
        gettext_lazy("a municipality or unit outside the comparison set"),
    )
    DUPLICATE = "duplicate", gettext_lazy("the same KPI and year appear more than once")
    UNKNOWN_KPI = "unknown_kpi", gettext_lazy("no indicator has this KPI id")
    NO_PLAN_YEAR = "no_plan_year", gettext_lazy("there is no plan year for the year")
    NOT_IN_PLAN_YEAR = (
        "not_in_plan_year",
        gettext_lazy("no indicator in that plan year has this KPI id"),
    )
    NO_ANNUAL_PERIOD = "no_annual_period", gettext_lazy("the plan year has no annual report period")
    PERIOD_CLOSED = "period_closed", gettext_lazy("the annual report period is closed")
    NO_TOTAL = "no_total", gettext_lazy("no total (gender T)")
    NO_VALUE = "no_value", gettext_lazy("the value is missing")


class OutcomeAction(models.TextChoices):
    CREATED = "created", gettext_lazy("new")
    UPDATED = "updated", gettext_lazy("changed")
    UNCHANGED = "unchanged", gettext_lazy("unchanged")


@dataclass(frozen=True)
class KoladaValue:
    """One checked value of a page: a KPI's total for a municipality (or, with
    `is_unit`, an organisational unit) and year, and its value per gender."""

    kpi: str
    municipality: str
    year: int
    has_total: bool
    total: Decimal | None
    # (gender, value) as the page gives them: T, K, M.
    genders: tuple[tuple[str, Decimal | None], ...] = ()
    is_unit: bool = False


@dataclass
class ImportedOutcome:
    indicator_id: int
    indicator_name: str
    node_id: int
    node_title: str
    kpi: str
    year: int
    value: Decimal
    previous: Decimal | None
    action: str

    @property
    def action_label(self) -> str:
        return str(OutcomeAction(self.action).label)


@dataclass
class Skipped:
    reason: str
    count: int = 0
    examples: list[KoladaValue] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(SkipReason(self.reason).label)


@dataclass
class KoladaReport:
    municipality: str
    dry_run: bool
    pages: int = 0
    values: int = 0
    outcomes: list[ImportedOutcome] = field(default_factory=list)
    skipped: dict[str, Skipped] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Values kept for comparison (every gender of the comparison set and units).
    compared: int = 0

    def _count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    @property
    def created(self) -> int:
        return self._count(OutcomeAction.CREATED)

    @property
    def updated(self) -> int:
        return self._count(OutcomeAction.UPDATED)

    @property
    def unchanged(self) -> int:
        return self._count(OutcomeAction.UNCHANGED)

    @property
    def skipped_total(self) -> int:
        return sum(skipped.count for skipped in self.skipped.values())

    def skipped_in_order(self) -> list[Skipped]:
        return [self.skipped[reason] for reason in SkipReason.values if reason in self.skipped]

    def skip(self, value: KoladaValue, reason: str) -> None:
        skipped = self.skipped.setdefault(reason, Skipped(reason=reason))
        skipped.count += 1
        if len(skipped.examples) < MAX_EXAMPLES:
            skipped.examples.append(value)
