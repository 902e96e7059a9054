"""Checking the read document as a whole: references and the steering model's rules."""

from __future__ import annotations

from django.utils.translation import gettext as _

from followup.backup.format import (
    SECTION_BY_KEY,
    SECTIONS,
    BackupError,
    Section,
    _Document,
    _External,
    _fail,
    _fields,
    _Ref,
    _references,
    _Year,
)
from followup.models import (
    INDICATOR_KINDS,
    status_choices_for,
)
from goals.models import (
    ASSESSABLE_KINDS,
    COMMITTEE_KINDS,
    PARENT_KIND,
    NodeKind,
    kind_label,
)


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
                if isinstance(value, _Ref) and value.ref not in live_refs[value.section]:
                    raise _fail(
                        record.where,
                        _("“%(field)s” refers to %(section)s %(ref)s, which is not in the file.")
                        % {
                            "field": _key(attname),
                            "section": _label(value.section),
                            "ref": value.ref,
                        },
                    )
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
                if isinstance(value, _Ref) and value.ref not in known_refs[value.section]:
                    raise _fail(
                        record.where,
                        _("“%(field)s” refers to %(section)s %(ref)s, which is not in the file.")
                        % {
                            "field": _key(attname),
                            "section": _label(value.section),
                            "ref": value.ref,
                        },
                    )
    copied_from = document.plan_year.values.get("copied_from_id")
    if isinstance(copied_from, _Year) and copied_from.year == document.year:
        raise _fail("plan_year", _("a plan year cannot be a copy of itself."))


def _check_rules(document: _Document) -> None:
    """The steering model's rules for the tree, assessments, indicators and periods."""
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
        expected = PARENT_KIND[kind]
        error = None
        if expected is None and parent is not None:
            error = _("A vision cannot have a parent.")
        elif expected is not None and parent is None:
            error = _("A “%(kind)s” must be placed under a “%(parent_kind)s”.") % {
                "kind": kind_label(kind),
                "parent_kind": kind_label(expected),
            }
        elif parent is not None and parent.values["kind"] != expected:
            error = _(
                "A “%(kind)s” can only be placed under a “%(parent_kind)s”, "
                "not under a “%(actual)s”."
            ) % {
                "kind": kind_label(kind),
                "parent_kind": kind_label(expected),
                "actual": kind_label(parent.values["kind"]),
            }
        elif kind in COMMITTEE_KINDS and values["committee_id"] is None:
            error = _("A “%(kind)s” must belong to a committee.") % {"kind": kind_label(kind)}
        elif kind not in COMMITTEE_KINDS and values["committee_id"] is not None:
            error = _("Only committee goals and activities belong to a committee.")
        elif (
            kind == NodeKind.ACTIVITY
            and parent is not None
            and parent.values["committee_id"] != values["committee_id"]
        ):
            error = _("An activity belongs to the same committee as its committee goal.")
        elif kind == NodeKind.DIRECTION_GOAL:
            if parent.ref in direction_goals:
                error = _("The perspective already has a direction goal; it can only have one.")
            direction_goals.add(parent.ref)
        if error:
            raise _fail(f"{record.where} “{values['title']}”", error)

    for record in document.live["periods"]:
        if record.values["deadline"] < record.values["cutoff_date"]:
            raise _fail(record.where, _("The deadline cannot be before the cut-off date."))
    for record in document.live["assessments"]:
        node = by_ref[record.values["node_id"].ref]
        kind = node.values["kind"]
        allowed = {value for value, _text in status_choices_for(kind)}
        if kind not in ASSESSABLE_KINDS:
            raise _fail(record.where, _("Only goals and activities are assessed."))
        if record.values["status"] not in allowed:
            raise _fail(record.where, _("That status does not apply to this kind of node."))
    for record in document.live["indicators"]:
        if by_ref[record.values["node_id"].ref].values["kind"] not in INDICATOR_KINDS:
            raise _fail(
                record.where, _("Indicators belong to municipal goals and committee goals only.")
            )
