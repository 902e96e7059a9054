"""What was changed in a period's follow-up after its deadline, from the history
django-simple-history keeps: the audit page's first table.

Every source is read in one query (two for the goal tree, whose changes are
told field by field), each capped at `limit` records, newest first, so the
audit page costs the same whatever the size of the year and however much was
changed: the assessments and outcomes of the period, the committees' approvals
of it, the year's goals and activities and their indicators, and the period's
sound financial management (evaluation, balance requirement statement and the
deficits in it), and the follow-up of the council's assignments.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from followup.approvalmodels import CommitteeReport
from followup.assignmentmodels import AssignmentFollowup, AssignmentStatus
from followup.gehmodels import BalanceDeficit, BalanceStatement, GehEvaluation
from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.indicators import format_value
from followup.models import STATUS_LABELS, Assessment, Period
from goals.approvalmodels import ApprovalState
from goals.models import Node


@dataclass
class LateChange:
    when: datetime.datetime
    who: str
    what: str  # the node's title, and what was changed
    node_id: int  # 0 for what is not a node's (an approval, the balance statement)
    status: str
    kind: str  # "+", "~" or "-" as django-simple-history records it


# A goal's or activity's fields whose change the audit names.
NODE_FIELDS = (
    "title",
    "description",
    "parent_id",
    "committee_id",
    "geh_role",
    "responsible",
    "start_date",
    "end_date",
    "cost_estimate",
)


def _who(user, saved_by=None) -> str:
    """Who made a change: the request's user, else who the record says saved it
    (a service run outside a request records no request user)."""
    user = user or saved_by
    if user is None:
        return "–"
    return user.get_full_name() or user.get_username()


def _latest(records, after: datetime.datetime, limit: int, *related: str) -> list:
    """The newest `limit` + 1 of `records` saved from `after`, with who saved them,
    in one query: the newest are picked in a subquery over their ids alone, so
    a year whose every record is late sorts narrow rows, not whole ones."""
    newest = (
        records.filter(history_date__gte=after)
        .order_by("-history_date", "-history_id")
        .values("history_id")[: limit + 1]
    )
    return list(
        records.model._default_manager.filter(history_id__in=newest)
        .select_related("history_user", *related)
        .order_by("-history_date", "-history_id")
    )


def late_changes(
    period: Period, after: datetime.datetime, nodes: dict, limit: int
) -> list[LateChange]:
    """Everything of the period's follow-up saved from `after`, newest first;
    `nodes` are the year's goals and activities by id, (id, kind, title, …)."""
    changes = (
        _assessments(period, after, nodes, limit)
        + _outcomes(period, after, nodes, limit)
        + _approvals(period, after, limit)
        + _tree(period, after, limit)
        + _indicators(period, after, nodes, limit)
        + _geh(period, after, limit)
        + _assignment_followups(period, after, limit)
    )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes


def _title(nodes: dict, node_id: int | None) -> str:
    row = nodes.get(node_id)
    return row[2] if row else f"#{node_id}"


def _assessments(period, after, nodes, limit) -> list[LateChange]:
    return [
        LateChange(
            when=record.history_date,
            who=_who(record.history_user, record.updated_by),
            what=_title(nodes, record.node_id),
            node_id=record.node_id,
            status=str(STATUS_LABELS.get(record.status, record.status)),
            kind=record.history_type,
        )
        for record in _latest(
            Assessment.history.filter(period_id=period.pk), after, limit, "updated_by"
        )
    ]


def _outcomes(period, after, nodes, limit) -> list[LateChange]:
    changes = []
    for record in _latest(
        IndicatorOutcome.history.filter(period_id=period.pk), after, limit, "indicator"
    ):
        indicator = record.indicator
        node_id = indicator.node_id if indicator else 0
        row = nodes.get(node_id)
        changes.append(
            LateChange(
                when=record.history_date,
                who=_who(record.history_user),
                what=f"{row[2] if row else ''} – {indicator.name if indicator else ''}",
                node_id=node_id,
                status=str(record.value),
                kind=record.history_type,
            )
        )
    return changes


def _approvals(period, after, limit) -> list[LateChange]:
    """The committees' approvals of their parts of the period, and reopenings."""
    changes = []
    for record in _latest(
        CommitteeReport.history.filter(period_id=period.pk), after, limit, "committee", "updated_by"
    ):
        status = str(ApprovalState(record.state).label)
        if record.state == ApprovalState.APPROVED and record.decided_on:
            status += f" ({record.decided_on.isoformat()})"
        elif record.reopen_reason and record.state == ApprovalState.IN_PROGRESS:
            status += f" – {record.reopen_reason}"
        committee = record.committee
        changes.append(
            LateChange(
                when=record.history_date,
                who=_who(record.history_user, record.updated_by),
                what=_("%(committee)s: its part of the period")
                % {"committee": committee.name if committee else f"#{record.committee_id}"},
                node_id=0,
                status=status,
                kind=record.history_type,
            )
        )
    return changes


