"""Follow-up: the periods of a plan year and the assessment of each node in them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from goals import rules
from goals.locking import tree_lock
from goals.models import (
    Approval,
    ApprovalState,
    Committee,
    Node,
    NodeKind,
    PlanYear,
)
from goals.permissions import can_see_unpublished
from goals.text import PlainCharField, PlainTextField


class PeriodKind(models.TextChoices):
    INTERIM = "interim", _("Interim report")
    ANNUAL = "annual", _("Annual report")


# Cut-off month and day of each kind of period, by default.
DEFAULT_CUTOFF = {PeriodKind.INTERIM: (8, 31), PeriodKind.ANNUAL: (12, 31)}


class PeriodState(models.TextChoices):
    PLANNED = "planned", _("planned")
    OPEN = "open", _("open for input")
    CLOSED = "closed", _("closed")
    PUBLISHED = "published", _("published")


def closes_at_deadline() -> bool:
    return settings.PERIODS_CLOSE_AT_DEADLINE


def last_open_day(today: datetime.date | None = None) -> datetime.date:
    """A period whose deadline is before this day is closed for input."""
    return today or timezone.localdate()


class PeriodQuerySet(models.QuerySet["Period"]):
    def for_year(self, plan_year: PlanYear | int) -> PeriodQuerySet:
        return self.filter(plan_year=plan_year)

    def open(self, today: datetime.date | None = None) -> PeriodQuerySet:
        """Periods open for input, in every plan year: opened by an official and,
        where periods close at their deadline, not past it. The rule is read from
        the stored dates, so every process agrees without anyone closing the
        period by hand."""
        periods = self.filter(state=PeriodState.OPEN)
        if closes_at_deadline():
            periods = periods.filter(deadline__gte=last_open_day(today))
        return periods

    def past_deadline(self, today: datetime.date | None = None) -> PeriodQuerySet:
        """Periods still marked open whose deadline has passed: the daily command closes them."""
        return self.filter(state=PeriodState.OPEN, deadline__lt=last_open_day(today))

    def published(self) -> PeriodQuerySet:
        return self.filter(state=PeriodState.PUBLISHED)

    def locked(self) -> PeriodQuerySet:
        """The periods' rows, locked until commit; a plan year joined in is read, not locked.

        The one way a period is locked: a save of assessments or outcomes, a
        close and an import each take it, so a period never closes halfway
        through a write. FOR NO KEY UPDATE: it excludes another save or close
        of the period, but not the key share a write referring to the period
        takes (a roll-up count added under the tree lock), which would
        otherwise wait for this lock while this transaction waits for the tree
        lock.
        """
        return self.select_for_update(no_key=True, of=("self",))

    def visible_to(self, user) -> PeriodQuerySet:
        """Unpublished follow-up is for logged-in users; the public sees published periods."""
        if can_see_unpublished(user):
            return self
        return self.published()


class Period(models.Model):
    """A follow-up period: the delårsrapport or the årsredovisning of a plan year."""

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("plan year"), on_delete=models.CASCADE, related_name="periods"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PeriodKind.choices)
    title = PlainCharField(_("title"), max_length=200, blank=True)
    cutoff_date = models.DateField(_("cut-off date"))
    deadline = models.DateField(_("deadline for input"))
    # Open by default, as every period was before periods had states; a new
    # year's periods are created planned (followup.services.plan_year_start).
    state = models.CharField(
        _("state"), max_length=10, choices=PeriodState.choices, default=PeriodState.OPEN
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords()
    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["plan_year", "cutoff_date"]
        verbose_name = _("follow-up period")
        verbose_name_plural = _("follow-up periods")
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "cutoff_date"], name="one_period_per_cutoff"
            ),
            models.CheckConstraint(
                condition=Q(state=PeriodState.PUBLISHED, published_at__isnull=False)
                | (~Q(state=PeriodState.PUBLISHED) & Q(published_at__isnull=True)),
                name="published_period_has_publication_time",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return (
            reverse("followup:red_thread", kwargs={"year": self.plan_year.year})
            + f"?period={self.pk}"
        )

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        return f"{self.get_kind_display()} {self.cutoff_date.year}"

    @property
    def is_published(self) -> bool:
        return self.state == PeriodState.PUBLISHED

    @property
    def is_planned(self) -> bool:
        return self.state == PeriodState.PLANNED

    def is_past_deadline(self, today: datetime.date | None = None) -> bool:
        return closes_at_deadline() and self.deadline < last_open_day(today)

    @property
    def is_open(self) -> bool:
        """Open for input: opened, and not past its deadline (the rule of `PeriodQuerySet.open`)."""
        return self.state == PeriodState.OPEN and not self.is_past_deadline()

    @property
    def is_closed(self) -> bool:
        """Closed for input, whatever the reason: not yet opened, closed, published
        or past its deadline."""
        return not self.is_open

    @property
    def state_label(self) -> str:
        if self.state == PeriodState.OPEN and self.is_past_deadline():
            return str(_("closed at the deadline"))
        return self.get_state_display()

    @classmethod
    def default_dates(cls, kind: str, year: int) -> tuple[datetime.date, datetime.date]:
        """The default cut-off and input deadline of a kind of period in a year."""
        month, day = DEFAULT_CUTOFF[PeriodKind(kind)]
        cutoff = datetime.date(year, month, day)
        # Input is due some weeks after the cut-off, when the figures are in.
        deadline = cutoff + datetime.timedelta(days=21)
        return cutoff, deadline

    def clean(self) -> None:
        error = rules.period_dates_error(self.cutoff_date, self.deadline)
        if error:
            raise ValidationError({"deadline": error})

    def _change_state(self, state: str, reason: str = "", *, fields=()) -> None:
        self.state = state
        self.published_at = timezone.now() if state == PeriodState.PUBLISHED else None
        self.version += 1
        # Kept in the history record (django-simple-history's change reason).
        self._change_reason = reason[:100] if reason else None
        self.save(update_fields=["state", "published_at", "version", *fields])

    def open_for_input(self) -> None:
        self._change_state(PeriodState.OPEN)

    def close(self, reason: str = "") -> None:
        self._change_state(PeriodState.CLOSED, reason)

    def reopen(self, *, reason: str, deadline: datetime.date) -> None:
        """Open a closed period again until `deadline`, for the recorded reason."""
        self.deadline = deadline
        self._change_state(PeriodState.OPEN, reason, fields=["deadline"])

    def publish(self) -> None:
        self._change_state(PeriodState.PUBLISHED)

    def unpublish(self) -> None:
        self._change_state(PeriodState.CLOSED)

    def entry_url(self) -> str:
        return reverse("followup:assessment_entry", kwargs={"pk": self.pk})


def forecast_period_error(period: Period) -> str | None:
    if period.kind != PeriodKind.INTERIM:
        return _("A forecast for the full year can only be given in an interim report.")
    return None


def validate_forecast_allowed(period: Period, field: str) -> None:
    """A forecast for the full year belongs to an interim report only: the annual
    report has the outcome itself."""
    error = forecast_period_error(period)
    if error:
        raise ValidationError({field: error})


class GoalStatus(models.TextChoices):
    MET = "met", _("met")
    PARTLY_MET = "partly_met", _("partly met")
    NOT_MET = "not_met", _("not met")
    NOT_ASSESSED = "not_assessed", _("not assessed")


def forecast_status_error(period: Period, node_kind: str, forecast_status: str) -> str | None:
    """Why a goal's forecast status cannot be given, if it cannot: only in an
    interim report, only for goals, only on the goals' scale."""
    period_error = forecast_period_error(period)
    if period_error:
        return period_error
    if node_kind not in rules.GOAL_KINDS or forecast_status not in GoalStatus.values:
        return _("Only goals are given a forecast for the full year.")
    return None


