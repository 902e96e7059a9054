"""Who changed what, when: a node's own history and that of its assessments,
indicators, global goals and also-supports links."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from followup.indicatormodels import Indicator, IndicatorDirection, IndicatorOutcome
from followup.indicators import format_value
from followup.models import STATUS_LABELS, Assessment, Period
from goals.agendamodels import GLOBAL_GOAL_CHOICES
from goals.linkmodels import NodeLink
from goals.models import Committee, Node, NodeGlobalGoal

# Fields worth showing, with how to label them; the rest (version, timestamps) is noise.
NODE_FIELDS = ("title", "description", "committee", "parent")
ASSESSMENT_FIELDS = ("status", "analysis")
INDICATOR_FIELDS = (
    "name",
    "unit",
    "baseline",
    "target",
    "direction",
    "kolada_kpi",
    "kolada_ou",
    "definition",
)
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
                who=record.who,
                what=kind,
                subject=subject(record),
                changes=changes,
            )
        )
        previous = record
    return entries


# The history tables read, the fields of each that the entries show (by
# attribute name), and how a record is found from the node's id.
_SOURCES = (
    ("node", Node, ("title", "description", "committee_id", "parent_id"), "h.id = %s"),
    ("assessment", Assessment, ("status", "analysis", "period_id"), "h.node_id = %s"),
    (
        "indicator",
        Indicator,
        INDICATOR_FIELDS,
        "h.node_id = %s",
    ),
    (
        "outcome",
        IndicatorOutcome,
        ("value", "source", "indicator_id", "period_id"),
        # Outcomes of the node's indicators, deleted indicators included.
        "h.indicator_id IN (SELECT i.id FROM {indicators} i WHERE i.node_id = %s)",
    ),
    # The goal's links to Agenda 2030's global goals, added and removed.
    ("global_goal", NodeGlobalGoal, ("global_goal_id",), "h.node_id = %s"),
    # Also-supports links from the node and to it, added and removed.
    ("link", NodeLink, ("source_id", "target_id"), "(h.source_id = %s OR h.target_id = %s)"),
)
_DECIMALS = frozenset({"baseline", "target", "value"})


@dataclass
class _Record:
    """One historical record as the entries need it."""

    id: int
    history_type: str
    history_date: datetime.datetime
    who: str
    values: dict[str, object]

    def __getattr__(self, name: str):
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None


@cache
def _history_sql() -> tuple[str, list[tuple[str, str]], int]:
    """The query of `_history_records`, its value columns as (source, field)
    and how many times it names the node, built once: `Model.history` makes a
    new manager class on every access."""
    quote = connection.ops.quote_name
    users = quote(get_user_model()._meta.db_table)
    fields = {
        (source, name): model.history.model._meta.get_field(name)
        for source, model, names, _where in _SOURCES
        for name in names
    }
    columns = list(fields)
    selects = []
    for source, model, _names, where in _SOURCES:
        history = model.history.model._meta
        # The others' columns as typed NULLs: PostgreSQL would take two untyped
        # NULLs in a row for text, and then refuse a number below them.
        own = [
            f"h.{quote(field.column)}"
            if slot_source == source
            else f"CAST(NULL AS {field.cast_db_type(connection)})"
            for (slot_source, _name), field in fields.items()
        ]
        where_sql = where.format(indicators=quote(Indicator.history.model._meta.db_table))
        selects.append(
            f"SELECT '{source}', h.id, h.history_id, h.history_date, h.history_type, "
            f"u.username, u.first_name, u.last_name, {', '.join(own)} "
            f"FROM {quote(history.db_table)} h LEFT JOIN {users} u ON u.id = h.history_user_id "
            f"WHERE {where_sql}"
        )
    sql = " UNION ALL ".join(selects) + " ORDER BY 1, 2, 4, 3"
    return sql, columns, sum(where.count("%s") for *_rest, where in _SOURCES)


def _history_records(node: Node) -> dict[str, list[_Record]]:
    """The historical records of the node, its assessments, its indicators and
    their outcomes, by source, each object's records oldest first. One query:
    a UNION of the four history tables, each row carrying its own table's
    fields in columns of their own (NULL in the others' rows)."""
    sql, columns, placeholders = _history_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [node.pk] * placeholders)
        rows = cursor.fetchall()
    records: dict[str, list[_Record]] = {source: [] for source, *_rest in _SOURCES}
    for source, object_id, _history_id, when, kind, username, first, last, *values in rows:
        own = {
            name: _python_value(name, value)
            for (slot_source, name), value in zip(columns, values, strict=True)
            if slot_source == source
        }
        who = f"{first or ''} {last or ''}".strip() or username or _("the system")
        records[source].append(_Record(object_id, kind, _aware(when), who, own))
    return records