def _tree(period, after, limit) -> list[LateChange]:
    """The year's goals and activities created, changed or deleted after the
    deadline, with the fields each change touched: the late records in one
    query, and the records of the same nodes just before them in another."""
    late = _latest(Node.history.filter(plan_year_id=period.plan_year_id), after, limit)
    if not late:
        return []
    # Each late node's records, oldest first, as plain rows: (history_id, *fields).
    earlier: dict[int, list[tuple]] = {}
    for node_id, *row in (
        Node.history.filter(id__in={record.id for record in late})
        .order_by("id", "history_date", "history_id")
        .values_list("id", "history_id", *NODE_FIELDS)
    ):
        earlier.setdefault(node_id, []).append(tuple(row))
    labels = [
        str(Node._meta.get_field(name.removesuffix("_id")).verbose_name) for name in NODE_FIELDS
    ]
    words = {"+": _("created"), "-": _("deleted"), "~": _("changed")}
    changes = []
    for record in late:
        changed = []
        if record.history_type == "~":
            before, now = _before(earlier.get(record.id, []), record.history_id)
            if before is not None and now is not None:
                changed = [
                    label
                    for label, old, new in zip(labels, before[1:], now[1:], strict=True)
                    if old != new
                ]
        changes.append(
            LateChange(
                when=record.history_date,
                who=_who(record.history_user),
                what=record.title,
                node_id=record.id if record.history_type != "-" else 0,
                status=", ".join(changed) if changed else words.get(record.history_type, ""),
                kind=record.history_type,
            )
        )
    return changes


def _before(rows: list[tuple], history_id: int) -> tuple[tuple | None, tuple | None]:
    """The row of `history_id` among a node's rows, and the one just before it."""
    previous = None
    for row in rows:
        if row[0] == history_id:
            return previous, row
        previous = row
    return None, None


def _indicators(period, after, nodes, limit) -> list[LateChange]:
    records = _latest(
        Indicator.history.filter(node__plan_year_id=period.plan_year_id), after, limit
    )
    return [
        LateChange(
            when=record.history_date,
            who=_who(record.history_user),
            what=f"{_title(nodes, record.node_id)} – {record.name}",
            node_id=record.node_id if record.node_id in nodes else 0,
            status=_("target %(target)s") % {"target": format_value(record.target)},
            kind=record.history_type,
        )
        for record in records
    ]


def _geh(period, after, limit) -> list[LateChange]:
    """The period's evaluation of sound financial management, its balance
    requirement statement and the deficits listed in it."""
    changes = [
        LateChange(
            when=record.history_date,
            who=_who(record.history_user, record.updated_by),
            what=str(GehEvaluation._meta.verbose_name),
            node_id=0,
            status=str(record.get_verdict_display()),
            kind=record.history_type,
        )
        for record in _latest(
            GehEvaluation.history.filter(period_id=period.pk), after, limit, "updated_by"
        )
    ]
    changes += [
        LateChange(
            when=record.history_date,
            who=_who(record.history_user, record.updated_by),
            what=str(BalanceStatement._meta.verbose_name),
            node_id=0,
            status=f"{BalanceStatement._meta.get_field('result').verbose_name}: {record.result}",
            kind=record.history_type,
        )
        for record in _latest(
            BalanceStatement.history.filter(period_id=period.pk), after, limit, "updated_by"
        )
    ]
    changes += [
        LateChange(
            when=record.history_date,
            who=_who(record.history_user),
            what=f"{BalanceDeficit._meta.verbose_name} {record.arose_in}",
            node_id=0,
            status=str(record.amount),
            kind=record.history_type,
        )
        for record in _latest(
            BalanceDeficit.history.filter(statement__period_id=period.pk), after, limit
        )
    ]
    return changes


def _assignment_followups(period, after, limit) -> list[LateChange]:
    """The follow-up of the council's assignments in the period: status and analysis."""
    changes = []
    for record in _latest(
        AssignmentFollowup.history.filter(period_id=period.pk),
        after,
        limit,
        "assignment",
        "updated_by",
    ):
        assignment = record.assignment
        title = assignment.title if assignment else f"#{record.assignment_id}"
        changes.append(
            LateChange(
                when=record.history_date,
                who=_who(record.history_user, record.updated_by),
                what=_("Assignment: %(title)s") % {"title": title},
                node_id=0,
                status=str(AssignmentStatus(record.status).label),
                kind=record.history_type,
            )
        )
    return changes