class ActivityStatus(models.TextChoices):
    DONE = "done", _("completed")
    IN_PROGRESS = "in_progress", _("in progress")
    NOT_STARTED = "not_started", _("not started")
    CANCELLED = "cancelled", _("cancelled")


STATUS_CHOICES = GoalStatus.choices + ActivityStatus.choices
STATUS_LABELS = dict(STATUS_CHOICES)

# A node with no assessment in the period: shown, and counted, as such.
MISSING = "missing"

STATUS_ORDER = [
    GoalStatus.MET,
    GoalStatus.PARTLY_MET,
    GoalStatus.NOT_MET,
    GoalStatus.NOT_ASSESSED,
    ActivityStatus.DONE,
    ActivityStatus.IN_PROGRESS,
    ActivityStatus.NOT_STARTED,
    ActivityStatus.CANCELLED,
    MISSING,
]


def status_label(status: str) -> str:
    if status == MISSING:
        return str(_("not reported"))
    return str(STATUS_LABELS[status])


def status_choices_for(kind: str) -> list[tuple[str, str]]:
    return ActivityStatus.choices if kind == NodeKind.ACTIVITY else GoalStatus.choices


def assessment_error(kind: str, status: str) -> tuple[str, str] | None:
    """(field, message) saying why a node of `kind` cannot be assessed `status`."""
    return rules.assessment_error(kind, status, {value for value, _ in status_choices_for(kind)})


