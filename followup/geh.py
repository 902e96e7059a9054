"""God ekonomisk hushållning (sound financial management) in a follow-up period:
the reads the page, the report and the PDF are built from, and the writes an
official makes.

The law asks three things of the interim and the annual report: whether the
financial goals and the operational goals of importance for sound financial
management were reached (lagen om kommunal bokföring och redovisning 11 kap.),
and the balance requirement statement (kommunallagen 11 kap. 10–14 §). The
verdict is an official's word; how many goals were reached is counted from
the assessments — in an interim period from their forecast for the full
year — and the statement's results are computed from the lines entered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from followup.gehmodels import BalanceDeficit, BalanceStatement, GehEvaluation
from followup.models import MISSING, Assessment, GoalStatus, Period, PeriodKind, StatusLabels
from followup.services import PeriodClosedError
from goals.models import GehRole, Node, NodeKind
from goals.services import StaleEditError

# --- the balance requirement statement's lines -----------------------------------


@dataclass(frozen=True)
class LineSpec:
    """One line of the statement: a stored amount (`name` is a field) or a
    computed result (`name` is a property), with the sign the statement gives it."""

    name: str
    label: str
    sign: str  # "", "−", "+", "±" for an entered amount; "=" for a result
    computed: bool = False


BALANCE_LINES = [
    LineSpec("result", gettext_lazy("Result according to the income statement"), ""),
    LineSpec("capital_gains", gettext_lazy("Less all capital gains"), "−"),
    LineSpec("exception_gains", gettext_lazy("Capital gains under the exception rules"), "+"),
    LineSpec("exception_losses", gettext_lazy("Capital losses under the exception rules"), "+"),
    LineSpec(
        "unrealised_securities", gettext_lazy("Unrealised gains and losses in securities"), "±"
    ),
    LineSpec(
        "unrealised_reversal",
        gettext_lazy("Reversal of unrealised gains and losses in securities"),
        "±",
    ),
    LineSpec(
        "adjusted_result",
        gettext_lazy("Result after balance requirement adjustments"),
        "=",
        computed=True,
    ),
    LineSpec(
        "reserve_allocation",
        gettext_lazy("Allocation to the result equalisation reserve"),
        "−",
    ),
    LineSpec("reserve_use", gettext_lazy("Use of the result equalisation reserve"), "+"),
    LineSpec("balance_result", gettext_lazy("Balance requirement result"), "=", computed=True),
]
ENTERED_LINES = [line for line in BALANCE_LINES if not line.computed]
COMPUTED_LINES = [line for line in BALANCE_LINES if line.computed]
# Entered as positive amounts: the statement's sign says which way they go.
NOT_NEGATIVE = frozenset(
    {"capital_gains", "exception_gains", "exception_losses", "reserve_allocation", "reserve_use"}
)


@dataclass(frozen=True)
class Unit:
    code: str  # "kr" or "tkr"
    factor: int  # kronor per unit
    label: str


def balance_unit() -> Unit:
    """The unit the statement is typed and shown in (`settings.BALANCE_UNIT`)."""
    if settings.BALANCE_UNIT == "kr":
        return Unit("kr", 1, _("kronor"))
    return Unit("tkr", 1000, _("thousands of kronor"))


def in_unit(amount: int, unit: Unit) -> int:
    """Kronor in the unit, rounded to the nearest whole unit (half away from zero)."""
    return int((Decimal(amount) / unit.factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_amount(amount: int, unit: Unit) -> str:
    return number_format(in_unit(amount, unit), decimal_pos=0, force_grouping=True)


@dataclass(frozen=True)
class BalanceRow:
    label: str
    sign: str
    amount: int  # kronor
    text: str  # in the unit, grouped
    computed: bool


@dataclass(frozen=True)
class DeficitRow:
    arose_in: int
    restore_by: int
    amount: int
    text: str


@dataclass
class BalanceRequirement:
    """A period's statement as the page and the report show it; `statement` is
    None when none has been entered."""

    statement: BalanceStatement | None
    deficits: list[BalanceDeficit]
    unit: Unit

    @property
    def rows(self) -> list[BalanceRow]:
        if self.statement is None:
            return []
        return [
            BalanceRow(
                label=str(line.label),
                sign=line.sign,
                amount=getattr(self.statement, line.name),
                text=format_amount(getattr(self.statement, line.name), self.unit),
                computed=line.computed,
            )
            for line in BALANCE_LINES
        ]

    @property
    def deficit_rows(self) -> list[DeficitRow]:
        return [
            DeficitRow(
                deficit.arose_in,
                deficit.restore_by,
                deficit.amount,
                format_amount(deficit.amount, self.unit),
            )
            for deficit in self.deficits
        ]

    @property
    def deficits_total(self) -> int:
        return sum(deficit.amount for deficit in self.deficits)

    @property
    def after_deficits(self) -> int:
        """The balance requirement result less the deficits still to restore."""
        return self.statement.balance_result - self.deficits_total if self.statement else 0

    @property
    def to_restore(self) -> int:
        """What is still to be restored after this year: earlier deficits the
        result does not cover, and this year's own deficit."""
        if self.statement is None:
            return 0
        return max(0, self.deficits_total - self.statement.balance_result)

    @property
    def deficits_total_text(self) -> str:
        return format_amount(self.deficits_total, self.unit)

    @property
    def after_deficits_text(self) -> str:
        return format_amount(self.after_deficits, self.unit)

    @property
    def to_restore_text(self) -> str:
        return format_amount(self.to_restore, self.unit)


