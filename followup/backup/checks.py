"""Checking the read document as a whole: references and the steering model's rules."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from followup.assignmentmodels import AssignmentStatus
from followup.backup.format import (
    SECTION_BY_KEY,
    SECTIONS,
    BackupError,
    Section,
    _Document,
    _External,
    _fail,
    _fields,
    _Record,
    _Ref,
    _references,
    _Year,
)
from followup.models import assessment_error, forecast_period_error, forecast_status_error
from goals import rules
from goals.integrity import nested_set_faults
from goals.models import NodeKind


def _key(attname: str) -> str:
    """The document's key of a foreign key: its name, not the column's."""
    return attname.removesuffix("_id")


def _outward_fields(section: Section) -> set[str]:
    """The attnames of a section's live rows that may name another year's object:
    optional links such as `copied_from`, never what holds the row in its year or tree."""
    holding = {
        section.owner,
        getattr(getattr(section.model, "_mptt_meta", None), "parent_attr", None),
    }
    return {
        f.attname
        for f in _fields(section.model, section.derived)
        if f.is_relation and f.null and f.name not in holding
    }


def _label(section_key: str) -> str:
    return str(SECTION_BY_KEY[section_key].model._meta.verbose_name)


def _check_references(document: _Document) -> None:
    """Every ref is unique in its section and everything named is in the file."""
    live_refs: dict[str, set[int]] = {}
    outward: dict[str, set[str]] = {}
    known_refs: dict[str, set[int]] = {}
    for section in SECTIONS:
        seen: set[int] = set()
        for record in document.live[section.key]:
            if record.ref in seen:
                raise _fail(
                    record.where,
                    _("the reference number %(ref)s is used twice.") % {"ref": record.ref},
                )
            seen.add(record.ref)
        live_refs[section.key] = seen
        known_refs[section.key] = seen | {r.ref for r in document.recorded[section.key]}
        outward[section.key] = _outward_fields(section)
    for section in SECTIONS:
        for record in document.live[section.key]:
            for attname, value in _references(record):
                _check_in_file(record, attname, value, live_refs)
                if isinstance(value, _External) and (
                    attname not in outward[section.key] or value.year == document.year
                ):
                    raise _fail(
                        record.where,
                        _("“%(field)s” must refer to an object in the file.")
                        % {"field": _key(attname)},
                    )
                if isinstance(value, _Year) and value.year != document.year:
                    raise _fail(
                        record.where,
                        _("belongs to plan year %(found)s, not to the file's %(year)s.")
                        % {"found": value.year, "year": document.year},
                    )
        for record in document.recorded[section.key]:
            for attname, value in _references(record):
                _check_in_file(record, attname, value, known_refs)
    copied_from = document.plan_year.values.get("copied_from_id")
    if isinstance(copied_from, _Year) and copied_from.year == document.year:
        raise _fail("plan_year", _("a plan year cannot be a copy of itself."))


def _check_in_file(record: _Record, attname: str, value: Any, refs: dict[str, set[int]]) -> None:
    """A reference to an object of the file names one of `refs` (by section)."""
    if isinstance(value, _Ref) and value.ref not in refs[value.section]:
        raise _fail(
            record.where,
            _("“%(field)s” refers to %(section)s %(ref)s, which is not in the file.")
            % {"field": _key(attname), "section": _label(value.section), "ref": value.ref},
        )


def _check_rules(document: _Document) -> None:
    """The steering model's rules (goals/rules.py) for the tree, assessments,
    indicators and periods, and the tree's positions."""
    nodes = document.live["nodes"]
    by_ref = {record.ref: record for record in nodes}
    roots = [record for record in nodes if record.values["parent_id"] is None]
    if nodes and len(roots) != 1:
        raise BackupError(
            _("The file's tree has %(count)s roots; it must have exactly one, the vision.")
            % {"count": len(roots)}
        )
    direction_goals: set[int] = set()
    for record in nodes:
        values = record.values
        kind = values["kind"]
        parent = by_ref[values["parent_id"].ref] if values["parent_id"] else None
        parent_kind = parent.values["kind"] if parent is not None else None
        error = rules.placement_error(kind, parent_kind) or rules.committee_error(
            kind,
            values["committee_id"],
            parent_kind=parent_kind,
            parent_committee_id=parent.values["committee_id"] if parent is not None else None,
        )
        if not error and kind == NodeKind.DIRECTION_GOAL:
            if parent.ref in direction_goals:
                error = rules.second_direction_goal_error()
            direction_goals.add(parent.ref)
        error = error or rules.geh_role_error(kind, values.get("geh_role", ""))
        if error:
            raise _fail(_node_label(record), error)
    _check_positions(nodes)

    for record in document.live["periods"]:
        error = rules.period_dates_error(record.values["cutoff_date"], record.values["deadline"])
        if error:
            raise _fail(record.where, error)
    period_kinds = {record.ref: record.values["kind"] for record in document.live["periods"]}
    for record in document.live["assessments"]:
        kind = by_ref[record.values["node_id"].ref].values["kind"]
        error = assessment_error(kind, record.values["status"])
        if error:
            raise _fail(record.where, error[1])
        forecast = record.values.get("forecast_status", "")
        if forecast:
            error = forecast_status_error(_period_kind(record, period_kinds), kind, forecast)
            if error:
                raise _fail(record.where, error)
    for record in document.live["indicators"]:
        error = rules.indicator_error(by_ref[record.values["node_id"].ref].values["kind"])
        if error:
            raise _fail(record.where, error)
    for record in document.live["outcomes"]:
        if record.values.get("forecast") is not None:
            error = forecast_period_error(_period_kind(record, period_kinds))
            if error:
                raise _fail(record.where, error)
    _check_approvals(document)
    _check_links(document.live["links"], by_ref)
    _check_assignments(document, by_ref)
    _check_global_goal_links(document, by_ref)


