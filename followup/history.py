"""Who changed what, when: a node's own history and that of its assessments and indicators."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from followup.indicators import format_value
from followup.models import (
    STATUS_LABELS,
    Assessment,
    Indicator,
    IndicatorDirection,
    IndicatorOutcome,
    Period,
)
from goals.models import Committee, Node

# Fields worth showing, with how to label them; the rest (version, timestamps) is noise.
NODE_FIELDS = ("title", "description", "committee", "parent")
ASSESSMENT_FIELDS = ("status", "analysis")
INDICATOR_FIELDS = ("name", "unit", "baseline", "target", "direction", "kolada_kpi")
OUTCOME_FIELDS = ("value", "source")
DIRECTION_LABELS = dict(IndicatorDirection.choices)


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str  # "created", "changed", "deleted"
    subject: str  # the node itself, or "Assessment in <period>"
    changes: list[Change] = field(default_factory=list)


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return _("the system")
    return user.get_full_name() or user.get_username()


def _display(field_name: str, value, names: dict[str, dict]) -> str:
    if value is None or value == "":
        return "–"
    if field_name == "status":
        return str(STATUS_LABELS.get(value, value))
    if field_name == "direction":
        return str(DIRECTION_LABELS.get(value, value))
    if isinstance(value, Decimal):
        return format_value(value)
    if field_name in names:
        return str(names[field_name].get(value, value))
    return str(value)


def _entries(records, fields, subject, labels, names=None) -> list[HistoryEntry]:
    """Turn one object's history records (oldest first) into readable entries."""
    entries = []
    previous = None
    for record in records:
        kind = {"+": _("created"), "~": _("changed"), "-": _("deleted")}[record.history_type]
        changes = []
        if previous is not None and record.history_type == "~":
            for name in fields:
                attname = f"{name}_id" if name in ("committee", "parent") else name
                before, after = getattr(previous, attname), getattr(record, attname)
                if before != after:
                    changes.append(
                        Change(
                            field=labels[name],
                            before=_display(name, before, names or {}),
                            after=_display(name, after, names or {}),
                        )
                    )
            if not changes:
                previous = record
                continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=_who(record),
                what=kind,
                subject=subject(record),
                changes=changes,
            )
        )
        previous = record
    return entries


def node_history(node: Node, periods: list[Period]) -> list[HistoryEntry]:
    """The node's history, its assessments' and its indicators', newest first. Six queries."""
    node_labels = {name: str(Node._meta.get_field(name).verbose_name) for name in NODE_FIELDS}
    assessment_labels = {
        name: str(Assessment._meta.get_field(name).verbose_name) for name in ASSESSMENT_FIELDS
    }
    period_titles = {period.pk: period.display_title for period in periods}
    node_records = list(
        Node.history.filter(id=node.pk).select_related("history_user").order_by("history_date")
    )
    # Parents and committees by name, not id: two queries for the whole history.
    parent_ids = {record.parent_id for record in node_records if record.parent_id}
    committee_ids = {record.committee_id for record in node_records if record.committee_id}
    names = {
        "parent": dict(Node.objects.filter(pk__in=parent_ids).values_list("pk", "title")),
        "committee": dict(Committee.objects.filter(pk__in=committee_ids).values_list("pk", "name")),
    }
    entries = _entries(node_records, NODE_FIELDS, lambda record: node.title, node_labels, names)
    assessment_records = list(
        Assessment.history.filter(node_id=node.pk)
        .select_related("history_user")
        .order_by("id", "history_date")
    )
    by_assessment: dict[int, list] = {}
    for record in assessment_records:
        by_assessment.setdefault(record.id, []).append(record)
    for records in by_assessment.values():
        entries += _entries(
            records,
            ASSESSMENT_FIELDS,
            lambda record: (
                _("Assessment in %(period)s") % {"period": period_titles.get(record.period_id, "?")}
            ),
            assessment_labels,
        )
    entries += _indicator_entries(node, period_titles)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def _indicator_entries(node: Node, period_titles: dict[int, str]) -> list[HistoryEntry]:
    """The history of the node's indicators and their outcomes, deleted ones
    included. Two queries."""
    indicator_labels = {
        name: str(Indicator._meta.get_field(name).verbose_name) for name in INDICATOR_FIELDS
    }
    outcome_labels = {
        name: str(IndicatorOutcome._meta.get_field(name).verbose_name) for name in OUTCOME_FIELDS
    }
    indicator_records = list(
        Indicator.history.filter(node_id=node.pk)
        .select_related("history_user")
        .order_by("id", "history_date")
    )
    outcome_records = list(
        IndicatorOutcome.history.filter(
            indicator_id__in=Indicator.history.filter(node_id=node.pk).values("id")
        )
        .select_related("history_user")
        .order_by("id", "history_date")
    )
    names = {record.id: record.name for record in indicator_records}
    entries: list[HistoryEntry] = []
    for records in _by_object(indicator_records):
        entries += _entries(
            records,
            INDICATOR_FIELDS,
            lambda record: _("Indicator “%(name)s”") % {"name": record.name},
            indicator_labels,
        )
    for records in _by_object(outcome_records):
        entries += _entries(
            records,
            OUTCOME_FIELDS,
            lambda record: (
                _("Outcome of “%(name)s” in %(period)s")
                % {
                    "name": names.get(record.indicator_id, "?"),
                    "period": period_titles.get(record.period_id, "?"),
                }
            ),
            outcome_labels,
        )
    return entries


def _by_object(records) -> list[list]:
    """History records (ordered by object, then time) grouped per object."""
    grouped: dict[int, list] = {}
    for record in records:
        grouped.setdefault(record.id, []).append(record)
    return list(grouped.values())