# --- the goals for sound financial management ------------------------------------


@dataclass(frozen=True)
class GehGoal(StatusLabels):
    id: int
    title: str
    status: str  # MISSING when not assessed
    forecast_status: str  # "" when none


@dataclass
class GoalTally:
    """The goals of one kind, and how many were reached: in an interim period by
    their forecast for the full year, in an annual period by their status."""

    goals: list[GehGoal]
    by_forecast: bool

    def is_reached(self, goal: GehGoal) -> bool:
        judged = goal.forecast_status if self.by_forecast else goal.status
        return judged == GoalStatus.MET

    @property
    def reached(self) -> int:
        return sum(1 for goal in self.goals if self.is_reached(goal))

    @property
    def total(self) -> int:
        return len(self.goals)


@dataclass
class GehReport:
    period: Period
    evaluation: GehEvaluation | None
    financial: GoalTally
    operational: GoalTally
    balance: BalanceRequirement

    @property
    def is_forecast(self) -> bool:
        return self.period.kind == PeriodKind.INTERIM


def geh_report(period: Period) -> GehReport:
    """The period's evaluation, its goals for sound financial management with
    their statuses, and its balance requirement statement. Three queries: the
    goals with their assessments, the evaluation and the statement, the
    statement's deficits."""
    assessment = Assessment.objects.filter(node=OuterRef("pk"), period=period)
    goals = (
        Node.objects.for_year(period.plan_year_id)
        .of_kind(NodeKind.MUNICIPAL_GOAL)
        .exclude(geh_role="")
        .annotate(
            period_status=Subquery(assessment.values("status")[:1]),
            period_forecast=Subquery(assessment.values("forecast_status")[:1]),
        )
        .in_tree_order()
        .values_list("pk", "title", "geh_role", "period_status", "period_forecast")
    )
    by_role: dict[str, list[GehGoal]] = {GehRole.FINANCIAL: [], GehRole.OPERATIONAL: []}
    for pk, title, role, status, forecast in goals:
        by_role[role].append(GehGoal(pk, title, status or MISSING, forecast or ""))
    interim = period.kind == PeriodKind.INTERIM
    # The evaluation and the statement with the period, in one query whether
    # or not they exist; then the deficits, in one.
    with_records = Period.objects.select_related(
        "geh_evaluation__updated_by", "balance_statement"
    ).get(pk=period.pk)
    evaluation = getattr(with_records, "geh_evaluation", None)
    statement = getattr(with_records, "balance_statement", None)
    deficits = list(BalanceDeficit.objects.filter(statement__period=period))
    return GehReport(
        period=period,
        evaluation=evaluation,
        financial=GoalTally(by_role[GehRole.FINANCIAL], by_forecast=interim),
        operational=GoalTally(by_role[GehRole.OPERATIONAL], by_forecast=interim),
        balance=BalanceRequirement(statement, deficits, balance_unit()),
    )


