"""Follow-up: the periods of a plan year and the assessment of each node in them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from goals import rules
from goals.locking import tree_lock
from goals.models import (
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


def forecast_period_error(period_kind: str) -> str | None:
    """Why a period of `period_kind` takes no forecast for the full year, if it does not."""
    if period_kind != PeriodKind.INTERIM:
        return _("A forecast for the full year can only be given in an interim report.")
    return None


def validate_forecast_allowed(period: Period, field: str) -> None:
    """A forecast for the full year belongs to an interim report only: the annual
    report has the outcome itself."""
    error = forecast_period_error(period.kind)
    if error:
        raise ValidationError({field: error})


class GoalStatus(models.TextChoices):
    MET = "met", _("met")
    PARTLY_MET = "partly_met", _("partly met")
    NOT_MET = "not_met", _("not met")
    NOT_ASSESSED = "not_assessed", _("not assessed")


def forecast_status_error(period_kind: str, node_kind: str, forecast_status: str) -> str | None:
    """Why a goal's forecast status cannot be given in a period of `period_kind`, if
    it cannot: only in an interim report, only for goals, only on the goals' scale."""
    period_error = forecast_period_error(period_kind)
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

# A committee's status withheld from a reader until the committee approves its
# part of the period (settings.APPROVED_ONLY_BEFORE_PUBLICATION,
# followup/approvedonly.py): shown as such, counted nowhere.
WITHHELD = "withheld"

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
    if status == WITHHELD:
        return str(_("not yet approved by the committee"))
    return str(STATUS_LABELS[status])


class StatusLabels:
    """The labels of a read goal's `status` (MISSING when not assessed) and of
    its `forecast_status` for the full year ("" for none)."""

    status: str
    forecast_status: str

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def forecast_label(self) -> str:
        return status_label(self.forecast_status) if self.forecast_status else ""


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
            error = forecast_status_error(self.period.kind, node.kind, self.forecast_status)
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


# Models in modules of their own, imported here so that Django registers them
# with this app: nyckeltal, committees' approvals, sound financial management,
# Kolada's lists and values, and the follow-up of assignments.
from followup.approvalmodels import CommitteeReport  # noqa: E402, F401
from followup.assignmentmodels import AssignmentFollowup, AssignmentStatus  # noqa: E402, F401
from followup.gehmodels import (  # noqa: E402, F401
    BalanceDeficit,
    BalanceStatement,
    GehEvaluation,
    GehVerdict,
)
from followup.indicatormodels import (  # noqa: E402, F401
    Indicator,
    IndicatorDirection,
    IndicatorOutcome,
    IndicatorQuerySet,
)
from followup.koladamodels import KoladaArea, KoladaKpi, KpiValue  # noqa: E402, F401