def _aware(when) -> datetime.datetime:
    """A history date as an aware datetime (SQLite hands the raw cursor text
    or a naive UTC time; the ORM would convert it)."""
    if isinstance(when, str):
        when = parse_datetime(when)
    if timezone.is_naive(when):
        when = timezone.make_aware(when, datetime.UTC)
    return when


def _python_value(name: str, value):
    if name in _DECIMALS and value is not None and not isinstance(value, Decimal):
        return Decimal(str(value))  # SQLite gives a float or an int
    return value


def node_history(
    node: Node, periods: list[Period], *, hidden_periods: frozenset[int] = frozenset()
) -> list[HistoryEntry]:
    """The node's history, its assessments' and its indicators', newest first;
    its assessments in `hidden_periods` (withheld from the reader) left out.

    One query for the records, and one or two more for the names of the
    parents and committees the node's history mentions, if any."""
    node_labels = {name: str(Node._meta.get_field(name).verbose_name) for name in NODE_FIELDS}
    assessment_labels = {
        name: str(Assessment._meta.get_field(name).verbose_name) for name in ASSESSMENT_FIELDS
    }
    period_titles = {period.pk: period.display_title for period in periods}
    records = _history_records(node)
    node_records = records["node"]
    # Parents, the other ends of links and committees by name, not id: two
    # queries for the whole history.
    parent_ids = {record.parent_id for record in node_records if record.parent_id}
    link_ends = {
        record.target_id if record.source_id == node.pk else record.source_id
        for record in records["link"]
    }
    committee_ids = {record.committee_id for record in node_records if record.committee_id}
    titles = (
        dict(Node.objects.filter(pk__in=parent_ids | link_ends).values_list("pk", "title"))
        if parent_ids or link_ends
        else {}
    )
    names = {
        "parent": titles,
        "committee": dict(Committee.objects.filter(pk__in=committee_ids).values_list("pk", "name"))
        if committee_ids
        else {},
    }
    entries = _entries(node_records, NODE_FIELDS, lambda record: node.title, node_labels, names)
    assessment_history = records["assessment"]
    if hidden_periods:
        assessment_history = [r for r in assessment_history if r.period_id not in hidden_periods]
    for assessment_records in _by_object(assessment_history):
        entries += _entries(
            assessment_records,
            ASSESSMENT_FIELDS,
            lambda record: (
                _("Assessment in %(period)s") % {"period": period_titles.get(record.period_id, "?")}
            ),
            assessment_labels,
        )
    entries += _indicator_entries(records["indicator"], records["outcome"], period_titles)
    entries += _global_goal_entries(records["global_goal"])
    entries += _link_entries(records["link"], node.pk, titles)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def _indicator_entries(
    indicator_records: list[_Record], outcome_records: list[_Record], period_titles: dict[int, str]
) -> list[HistoryEntry]:
    """The history of the node's indicators and their outcomes, deleted ones included."""
    indicator_labels = {
        name: str(Indicator._meta.get_field(name).verbose_name) for name in INDICATOR_FIELDS
    }
    outcome_labels = {
        name: str(IndicatorOutcome._meta.get_field(name).verbose_name) for name in OUTCOME_FIELDS
    }
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


def _global_goal_entries(records: list[_Record]) -> list[HistoryEntry]:
    """A link to a global goal added ("created") or removed ("deleted")."""
    names = dict(GLOBAL_GOAL_CHOICES)
    kinds = {"+": _("created"), "-": _("deleted")}
    return [
        HistoryEntry(
            when=record.history_date,
            who=record.who,
            what=kinds[record.history_type],
            subject=_("Link to global goal %(goal)s")
            % {"goal": names.get(record.global_goal_id, record.global_goal_id)},
        )
        for record in records
        if record.history_type in kinds
    ]


def _link_entries(
    records: list[_Record], node_id: int, titles: dict[int, str]
) -> list[HistoryEntry]:
    """An also-supports link from the node or to it, added ("created") or
    removed ("deleted"), naming the other end (a node since deleted: "?")."""
    kinds = {"+": _("created"), "-": _("deleted")}
    entries = []
    for record in records:
        if record.history_type not in kinds:
            continue
        if record.source_id == node_id:
            subject = _("Also supports: %(title)s") % {"title": titles.get(record.target_id, "?")}
        else:
            subject = _("Also supported by: %(title)s") % {
                "title": titles.get(record.source_id, "?")
            }
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.who,
                what=kinds[record.history_type],
                subject=subject,
            )
        )
    return entries


def _by_object(records) -> list[list]:
    """History records (ordered by object, then time) grouped per object."""
    grouped: dict[int, list] = {}
    for record in records:
        grouped.setdefault(record.id, []).append(record)
    return list(grouped.values())
