"""Writes that span follow-up records: starting a year, the period's life cycle,
saving assessments together, and reminders."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from followup import agendalinks, counts
from followup.approvalmodels import CommitteeReport
from followup.assignments import assignments_carry_over
from followup.indicatormodels import Indicator
from followup.models import (
    MISSING,
    Assessment,
    Period,
    PeriodKind,
    PeriodState,
    assessment_error,
    forecast_status_error,
)
from goals import rules
from goals import services as goal_services
from goals.locking import tree_lock
from goals.models import Committee, Node, PlanYear
from goals.services import ContentLockedError, StaleEditError, approval_step


class PeriodClosedError(Exception):
    """The period is closed: its assessments can no longer change."""


def plan_year_start(*, source: PlanYear | None, year: int, user=None) -> PlanYear:
    """A new plan year: the tree copied from `source` with its goals' indicators (no
    assessments, no outcomes) and the default interim and annual periods."""
    with transaction.atomic():
        if source is not None:
            plan_year = goal_services.plan_year_copy(source=source, year=year, user=user)
            _indicators_copy(source=source, target=plan_year, user=user)
            assignments_carry_over(source=source, target=plan_year, user=user)
            agendalinks.global_goals_copy(source=source, target=plan_year, user=user)
        else:
            plan_year = goal_services.plan_year_create(year=year)
        periods = []
        for kind in (PeriodKind.INTERIM, PeriodKind.ANNUAL):
            cutoff, deadline = Period.default_dates(kind, year)
            # Planned: an official opens each when its time comes, so a new
            # year never opens for input beside the one still being reported.
            periods.append(
                Period(
                    plan_year=plan_year,
                    kind=kind,
                    cutoff_date=cutoff,
                    deadline=deadline,
                    state=PeriodState.PLANNED,
                )
            )
        bulk_create_with_history(periods, Period, default_user=user)
        # Both periods' roll-up counts in one pass over the copied tree.
        counts.rebuild(plan_year.pk)
    return plan_year


def _indicators_copy(*, source: PlanYear, target: PlanYear, user=None) -> int:
    """Copy the indicators of `source`'s goals to their copies in `target`, each
    remembering its original; outcomes stay behind. Two queries and a bulk insert."""
    copies_of = dict(
        Node.objects.for_year(target)
        .filter(copied_from__isnull=False)
        .values_list("copied_from_id", "pk")
    )
    copies = [
        Indicator(
            node_id=copies_of[original.node_id],
            name=original.name,
            unit=original.unit,
            baseline=original.baseline,
            target=original.target,
            direction=original.direction,
            kolada_kpi=original.kolada_kpi,
            definition=original.definition,
            kolada_ou=original.kolada_ou,
            order=original.order,
            copied_from=original,
        )
        for original in Indicator.objects.for_year(source).order_by("pk")
        if original.node_id in copies_of
    ]
    if copies:
        bulk_create_with_history(copies, Indicator, batch_size=1000, default_user=user)
    return len(copies)


def _locked_period(period_id: int) -> Period:
    """The period, its row locked until commit, with its plan year."""
    return Period.objects.locked().select_related("plan_year").get(pk=period_id)


def period_save(*, period: Period, expected_version: int | None = None) -> Period:
    """Create or change a period (its kind, title, dates)."""
    with transaction.atomic():
        if period.pk:
            current = _locked_period(period.pk)
            if expected_version is not None and current.version != expected_version:
                raise StaleEditError(current)
            period.version = current.version + 1
            period.state = current.state
            period.published_at = current.published_at
        else:
            period.state = PeriodState.PLANNED
        period.full_clean()
        try:
            period.save()
        except IntegrityError:
            raise ValidationError(
                _("The plan year already has a period with that cut-off date.")
            ) from None
    return period


# The state changes of a period: the states each starts from, and its target.
PERIOD_STEPS = {
    "open": ((PeriodState.PLANNED,), PeriodState.OPEN),
    "close": ((PeriodState.OPEN,), PeriodState.CLOSED),
    "reopen": ((PeriodState.CLOSED, PeriodState.OPEN), PeriodState.OPEN),
    "publish": ((PeriodState.OPEN, PeriodState.CLOSED), PeriodState.PUBLISHED),
    "unpublish": ((PeriodState.PUBLISHED,), PeriodState.CLOSED),
}


def period_set_state(
    *,
    period: Period,
    action: str,
    reason: str = "",
    deadline: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Period:
    """Open, close, reopen, publish or unpublish a period, or refuse with a
    Swedish message when the period is not in a state to allow it. The period's
    row lock makes a close wait for any save of assessments in progress, and
    vice versa.

    Reopening needs a reason and a new deadline no earlier than today (a period
    past its deadline would otherwise be closed again at once); both are
    recorded in the period's history.
    """
    if action not in PERIOD_STEPS:
        raise ValueError(f"Unknown period action {action!r}")
    sources, _target = PERIOD_STEPS[action]
    today = today or timezone.localdate()
    with transaction.atomic():
        current = _locked_period(period.pk)
        # An open period past its deadline is closed for input: it is reopened,
        # not closed again.
        state = (
            PeriodState.CLOSED
            if current.state == PeriodState.OPEN and current.is_past_deadline(today)
            else current.state
        )
        if state not in sources or (action == "close" and state != PeriodState.OPEN):
            raise ValidationError(
                _("%(period)s cannot be changed that way: it is “%(state)s”.")
                % {"period": current.display_title, "state": current.state_label}
            )
        if action == "open":
            current.open_for_input()
        elif action == "close":
            current.close()
        elif action == "reopen":
            if not reason.strip():
                raise ValidationError(_("Give the reason for reopening."))
            if deadline is None or deadline < today:
                raise ValidationError(_("The new deadline cannot be in the past."))
            current.reopen(reason=reason.strip(), deadline=deadline)
        elif action == "publish":
            current.publish()
        else:
            current.unpublish()
    return current


def periods_close_at_deadline(*, today: datetime.date | None = None) -> list[Period]:
    """Record as closed every period still marked open whose deadline has passed.

    Input is refused after the deadline whether or not this has run (see
    `PeriodQuerySet.open`); this writes the closing into each period's history,
    so that it shows who (no one: the deadline) closed it and when.
    """
    closed = []
    if not settings.PERIODS_CLOSE_AT_DEADLINE:
        return closed
    for period_id in Period.objects.past_deadline(today).values_list("pk", flat=True):
        with transaction.atomic():
            current = _locked_period(period_id)
            if current.state == PeriodState.OPEN and current.is_past_deadline(today):
                current.close(reason=str(_("Closed at the deadline")))
                closed.append(current)
    return closed


# --- committee approval of a period ---------------------------------------------


def report_locked_message(committee: Committee | str) -> str:
    return _(
        "The follow-up of %(committee)s in this period has been approved by the committee "
        "and is locked. An official can reopen it."
    ) % {"committee": committee}


def refuse_if_approved(period_id: int, committee_ids) -> None:
    """Refuse a change to assessments or outcomes of committees that have approved
    their part of the period. Called under the period's row lock."""
    wanted = {committee_id for committee_id in committee_ids if committee_id is not None}
    if not wanted:
        return
    approved = (
        CommitteeReport.objects.approved()
        .filter(period_id=period_id, committee_id__in=wanted)
        .select_related("committee")
        .first()
    )
    if approved is not None:
        raise ContentLockedError(report_locked_message(approved.committee))