def _period_kind(record: _Record, period_kinds: dict[int, str]) -> str:
    """The kind of the period a record is followed up in (checked to be in the file)."""
    return period_kinds[record.values["period_id"].ref]


def _check_approvals(document: _Document) -> None:
    """Each committee's approval of the year's plan or of a period is there once,
    and an approved one has its decision's date."""
    for key, owner in (("operational_plans", "plan_year_id"), ("committee_reports", "period_id")):
        seen: set[tuple] = set()
        for record in document.live[key]:
            values = record.values
            error = rules.approval_decision_error(values["state"], values["decided_on"])
            if error:
                raise _fail(record.where, error)
            pair = (values[owner], values["committee_id"])
            if pair in seen:
                raise _fail(
                    record.where,
                    _("the committee's approval is in the file twice for the same year or period."),
                )
            seen.add(pair)


def _check_links(links: list[_Record], by_ref: dict[int, _Record]) -> None:
    """Each link obeys the rules a link made in the browser does (goals/rules.py)."""
    linked: dict[int, set[int]] = {}
    for record in links:
        source_ref, target_ref = record.values["source_id"], record.values["target_id"]
        if not isinstance(source_ref, _Ref) or not isinstance(target_ref, _Ref):
            raise _fail(record.where, rules.link_year_error())
        source, target = by_ref[source_ref.ref], by_ref[target_ref.ref]
        ancestors, parent = set(), source.values["parent_id"]
        while parent is not None and parent.ref not in ancestors:  # positions are checked
            ancestors.add(parent.ref)
            parent = by_ref[parent.ref].values["parent_id"]
        error = rules.link_error(
            source=(source.ref, source.values["kind"], 0, source.values["committee_id"]),
            target=(target.ref, target.values["kind"], 0, target.values["committee_id"]),
            parent_id=source.values["parent_id"].ref if source.values["parent_id"] else None,
            ancestor_ids=ancestors,
            linked_ids=linked.setdefault(source.ref, set()),
        )
        if error:
            raise _fail(record.where, error)
        linked[source.ref].add(target.ref)


def _check_assignments(document: _Document, nodes_by_ref: dict[int, _Record]) -> None:
    """An assignment's rules (goals/rules.py): due within the year, under a municipal
    goal of the year (one in the file), followed up on the assignments' scale."""
    for record in document.live["assignments"]:
        goal = record.values.get("goal_id")
        if isinstance(goal, _Ref):
            goal_error = rules.assignment_goal_error(
                nodes_by_ref[goal.ref].values["kind"], document.year, document.year
            )
        elif isinstance(goal, _External):  # a goal of another year, whatever its kind
            goal_error = rules.assignment_goal_error(
                NodeKind.MUNICIPAL_GOAL, goal.year, document.year
            )
        else:
            goal_error = None
        error = rules.assignment_due_date_error(record.values["due_date"], document.year)
        if error or goal_error:
            raise _fail(record.where, error or goal_error)
    for record in document.live["assignment_followups"]:
        if record.values["status"] not in AssignmentStatus.values:
            raise _fail(record.where, _("That status does not apply to an assignment."))


def _check_global_goal_links(document: _Document, nodes: dict[int, _Record]) -> None:
    """Only goals that may be are linked to a global goal, each at most once, and
    an indicator to each at most once."""
    for key, owner in (
        ("node_global_goals", "node_id"),
        ("indicator_global_goals", "indicator_id"),
    ):
        seen: set[tuple[int, int]] = set()
        for record in document.live[key]:
            link = (record.values[owner].ref, record.values["global_goal_id"])
            if link in seen:
                raise _fail(record.where, _("It links to the same global goal twice."))
            seen.add(link)
            if key == "node_global_goals":
                error = rules.global_goal_link_error(nodes[link[0]].values["kind"])
                if error:
                    raise _fail(record.where, error)


def _node_label(record: _Record) -> str:
    return f"{record.where} “{record.values['title']}”"


def _check_positions(nodes: list[_Record]) -> None:
    """The file's nested set (lft, rght, level) is sound, or the first fault is
    named by the node's place in the file and its ref."""
    faults = nested_set_faults(
        [
            {
                "key": record.ref,
                "parent": record.values["parent_id"].ref if record.values["parent_id"] else None,
                "lft": record.values["lft"],
                "rght": record.values["rght"],
                "level": record.values["level"],
            }
            for record in nodes
        ]
    )
    if not faults:
        return
    # A node's own fault says more than the numbering as a whole.
    fault = next((fault for fault in faults if fault.node is not None), faults[0])
    if fault.node is None:
        raise BackupError(
            _(
                "The positions in the file's tree (lft, rght, level) do not number its nodes "
                "1 to %(last)s, each number once."
            )
            % {"last": fault.values.get("last", 2 * len(nodes))}
        )
    messages = {
        "order": _("its position (lft, rght, level) has lft %(lft)s, not below rght %(rght)s."),
        "root_level": _("its position (lft, rght, level) is level %(level)s; the root is at 0."),
        "not_nested": _(
            "its position (lft, rght, level) is not inside that of its parent, node %(parent)s."
        ),
        "level": _(
            "its position (lft, rght, level) is level %(level)s under a parent at level "
            "%(parent_level)s."
        ),
    }
    record = next(record for record in nodes if record.ref == fault.node)
    raise _fail(_node_label(record), messages[fault.code] % fault.values)