# --- writes ----------------------------------------------------------------------


def _locked_open_period(period: Period) -> Period:
    locked = Period.objects.select_for_update().get(pk=period.pk)
    if locked.is_closed:
        raise PeriodClosedError
    return locked


def _locked_for_edit[RecordT: GehEvaluation | BalanceStatement](
    model: type[RecordT], period: Period, expected_version: int
) -> RecordT:
    """The period's record of `model` (one per period), locked with the period
    for a change, its version counted on; a new one when there is none yet.

    Raises PeriodClosedError for a closed period and StaleEditError when the
    stored version is not `expected_version` (0 for none): someone else saved
    since the form was opened.
    """
    _locked_open_period(period)
    current = model.objects.select_for_update().filter(period=period).first()
    if (current.version if current else 0) != expected_version:
        raise StaleEditError(current)
    if current is None:
        return model(period=period)
    current.version += 1
    return current


def geh_evaluation_save(
    *, period: Period, verdict: str, justification: str, expected_version: int, user=None
) -> GehEvaluation:
    """Write the period's verdict on sound financial management and its justification.

    `expected_version` is the evaluation's version when the form was opened,
    0 when there was none. Refused when the period is closed and when someone
    else saved meanwhile.
    """
    with transaction.atomic():
        current = _locked_for_edit(GehEvaluation, period, expected_version)
        current.verdict = verdict
        current.justification = (justification or "").strip()
        current.updated_by = user if user is not None and user.is_authenticated else None
        current.full_clean(exclude=["period", "updated_by"])
        current.save()
    return current


@dataclass(frozen=True)
class DeficitEntry:
    arose_in: int
    amount: int  # kronor
    restore_by: int


@dataclass
class BalanceEntry:
    """The statement's entered lines, in kronor, and its deficits."""

    amounts: dict[str, int]
    deficits: list[DeficitEntry] = field(default_factory=list)


def balance_statement_save(
    *, period: Period, entry: BalanceEntry, expected_version: int, user=None
) -> BalanceStatement:
    """Write the period's balance requirement statement and its deficits together.

    The results are never written: they are computed from the lines. Refused
    when the period is closed, when someone else saved meanwhile, and when a
    line is missing or one the statement subtracts is negative.
    """
    missing = [line.name for line in ENTERED_LINES if line.name not in entry.amounts]
    if missing:
        raise ValidationError(_("Every line of the statement needs an amount."))
    if any(entry.amounts[name] < 0 for name in NOT_NEGATIVE):
        raise ValidationError(
            _("Enter the amounts the statement subtracts or adds as positive numbers.")
        )
    years = [deficit.arose_in for deficit in entry.deficits]
    if len(years) != len(set(years)):
        raise ValidationError(_("Each year's deficit can be listed only once."))
    with transaction.atomic():
        current = _locked_for_edit(BalanceStatement, period, expected_version)
        for line in ENTERED_LINES:
            setattr(current, line.name, entry.amounts[line.name])
        current.updated_by = user if user is not None and user.is_authenticated else None
        current.full_clean(exclude=["period", "updated_by"])
        current.save()
        _deficits_replace(current, entry.deficits)
    return current


def _deficits_replace(statement: BalanceStatement, entries: list[DeficitEntry]) -> None:
    """Make the statement's deficits those entered: changed ones updated, new
    ones added, the rest removed (each change in the history)."""
    existing = {deficit.arose_in: deficit for deficit in statement.deficits.all()}
    for entry in entries:
        deficit = existing.pop(entry.arose_in, None) or BalanceDeficit(
            statement=statement, arose_in=entry.arose_in
        )
        if deficit.pk and (deficit.amount, deficit.restore_by) == (
            entry.amount,
            entry.restore_by,
        ):
            continue
        deficit.amount, deficit.restore_by = entry.amount, entry.restore_by
        deficit.full_clean(exclude=["statement"])
        deficit.save()
    for gone in existing.values():
        gone.delete()