def committee_report_step(
    *,
    period: Period,
    committee: Committee,
    step: str,
    expected_version: int,
    user=None,
    decision: dict | None = None,
    reason: str = "",
) -> CommitteeReport:
    """Mark a committee's part of a period ready, unmark it, record the
    committee's approval or reopen it. Under the period's row lock, the lock
    every save of assessments takes first."""
    with transaction.atomic():
        _locked_period(period.pk)
        report, _created = CommitteeReport.objects.select_for_update().get_or_create(
            period=period, committee=committee
        )
        if report.version != expected_version:
            raise StaleEditError(report)
        approval_step(report, step=step, user=user, decision=decision, reason=reason)
        report.full_clean(exclude=["period", "committee", "updated_by"])
        report.save()
    return report


@dataclass
class Entry:
    """One node's assessment as a form submitted it."""

    node: Node
    status: str
    analysis: str
    version: int  # the assessment's version when the form was opened; 0 if there was none
    # The forecast for the full year (an interim period's goals only); "" for
    # none, None to leave it as it is.
    forecast_status: str | None = None


class StaleRowsError(Exception):
    """Rows of an entry form that someone else saved after the form was opened."""

    def __init__(self, current: dict[int, Model | None]) -> None:
        super().__init__("stale rows")
        self.current = current  # key -> the row as it now is (None: deleted)


class StaleAssessmentsError(StaleRowsError):
    """`current`: node id -> the assessment as it now is."""


def period_open_for_entry(period_id: int, committee_ids: set[int]) -> Period:
    """The period, its row locked until commit, if entry in it is open for
    these committees: refused with `PeriodClosedError` when it is closed, and
    with `ContentLockedError` when a committee has approved its part. Entry
    forms take this lock first, then the tree's, then the rows'."""
    period = _locked_period(period_id)
    if period.is_closed:
        raise PeriodClosedError
    refuse_if_approved(period_id, committee_ids)
    return period


