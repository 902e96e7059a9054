"""The backup document's format: its sections and what each model's metadata says
about the columns to write and read."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from followup.approvalmodels import CommitteeReport
from followup.assignmentmodels import AssignmentFollowup
from followup.gehmodels import BalanceDeficit, BalanceStatement, GehEvaluation
from followup.indicatormodels import Indicator, IndicatorGlobalGoal, IndicatorOutcome
from followup.models import Assessment, Period
from goals.approvalmodels import OperationalPlan
from goals.assignmentmodels import Assignment
from goals.linkmodels import NodeLink
from goals.models import (
    Committee,
    GlobalGoal,
    Node,
    NodeGlobalGoal,
    PlanYear,
)

FORMAT = "kramfors-styr/plan-year"
# Version 3 added the committees' approvals, the links between goals, the
# assignments and the links to Agenda 2030's global goals (ADDED_IN_3); the
# reader upgrades a version 1 or 2 document as it reads it.
FORMAT_VERSION = 3
# A plan year with thousands of nodes and years of history stays far below this.
MAX_FILE_SIZE = 200 * 1024 * 1024
BATCH_SIZE = 500
# Refs and years are looked up, never stored: anything this big is a damaged file.
MAX_REF = 2**53


class BackupError(Exception):
    """A plan year cannot be exported or imported; the message is for the user."""


@dataclass(frozen=True)
class Section:
    """One kind of object in the document, and how it belongs to the plan year."""

    key: str
    model: type[models.Model]
    # The foreign key that ties a row to the year: to the plan year itself
    # (owner_section None) or to an object of another section.
    owner: str | None = None
    owner_section: str | None = None
    # Columns that follow from others and are not written.
    derived: frozenset[str] = frozenset()

    @property
    def history_model(self) -> type[models.Model]:
        return self.model.history.model


# In the order they are restored: each only refers to those before it.
SECTIONS = (
    Section("committees", Committee),
    Section("nodes", Node, "plan_year", None, frozenset({"tree_id"})),
    Section("links", NodeLink, "plan_year"),
    Section("periods", Period, "plan_year"),
    Section("indicators", Indicator, "node", "nodes"),
    Section("node_global_goals", NodeGlobalGoal, "node", "nodes"),
    Section("indicator_global_goals", IndicatorGlobalGoal, "indicator", "indicators"),
    Section("assessments", Assessment, "node", "nodes"),
    Section("outcomes", IndicatorOutcome, "indicator", "indicators"),
    Section("geh_evaluations", GehEvaluation, "period", "periods"),
    Section("balance_statements", BalanceStatement, "period", "periods"),
    Section("balance_deficits", BalanceDeficit, "statement", "balance_statements"),
    # The committees' approvals: of their operational plans for the year, and
    # of their part of each period's follow-up, with the committee's decision.
    Section("operational_plans", OperationalPlan, "plan_year"),
    Section("committee_reports", CommitteeReport, "period", "periods"),
    Section("assignments", Assignment, "plan_year"),
    Section("assignment_followups", AssignmentFollowup, "assignment", "assignments"),
)
# Version 3 added these sections; a version 2 file is read with them empty.
ADDED_IN_3 = (
    "links",
    "operational_plans",
    "committee_reports",
    "assignments",
    "assignment_followups",
    "node_global_goals",
    "indicator_global_goals",
)
SECTION_BY_KEY = {section.key: section for section in SECTIONS}
SECTION_BY_MODEL = {section.model: section for section in SECTIONS}
# Models a plan year owns that are deliberately not backed up: reminders are
# a log of e-mails sent, not part of the year's content; the roll-up counts
# are made afresh from the restored tree and assessments. Roles from the
# directory belong to users, not to a year, and come back at the next login.
# Kolada's lists and comparison values belong to no year and are fetched
# again from Kolada.
LEFT_OUT = (
    # Agenda 2030's global goals are the same fixed data in every database
    # (shipped by a migration): links name them by their number.
    "goals.GlobalGoal",
    "followup.ReminderLog",
    "followup.SubtreeCount",
    "followup.KoladaKpi",
    "followup.KoladaArea",
    "followup.KpiValue",
    "goals.DirectoryRole",
    "goals.HistoricalDirectoryRole",
)


# --- model metadata ----------------------------------------------------------


def _fields(model: type[models.Model], derived: frozenset[str] = frozenset()) -> list:
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in derived]


def _history_fields(model: type[models.Model], derived: frozenset[str] = frozenset()) -> list:
    """A history record's columns but its own id and the recorded object's id (its ref)."""
    history_model = model.history.model
    object_id = model._meta.pk.name
    return [
        f
        for f in history_model._meta.concrete_fields
        if not f.primary_key and f.name != object_id and f.name not in derived
    ]


def _user_m2m_fields(model: type[models.Model]) -> list:
    # A many-to-many field through a model of its own (a goal's links to the
    # global goals) is written as that model's section.
    fields = [
        m2m for m2m in model._meta.many_to_many if m2m.remote_field.through._meta.auto_created
    ]
    for m2m in fields:
        if m2m.related_model is not get_user_model():
            raise ImproperlyConfigured(
                f"{model.__name__}.{m2m.name} relates to {m2m.related_model.__name__}; "
                "a plan year backup only knows many-to-many relations to users."
            )
    return fields


def _history_m2m(model: type[models.Model]) -> list[tuple[Any, type[models.Model]]]:
    """(many-to-many field, model of its historical rows) for each field the history tracks."""
    history_model = model.history.model
    return [
        (m2m, getattr(history_model, m2m.name).model)
        for m2m in getattr(history_model, "_history_m2m_fields", [])
    ]


def _target(model_field) -> str:
    """What a foreign key points to: 'user', 'year' or a section's key."""
    related = model_field.related_model
    if related is get_user_model():
        return "user"
    if related is PlanYear:
        return "year"
    if related is GlobalGoal:
        return "global_goal"
    if related in SECTION_BY_MODEL:
        return SECTION_BY_MODEL[related].key
    raise ImproperlyConfigured(
        f"{model_field.model.__name__}.{model_field.name} points to {related.__name__}, "
        "which a plan year backup does not cover; teach followup.backup about it."
    )