def default_status_for(kind: str) -> str:
    return ActivityStatus.NOT_STARTED if kind == NodeKind.ACTIVITY else GoalStatus.NOT_ASSESSED


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def for_period(self, period: Period | int) -> AssessmentQuerySet:
        return self.filter(period=period)

    def for_year(self, plan_year: PlanYear | int) -> AssessmentQuerySet:
        return self.filter(period__plan_year=plan_year)

    def status_by_node(self) -> dict[int, str]:
        return dict(self.values_list("node_id", "status"))


class Assessment(models.Model):
    """A node's status and written analysis in one follow-up period."""

    node = models.ForeignKey(
        Node, verbose_name=_("node"), on_delete=models.CASCADE, related_name="assessments"
    )
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="assessments"
    )
    status = models.CharField(_("status"), max_length=20, choices=STATUS_CHOICES)
    analysis = PlainTextField(_("analysis"), blank=True, max_length=20000)
    # The expected status at the end of the year, given in an interim period.
    forecast_status = models.CharField(
        _("forecast for the full year"),
        max_length=20,
        choices=GoalStatus.choices,
        blank=True,
        default="",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("assessed"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords()
    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["period__cutoff_date"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(fields=["node", "period"], name="one_assessment_per_period"),
            models.CheckConstraint(
                condition=Q(status__in=[value for value, _label in STATUS_CHOICES]),
                name="assessment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(forecast_status="") | Q(forecast_status__in=GoalStatus.values),
                name="assessment_forecast_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.node} – {self.period}: {self.get_status_display()}"

    def save(self, *args, **kwargs) -> None:
        """Save, and keep the node's ancestors' roll-up counts (`followup.counts`)."""
        from followup import counts

        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" not in update_fields:
            super().save(*args, **kwargs)
            return
        with tree_lock(self.node.plan_year_id):
            old = MISSING if self._state.adding else self._status_in_database()
            super().save(*args, **kwargs)
            counts.statuses_changed(
                self.node.plan_year_id, self.period_id, [(self.node_id, old, self.status)]
            )

    def delete(self, *args, **kwargs):
        from followup import counts

        with tree_lock(self.node.plan_year_id):
            old = self._status_in_database()
            deleted = super().delete(*args, **kwargs)
            counts.statuses_changed(
                self.node.plan_year_id, self.period_id, [(self.node_id, old, MISSING)]
            )
            return deleted

    def _status_in_database(self) -> str:
        status = Assessment.objects.filter(pk=self.pk).values_list("status", flat=True).first()
        return status or MISSING

    def clean(self) -> None:
        node = self.node
        error = assessment_error(node.kind, self.status)
        if error:
            field, message = error
            raise ValidationError({field: message} if field else message)
        year_error = rules.period_year_error(self.period.plan_year_id, node.plan_year_id)
        if year_error:
            raise ValidationError(year_error)
        if self.forecast_status:
            error = forecast_status_error(self.period, node.kind, self.forecast_status)
            if error:
                raise ValidationError({"forecast_status": error})


class SubtreeCount(models.Model):
    """How many of a node's descendants have one status in one period; "missing"
    counts those with no assessment.

    Kept by `followup.counts` in the same transaction as every write that
    changes it (a node placed, moved or deleted, an assessment saved, a period
    added), so that a goal's page reads its roll-up with one index lookup
    however large the subtree below it. `manage.py check_counts` recounts them
    from the tree and the assessments.
    """

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="+", db_index=False)
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20)
    number = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # Also the index the node page reads by, and the key counts are
            # added to (INSERT … ON CONFLICT).
            models.UniqueConstraint(
                fields=["node", "period", "status"], name="one_count_per_status"
            )
        ]

    def __str__(self) -> str:
        return f"{self.node_id} {self.period_id} {self.status}: {self.number}"


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


class ReminderLog(models.Model):
    """A reminder e-mailed to a committee's secretaries: at most one per period and day."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="reminders")
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "committee", "sent_on"], name="one_reminder_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.committee} · {self.sent_on}"


def default_period(periods: list[Period], today: datetime.date) -> Period | None:
    """The period a reader most likely wants: the latest whose cut-off has passed."""
    passed = [period for period in periods if period.cutoff_date <= today]
    if passed:
        return passed[-1]
    return periods[0] if periods else None


# --- god ekonomisk hushållning -------------------------------------------------


class GehVerdict(models.TextChoices):
    REACHED = "reached", _("reached")
    PARTLY_REACHED = "partly_reached", _("partly reached")
    NOT_REACHED = "not_reached", _("not reached")


class GehEvaluation(models.Model):
    """Whether the goals for sound financial management were reached in a period:
    an official's verdict and its justification (lagen om kommunal bokföring och
    redovisning 11 kap.). The counts of goals reached beside it are computed
    (`followup.geh.geh_page`), never stored."""

    period = models.OneToOneField(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="geh_evaluation"
    )
    verdict = models.CharField(_("verdict"), max_length=20, choices=GehVerdict.choices)
    justification = PlainTextField(_("justification"), max_length=20000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("evaluated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation of sound financial management")
        verbose_name_plural = _("evaluations of sound financial management")
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict__in=GehVerdict.values), name="geh_verdict_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period}: {self.get_verdict_display()}"


class BalanceStatement(models.Model):
    """The balance requirement statement (balanskravsutredning) of a period, in
    kronor; in an interim period, the forecast for the full year.

    Only the lines the law lists are stored; the results between them are
    computed by the properties below (kommunallagen 11 kap. 10–14 §). Every
    amount is added with its sign as entered, except those the statement
    always subtracts (`capital_gains`, `reserve_allocation`), which are
    entered as positive amounts.
    """

    period = models.OneToOneField(
        Period,
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        related_name="balance_statement",
    )
    result = models.BigIntegerField(_("result according to the income statement"))
    capital_gains = models.BigIntegerField(_("less all capital gains"), default=0)
    exception_gains = models.BigIntegerField(
        _("capital gains under the exception rules"), default=0
    )
    exception_losses = models.BigIntegerField(
        _("capital losses under the exception rules"), default=0
    )
    unrealised_securities = models.BigIntegerField(
        _("unrealised gains and losses in securities"), default=0
    )
    unrealised_reversal = models.BigIntegerField(
        _("reversal of unrealised gains and losses in securities"), default=0
    )
    reserve_allocation = models.BigIntegerField(
        _("allocation to the result equalisation reserve"), default=0
    )
    reserve_use = models.BigIntegerField(_("use of the result equalisation reserve"), default=0)
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
        verbose_name = _("balance requirement statement")
        verbose_name_plural = _("balance requirement statements")
        constraints = [
            models.CheckConstraint(
                condition=Q(capital_gains__gte=0)
                & Q(exception_gains__gte=0)
                & Q(exception_losses__gte=0)
                & Q(reserve_allocation__gte=0)
                & Q(reserve_use__gte=0),
                name="balance_amounts_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.period}: {self.balance_result}"

    @property
    def adjusted_result(self) -> int:
        """Årets resultat efter balanskravsjusteringar."""
        return (
            self.result
            - self.capital_gains
            + self.exception_gains
            + self.exception_losses
            + self.unrealised_securities
            + self.unrealised_reversal
        )

    @property
    def balance_result(self) -> int:
        """Årets balanskravsresultat."""
        return self.adjusted_result - self.reserve_allocation + self.reserve_use


class BalanceDeficit(models.Model):
    """A deficit against the balance requirement from an earlier year that is
    still to be restored, and the year it must be restored by."""

    statement = models.ForeignKey(
        BalanceStatement,
        verbose_name=_("balance requirement statement"),
        on_delete=models.CASCADE,
        related_name="deficits",
    )
    arose_in = models.PositiveSmallIntegerField(_("year the deficit arose"))
    amount = models.BigIntegerField(_("amount still to restore"))
    restore_by = models.PositiveSmallIntegerField(_("to be restored by"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["arose_in", "pk"]
        verbose_name = _("deficit to restore")
        verbose_name_plural = _("deficits to restore")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "arose_in"],
                name="one_deficit_per_year",
                violation_error_message=_("Each year's deficit can be listed only once."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="deficit_amount_positive",
                violation_error_message=_("A deficit to restore is more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(restore_by__gt=F("arose_in")),
                name="deficit_restored_later",
                violation_error_message=_("A deficit is restored in a later year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.arose_in}: {self.amount}"

    def clean(self) -> None:
        # Kommunallagen 11 kap. 12 §: within the three following years.
        if (
            self.arose_in
            and self.restore_by
            and not (self.arose_in < self.restore_by <= self.arose_in + 3)
        ):
            raise ValidationError(
                {
                    "restore_by": _(
                        "A deficit must be restored within the three years after the year it "
                        "arose: by %(latest)s at the latest."
                    )
                    % {"latest": self.arose_in + 3}
                }
            )


class CommitteeReport(Approval):
    """A committee's part of one period's follow-up: in progress → ready for the
    committee → approved by it. Approved, its assessments and outcomes in the
    period are locked until an official reopens it with a reason."""

    period = models.ForeignKey(
        Period,
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        related_name="committee_reports",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee report")
        verbose_name_plural = _("committee reports")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "committee"], name="one_committee_report_per_period"
            ),
            models.CheckConstraint(
                condition=~Q(state=ApprovalState.APPROVED) | Q(decided_on__isnull=False),
                name="approved_committee_report_has_decision_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} – {self.period}"


# Kolada's KPI list, areas and comparison values live in their own module.
from followup.koladamodels import KoladaArea, KoladaKpi, KpiValue  # noqa: E402, F401