def rows_locked_if_unchanged(
    rows: QuerySet, key: str, versions: dict[int, int], stale: type[StaleRowsError]
) -> dict[int, Model]:
    """`rows` locked (SELECT … FOR UPDATE), by the value of `key`, when each
    key's row still has the version the form was opened with (`versions`; 0
    for a row that did not exist). Otherwise `stale` is raised with those rows
    as they now are, and the caller shows them beside the user's own text."""
    existing = {getattr(row, key): row for row in rows.select_for_update()}
    changed = {
        pk: existing.get(pk)
        for pk, version in versions.items()
        if (existing[pk].version if pk in existing else 0) != version
    }
    if changed:
        raise stale(changed)
    return existing


def assessments_save(*, period: Period, entries: list[Entry], user) -> int:
    """Save several assessments of one period together, or none of them.

    Refused when the period is (or has meanwhile been) closed, and when any
    assessment was changed by someone else since the form was opened; the
    caller shows the other change and the user's own text is kept.
    """
    if not entries:
        return 0
    for entry in entries:
        if assessment_error(entry.node.kind, entry.status):
            raise ValidationError(_("A status is not valid for its goal or activity."))
        year_error = rules.period_year_error(period.plan_year_id, entry.node.plan_year_id)
        if year_error:
            raise ValidationError(year_error)
        if entry.forecast_status:
            error = forecast_status_error(period.kind, entry.node.kind, entry.forecast_status)
            if error:
                raise ValidationError(error)
    # The period's lock, then the tree's (the roll-up counts are the tree's),
    # then the rows: the order every writer takes them in.
    with transaction.atomic():
        period_open_for_entry(period.pk, {entry.node.committee_id for entry in entries})
        with tree_lock(period.plan_year_id):
            versions = {entry.node.pk: entry.version for entry in entries}
            existing = rows_locked_if_unchanged(
                Assessment.objects.filter(period=period, node_id__in=list(versions)),
                "node_id",
                versions,
                StaleAssessmentsError,
            )
            now = timezone.now()
            to_create, to_update = [], []
            changes = []
            for entry in entries:
                assessment = existing.get(entry.node.pk)
                changes.append(
                    (entry.node.pk, assessment.status if assessment else MISSING, entry.status)
                )
                if assessment is None:
                    to_create.append(
                        Assessment(
                            node=entry.node,
                            period=period,
                            status=entry.status,
                            analysis=entry.analysis,
                            forecast_status=entry.forecast_status or "",
                            updated_by=user,
                            updated_at=now,
                        )
                    )
                else:
                    assessment.status = entry.status
                    assessment.analysis = entry.analysis
                    if entry.forecast_status is not None:
                        assessment.forecast_status = entry.forecast_status
                    assessment.updated_by = user
                    assessment.updated_at = now
                    assessment.version += 1
                    to_update.append(assessment)
            if to_create:
                bulk_create_with_history(to_create, Assessment, default_user=user)
            if to_update:
                _assessments_update(to_update, user=user, now=now)
                # No fields: the rows are written above; this adds their history records.
                bulk_update_with_history(to_update, Assessment, [], default_user=user)
            counts.statuses_changed(period.plan_year_id, period.pk, changes)
    return len(entries)


def _parameter_limit() -> int | None:
    """How many parameters one statement may carry; None for no limit."""
    return connection.features.max_query_params


def _assessments_update(assessments: list[Assessment], *, user, now) -> None:
    """Write the assessments' new status, analysis and forecast, who and when,
    and their next version, in one UPDATE.

    Django's `bulk_update` builds a CASE expression per row and field: for a
    committee's thousand assessments that took most of a second to compile,
    for a statement the database runs in milliseconds. The rows are locked
    (SELECT … FOR UPDATE) by the caller, so the version the database adds one
    to is the one the caller checked.
    """
    quote = connection.ops.quote_name
    table = quote(Assessment._meta.db_table)
    # All in one statement where the database takes any number of parameters
    # (PostgreSQL); otherwise as many rows of four as the limit allows
    # (SQLite: 32,766 by default, so eight thousand rows at a time).
    limit = _parameter_limit()
    batch_size = len(assessments) if limit is None else max(1, (limit - 2) // 4)
    for start in range(0, len(assessments), batch_size):
        batch = assessments[start : start + batch_size]
        values = ", ".join(["(%s, %s, %s, %s)"] * len(batch))
        params: list = [
            value
            for each in batch
            for value in (each.pk, each.status, each.analysis, each.forecast_status)
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH changed (id, status, analysis, forecast_status) AS (VALUES {values}) "
                f"UPDATE {table} SET status = changed.status, analysis = changed.analysis, "
                "forecast_status = changed.forecast_status, "
                "updated_by_id = %s, updated_at = %s, version = version + 1 "
                f"FROM changed WHERE {table}.id = changed.id",
                [*params, user.pk if user else None, connection.ops.adapt_datetimefield_value(now)],
            )
            # SQLite's driver gives -1 for a statement that begins with WITH.
            if cursor.rowcount not in (-1, len(batch)):
                raise RuntimeError(
                    f"Updated {cursor.rowcount} assessments of {len(batch)}: rows locked "
                    "for the save have gone."
                )
