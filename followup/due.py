"""What is due: which year a start page features, what each committee has
still to assess in the open periods, and the reminders sent about it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from followup.assignments import not_followed_up
from followup.models import (
    Assessment,
    Period,
    ReminderLog,
)
from goals.models import Committee, Node, NodeKind, PlanYear
from goals.permissions import Role


def featured_year(
    plan_years: list[PlanYear], open_periods: list[Period], *, public: bool
) -> PlanYear | None:
    """The plan year a start page leads with. The public: the latest year with
    published follow-up (one query). Others: the year of the latest open period,
    else the newest year, so that starting next year does not hide this one's
    open work."""
    if public:
        published = set(Period.objects.published().values_list("plan_year_id", flat=True))
        return next((year for year in plan_years if year.pk in published), None)
    if open_periods:
        latest = max(open_periods, key=lambda period: period.cutoff_date)
        return next((year for year in plan_years if year.pk == latest.plan_year_id), None)
    return plan_years[0] if plan_years else None


@dataclass
class Due:
    period: Period
    committee: Committee | None  # None: the municipal levels
    total: int
    assessed: int

    @property
    def missing(self) -> int:
        return self.total - self.assessed


def due_for(*, periods: list[Period], scope: Q) -> list[Due]:
    """How much is still unassessed in open periods among the nodes of `scope`
    (`goals.permissions.assessable_by`), per committee and for the municipal
    levels. Two queries, whatever the number of periods, committees or nodes."""
    if not periods:
        return []
    year_ids = {period.plan_year_id for period in periods}
    totals = {
        (row["plan_year_id"], row["committee_id"]): row["n"]
        for row in Node.objects.filter(scope, plan_year_id__in=year_ids)
        .order_by()  # no default ordering in the GROUP BY
        .values("plan_year_id", "committee_id")
        .annotate(n=Count("pk"))
    }
    assessed = {
        (row["period_id"], row["node__committee_id"]): row["n"]
        for row in Assessment.objects.filter(
            period__in=periods, node__in=Node.objects.filter(scope)
        )
        .order_by()
        .values("period_id", "node__committee_id")
        .annotate(n=Count("pk"))
    }
    committee_ids_seen = {committee_id for _year, committee_id in totals if committee_id}
    committees = {c.pk: c for c in Committee.objects.filter(pk__in=committee_ids_seen)}
    result = []
    for period in periods:
        for (year_id, committee_id), total in sorted(
            totals.items(), key=lambda item: (item[0][1] is not None, item[0][1] or 0)
        ):
            if year_id != period.plan_year_id:
                continue
            result.append(
                Due(
                    period=period,
                    committee=committees.get(committee_id) if committee_id else None,
                    total=total,
                    assessed=assessed.get((period.pk, committee_id), 0),
                )
            )
    return result


def reminders_send(*, today: datetime.date) -> list[ReminderLog]:
    """E-mail each committee's secretaries what is still unassessed, on the days
    `settings.REMINDER_DAYS_BEFORE` before an open period's deadline. A reminder
    is logged per period, committee and day, and never sent twice."""
    sent: list[ReminderLog] = []
    days = settings.REMINDER_DAYS_BEFORE
    deadlines = [today + datetime.timedelta(days=day) for day in days]
    periods = list(
        Period.objects.open(today).filter(deadline__in=deadlines).select_related("plan_year")
    )
    for period in periods:
        committees = Committee.objects.filter(
            Q(nodes__plan_year_id=period.plan_year_id)
            | Q(assignments__plan_year_id=period.plan_year_id)
        ).distinct()
        assessed = set(Assessment.objects.for_period(period).values_list("node_id", flat=True))
        pending_assignments = not_followed_up(period)
        for committee in committees:
            recipients = list(
                committee.members.filter(is_active=True, groups__name=Role.SECRETARY)
                .exclude(email="")
                .values_list("email", flat=True)
            )
            if not recipients:
                continue
            missing = [
                node
                for node in Node.objects.for_year(period.plan_year_id)
                .filter(committee=committee, kind__in=[NodeKind.COMMITTEE_GOAL, NodeKind.ACTIVITY])
                .in_tree_order()
                if node.pk not in assessed
            ]
            missing_assignments = pending_assignments.get(committee.pk, [])
            if not missing and not missing_assignments:
                continue
            with transaction.atomic():
                log, created = ReminderLog.objects.get_or_create(
                    period=period, committee=committee, sent_on=today
                )
                if not created:
                    continue
                with translation.override(settings.LANGUAGE_CODE):
                    context = {
                        "period": period,
                        "committee": committee,
                        "missing": missing,
                        "missing_assignments": missing_assignments,
                        "site_url": settings.SITE_URL,
                        "entry_path": period.entry_url(),
                    }
                    subject = _("Reminder: %(period)s for %(committee)s is due %(deadline)s") % {
                        "period": period.display_title,
                        "committee": committee.name,
                        "deadline": period.deadline.isoformat(),
                    }
                    body = render_to_string("followup/email/reminder.txt", context)
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
                sent.append(log)
    return sent