def _auto_timestamp_fields(model: type[models.Model]) -> list:
    """Fields that Django sets on insert (auto_now, auto_now_add): restored afterwards."""
    return [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]


def _username_field() -> str:
    return get_user_model().USERNAME_FIELD


# --- the read document --------------------------------------------------------


@dataclass(frozen=True)
class _Ref:
    """An object in this file."""

    section: str
    ref: int


@dataclass(frozen=True)
class _External:
    """An object of another plan year."""

    section: str
    year: int
    ref: int


@dataclass(frozen=True)
class _Year:
    year: int


@dataclass(frozen=True)
class _User:
    name: str


@dataclass
class _Record:
    where: str
    ref: int | None
    values: dict[str, Any]  # attname -> value, or a reference to resolve
    members: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class _Document:
    year: int
    plan_year: _Record
    live: dict[str, list[_Record]]
    recorded: dict[str, list[_Record]]
    plan_year_history: list[_Record]


_TYPE_NAMES = {
    "text": gettext_lazy("text"),
    "integer": gettext_lazy("a whole number"),
    "boolean": gettext_lazy("true or false"),
    "decimal": gettext_lazy("a decimal number written as text"),
    "date": gettext_lazy("a date written as text (YYYY-MM-DD)"),
    "datetime": gettext_lazy("a date and time with time zone, written as text (ISO 8601)"),
    "object": gettext_lazy("an object"),
    "list": gettext_lazy("a list"),
    "user": gettext_lazy("a user name"),
    "year": gettext_lazy("a year"),
    "global_goal": gettext_lazy("the number of a global goal"),
    "reference": gettext_lazy("a reference number"),
}


def _fail(where: str, message: str) -> BackupError:
    return BackupError(_("%(where)s: %(error)s") % {"where": where, "error": message})


def _wrong_type(where: str, name: str, expected: str) -> BackupError:
    return _fail(
        where,
        _("“%(field)s” must be %(expected)s.") % {"field": name, "expected": _TYPE_NAMES[expected]},
    )


def _references(record: _Record) -> Iterator[tuple[str, Any]]:
    """(attname, reference) for each foreign key of a record."""
    for attname, value in record.values.items():
        if isinstance(value, (_Ref, _External, _Year, _User)):
            yield attname, value
