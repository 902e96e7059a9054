"""One plan year as a JSON document, and back: `year_export` and `year_import`.

The document holds the plan year, the committees its nodes use (with their
secretaries), the tree, the follow-up periods, assessments, indicators and
outcomes, and the django-simple-history records of all of them. What is
written is read from the models' metadata, so a field added to one of these
models is exported and imported without a change here; a relation to a model
the document does not cover stops the export with a clear error instead of
being silently dropped.

Objects are referred to by a number local to the file, `ref`: within a section
the objects, including those that only survive in the history (deleted ones),
are numbered 1, 2, 3 … in the order of their database ids. An import reserves
fresh ids in the same order, so exporting the restored year again gives the
same numbers and the same bytes, whatever ids the target database hands out;
the ids of deleted objects are reserved too, so no new object ever inherits
the history of an old one. Users are named by their user name, plan years by
their year, and an object of another plan year (what a node was copied from)
as `{"year": …, "ref": …}`, resolved when that year exists where it is
imported (import the years oldest first to keep those links).

The import is strict and all-or-nothing: every key must be there and no other,
every value must have its field's type and pass its validators, references
must resolve and the tree must obey the steering model; then everything is
written in one transaction under the new year's tree lock and the tree is
checked with `tree_problems` before the commit. Any fault gives a
`BackupError` with a Swedish message and leaves the database as it was.

A file that a later version of the models cannot read as it is gets a new
FORMAT_VERSION and a step that upgrades older documents before they are read.
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import DataError, IntegrityError, connection, models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from followup import counts
from followup.models import (
    INDICATOR_KINDS,
    Assessment,
    Indicator,
    IndicatorOutcome,
    Period,
    status_choices_for,
)
from goals.integrity import tree_problems
from goals.locking import tree_lock
from goals.models import (
    ASSESSABLE_KINDS,
    COMMITTEE_KINDS,
    PARENT_KIND,
    Committee,
    Node,
    NodeKind,
    PlanYear,
    kind_label,
)

FORMAT = "kramfors-styr/plan-year"
FORMAT_VERSION = 2
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
    Section("periods", Period, "plan_year"),
    Section("indicators", Indicator, "node", "nodes"),
    Section("assessments", Assessment, "node", "nodes"),
    Section("outcomes", IndicatorOutcome, "indicator", "indicators"),
)
SECTION_BY_KEY = {section.key: section for section in SECTIONS}
SECTION_BY_MODEL = {section.model: section for section in SECTIONS}
# Models a plan year owns that are deliberately not backed up: reminders are
# a log of e-mails sent, not part of the year's content; the roll-up counts
# are made afresh from the restored tree and assessments.
LEFT_OUT = ("followup.ReminderLog", "followup.SubtreeCount")
# Not yet in the document: the committees' approvals of their operational plans
# and of their follow-up (with their decisions) stay with the database they
# were made in; a restored year's committees start in progress.
LEFT_OUT += (
    "goals.OperationalPlan",
    "goals.HistoricalOperationalPlan",
    "followup.CommitteeReport",
    "followup.HistoricalCommitteeReport",
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
    fields = list(model._meta.many_to_many)
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


# --- export ------------------------------------------------------------------


def _plain(model_field, value: Any) -> Any:
    """A column's value as JSON: decimals as text, dates and times in ISO 8601 (UTC)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise ImproperlyConfigured(
        f"{model_field.model.__name__}.{model_field.name} holds a "
        f"{type(value).__name__}, which a plan year backup cannot write."
    )


@contextmanager
def _snapshot() -> Iterator[None]:
    """Read everything from one consistent state of the database."""
    outermost = not connection.in_atomic_block
    if outermost and connection.vendor == "postgresql":
        # A health check inside the transaction would be its first query, and
        # the isolation level can only be set before any.
        connection.ensure_connection()
        connection.close_if_health_check_failed()
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _scope(section: Section, plan_year_id: int, *, historical: bool) -> Q:
    """The rows of a section (live or historical) that belong to the plan year."""
    attname = section.model._meta.get_field(section.owner).attname
    if section.owner_section is None:
        return Q(**{attname: plan_year_id})
    owner = SECTION_BY_KEY[section.owner_section]
    live_owners = owner.model.objects.filter(_scope(owner, plan_year_id, historical=False))
    recorded_owners = owner.history_model.objects.filter(
        _scope(owner, plan_year_id, historical=True)
    )
    return Q(**{f"{attname}__in": live_owners.values("pk")}) | Q(
        **{f"{attname}__in": recorded_owners.values("id")}
    )


def _scope_ids(section: Section, plan_year_id: int) -> list[int]:
    """Every id of a section in a plan year, live or only in the history, in order:
    position n in this list is ref n+1."""
    live = section.model.objects.filter(_scope(section, plan_year_id, historical=False))
    recorded = section.history_model.objects.filter(_scope(section, plan_year_id, historical=True))
    return sorted(
        set(live.values_list("pk", flat=True)) | set(recorded.values_list("id", flat=True))
    )


def _years_of(section: Section, ids: set[int]) -> dict[int, int]:
    """The plan year id each object (live or recorded) belongs to."""
    if not ids:
        return {}
    attname = section.model._meta.get_field(section.owner).attname
    owners: dict[int, int] = {}
    recorded = section.history_model.objects.filter(id__in=ids).values_list("id", attname)
    for object_id, owner_id in recorded.order_by("history_date"):
        if owner_id is not None:
            owners[object_id] = owner_id
    live = section.model.objects.filter(pk__in=ids).values_list("pk", attname)
    owners.update(live)
    if section.owner_section is None:
        return owners
    owner_years = _years_of(SECTION_BY_KEY[section.owner_section], set(owners.values()))
    return {
        object_id: owner_years[owner_id]
        for object_id, owner_id in owners.items()
        if owner_id in owner_years
    }


class _Exporter:
    def __init__(self, plan_year: PlanYear) -> None:
        self.plan_year = plan_year
        self.live: dict[str, list[dict]] = {}
        self.recorded: dict[str, list[dict]] = {}
        self.refs: dict[str, dict[int, int]] = {}
        self.external: dict[str, dict[int, dict[str, int]]] = {}
        self.usernames: dict[int, str] = {}
        self.years: dict[int, int] = {}
        # (section, field) -> object id (live) or history id (recorded) -> user ids
        self.members: dict[tuple[str, str], dict[int, list[int]]] = {}
        self.recorded_members: dict[tuple[str, str], dict[int, list[int]]] = {}

    def document(self) -> dict[str, Any]:
        self._load()
        self._resolve_names()
        plan_year_fields = _fields(PlanYear)
        plan_year_row = PlanYear.objects.filter(pk=self.plan_year.pk).values(
            *[f.attname for f in plan_year_fields]
        )[0]
        history_fields = _history_fields(PlanYear)
        plan_year_history = sorted(
            PlanYear.history.filter(id=self.plan_year.pk).values(
                "pk", *[f.attname for f in history_fields]
            ),
            key=lambda row: (row["history_date"], row["pk"]),
        )
        document: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "plan_year": self._encode(plan_year_fields, plan_year_row),
            "history": {
                "plan_year": [self._encode(history_fields, row) for row in plan_year_history]
            },
        }
        for section in SECTIONS:
            document[section.key] = self._live_section(section)
            document["history"][section.key] = self._history_section(section)
        return document

    # Loading: every row of the year, then the refs, users and years they name.

    def _load(self) -> None:
        live: dict[str, models.QuerySet] = {}
        recorded: dict[str, models.QuerySet] = {}
        for section in SECTIONS:
            if section.key == "committees":
                continue
            live[section.key] = section.model.objects.filter(
                _scope(section, self.plan_year.pk, historical=False)
            )
            recorded[section.key] = section.history_model.objects.filter(
                _scope(section, self.plan_year.pk, historical=True)
            )
            self._load_rows(section, live[section.key], recorded[section.key])
        # The committees that the year's nodes name, now or in their history:
        # a handful, so a list of ids will do.
        committee_ids = {
            row["committee_id"]
            for row in self.live["nodes"] + self.recorded["nodes"]
            if row["committee_id"] is not None
        }
        committees = SECTION_BY_KEY["committees"]
        live["committees"] = Committee.objects.filter(pk__in=committee_ids)
        recorded["committees"] = committees.history_model.objects.filter(id__in=committee_ids)
        self._load_rows(committees, live["committees"], recorded["committees"])
        for section in SECTIONS:
            ids = {row["pk"] for row in self.live[section.key]}
            ids |= {row["id"] for row in self.recorded[section.key]}
            self.refs[section.key] = {object_id: n for n, object_id in enumerate(sorted(ids), 1)}
            self._load_members(section, live[section.key], recorded[section.key])

    def _load_rows(
        self, section: Section, live: models.QuerySet, recorded: models.QuerySet
    ) -> None:
        live_names = [f.attname for f in _fields(section.model, section.derived)]
        self.live[section.key] = list(live.values("pk", *live_names))
        history_names = [f.attname for f in _history_fields(section.model, section.derived)]
        self.recorded[section.key] = list(recorded.values("pk", "id", *history_names))

    def _load_members(
        self, section: Section, live: models.QuerySet, recorded: models.QuerySet
    ) -> None:
        for m2m in _user_m2m_fields(section.model):
            through = m2m.remote_field.through
            source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
            rows = through.objects.filter(**{f"{source}_id__in": live.values("pk")}).values_list(
                f"{source}_id", f"{target}_id"
            )
            by_object = self.members.setdefault((section.key, m2m.name), {})
            for object_id, user_id in rows:
                by_object.setdefault(object_id, []).append(user_id)
        for m2m, history_m2m_model in _history_m2m(section.model):
            target = m2m.m2m_reverse_field_name()
            rows = history_m2m_model.objects.filter(
                history_id__in=recorded.values("pk")
            ).values_list("history_id", f"{target}_id")
            by_record = self.recorded_members.setdefault((section.key, m2m.name), {})
            for history_id, user_id in rows:
                by_record.setdefault(history_id, []).append(user_id)

    def _resolve_names(self) -> None:
        """Look up, in a few queries, the users, years and other years' objects named."""
        user_ids: set[int] = set()
        year_ids: set[int] = {self.plan_year.pk}
        if self.plan_year.copied_from_id:
            year_ids.add(self.plan_year.copied_from_id)
        foreign: dict[str, set[int]] = {}
        plan_year_history = PlanYear.history.filter(id=self.plan_year.pk)
        user_ids |= set(plan_year_history.values_list("history_user_id", flat=True))
        year_ids |= set(plan_year_history.values_list("copied_from_id", flat=True))
        for section in SECTIONS:
            rows = [
                (_fields(section.model, section.derived), self.live[section.key]),
                (_history_fields(section.model, section.derived), self.recorded[section.key]),
            ]
            for fields, section_rows in rows:
                for model_field in fields:
                    if not model_field.is_relation:
                        continue
                    target = _target(model_field)
                    values = {row[model_field.attname] for row in section_rows} - {None}
                    if target == "user":
                        user_ids |= values
                    elif target == "year":
                        year_ids |= values
                    else:
                        foreign.setdefault(target, set()).update(values - set(self.refs[target]))
        for by_object in [*self.members.values(), *self.recorded_members.values()]:
            for members in by_object.values():
                user_ids.update(members)
        user_ids.discard(None)
        self.usernames = dict(
            get_user_model().objects.filter(pk__in=user_ids).values_list("pk", _username_field())
        )
        for key, ids in foreign.items():
            section = SECTION_BY_KEY[key]
            if section.owner is None:
                continue  # committees: any outside the year's are no longer anywhere
            years = _years_of(section, ids)
            year_ids |= set(years.values())
            ranks: dict[int, dict[int, int]] = {}
            for object_id, year_id in years.items():
                if year_id not in ranks:
                    ranks[year_id] = {
                        other: n for n, other in enumerate(_scope_ids(section, year_id), 1)
                    }
                if object_id in ranks[year_id]:
                    self.external.setdefault(key, {})[object_id] = {
                        "year": year_id,
                        "ref": ranks[year_id][object_id],
                    }
        year_ids.discard(None)
        self.years = dict(PlanYear.objects.filter(pk__in=year_ids).values_list("pk", "year"))
        for refs in self.external.values():
            for object_id, reference in list(refs.items()):
                if reference["year"] in self.years:
                    reference["year"] = self.years[reference["year"]]
                else:
                    del refs[object_id]

    # Writing.

    def _reference(self, model_field, value: int | None) -> Any:
        if value is None:
            return None
        target = _target(model_field)
        if target == "user":
            return self.usernames.get(value)
        if target == "year":
            return self.years.get(value)
        if value in self.refs[target]:
            return self.refs[target][value]
        reference = self.external.get(target, {}).get(value)
        return dict(reference) if reference else None

    def _encode(self, fields: list, row: dict) -> dict[str, Any]:
        return {
            f.name: (
                self._reference(f, row[f.attname]) if f.is_relation else _plain(f, row[f.attname])
            )
            for f in fields
        }

    def _user_list(self, user_ids: list[int]) -> list[str]:
        return sorted(self.usernames[user_id] for user_id in user_ids if user_id in self.usernames)

    def _live_section(self, section: Section) -> list[dict]:
        fields = _fields(section.model, section.derived)
        refs = self.refs[section.key]
        if section.key == "nodes":
            rows = sorted(self.live[section.key], key=lambda row: row["lft"])
        else:
            rows = sorted(self.live[section.key], key=lambda row: refs[row["pk"]])
        records = []
        for row in rows:
            record = {"ref": refs[row["pk"]], **self._encode(fields, row)}
            for m2m in _user_m2m_fields(section.model):
                members = self.members[(section.key, m2m.name)].get(row["pk"], [])
                record[m2m.name] = self._user_list(members)
            records.append(record)
        return records

    def _history_section(self, section: Section) -> list[dict]:
        fields = _history_fields(section.model, section.derived)
        refs = self.refs[section.key]
        rows = sorted(
            self.recorded[section.key],
            key=lambda row: (row["history_date"], refs[row["id"]], row["pk"]),
        )
        m2m_fields = _history_m2m(section.model)
        records = []
        for row in rows:
            record = {"ref": refs[row["id"]], **self._encode(fields, row)}
            for m2m, _history_m2m_model in m2m_fields:
                members = self.recorded_members[(section.key, m2m.name)].get(row["pk"], [])
                record[m2m.name] = self._user_list(members)
            records.append(record)
        return records


def year_export(*, year: int) -> bytes:
    """The plan year `year` as a JSON document: UTF-8, keys sorted, rows in a fixed
    order, so two exports of the same data are byte for byte the same."""
    with _snapshot():
        plan_year = PlanYear.objects.filter(year=year).first()
        if plan_year is None:
            raise BackupError(_("There is no plan year %(year)s.") % {"year": year})
        document = _Exporter(plan_year).document()
    text = json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


# --- import: reading and checking the document ---------------------------------


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
    "reference": gettext_lazy("a reference number"),
}


def _fail(where: str, message: str) -> BackupError:
    return BackupError(_("%(where)s: %(error)s") % {"where": where, "error": message})


def _wrong_type(where: str, name: str, expected: str) -> BackupError:
    return _fail(
        where,
        _("“%(field)s” must be %(expected)s.") % {"field": name, "expected": _TYPE_NAMES[expected]},
    )


def _integer(raw: Any, where: str, name: str, low: int, high: int) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool):
        raise _wrong_type(where, name, "integer")
    if not low <= raw <= high:
        raise _fail(
            where,
            _("“%(field)s” must be between %(low)s and %(high)s.")
            % {"field": name, "low": low, "high": high},
        )
    return raw


def _object(raw: Any, where: str, name: str) -> dict:
    if not isinstance(raw, dict):
        raise _wrong_type(where, name, "object")
    return raw


def _list(raw: Any, where: str, name: str) -> list:
    if not isinstance(raw, list):
        raise _wrong_type(where, name, "list")
    return raw


def _keys(raw: dict, where: str, expected: set[str]) -> None:
    for key in sorted(expected):
        if key not in raw:
            raise _fail(where, _("the field “%(field)s” is missing.") % {"field": key})
    for key in sorted(raw):
        if key not in expected:
            raise _fail(where, _("unknown field “%(field)s”.") % {"field": key})


def _integer_range(model_field) -> tuple[int, int]:
    internal = model_field.get_internal_type()
    # The portable ranges, the same on every database (SQLite would take more).
    return BaseDatabaseOperations.integer_field_ranges.get(
        internal, BaseDatabaseOperations.integer_field_ranges["BigIntegerField"]
    )


def _parse_datetime(raw: str) -> datetime.datetime | None:
    try:
        value = datetime.datetime.fromisoformat(raw)
        if value.tzinfo is None:
            return None
        return value.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        return None


def _parse_date(raw: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        return None


def _plain_value(model_field, raw: Any, where: str) -> Any:
    """A column's value from JSON, of its field's type (validators run by the caller)."""
    name = model_field.name
    if isinstance(model_field, models.BooleanField):
        if not isinstance(raw, bool):
            raise _wrong_type(where, name, "boolean")
        return raw
    if isinstance(model_field, models.DecimalField):
        if not isinstance(raw, str):
            raise _wrong_type(where, name, "decimal")
        return model_field.to_python(raw)
    if isinstance(model_field, models.DateTimeField):
        value = _parse_datetime(raw) if isinstance(raw, str) else None
        if value is None:
            raise _wrong_type(where, name, "datetime")
        return value
    if isinstance(model_field, models.DateField):
        value = _parse_date(raw) if isinstance(raw, str) else None
        if value is None:
            raise _wrong_type(where, name, "date")
        return value
    if isinstance(model_field, (models.IntegerField, models.AutoField)):
        low, high = _integer_range(model_field)
        return _integer(raw, where, name, low, high)
    if isinstance(model_field, (models.CharField, models.TextField)):
        if not isinstance(raw, str):
            raise _wrong_type(where, name, "text")
        return raw
    if isinstance(raw, (dict, list)):
        raise _wrong_type(where, name, "text")
    return model_field.to_python(raw)


# Version 2: a period's state replaced its closed flag; plan years record their
# adoption; activities have a responsible, dates and a cost estimate.
_V2_PLAN_YEAR = {
    "state": "draft",
    "decision_body": "",
    "decided_on": None,
    "paragraph": "",
    "registration_number": "",
    "minutes_url": "",
}
_V2_NODE = {"responsible": "", "start_date": None, "end_date": None, "cost_estimate": None}


def _period_v2(record: Any) -> Any:
    if isinstance(record, dict) and "is_closed" in record:
        record = dict(record)
        closed = record.pop("is_closed")
        published = record.get("published_at") is not None
        record["state"] = "published" if published else ("closed" if closed else "open")
    return record


def _with_defaults(record: Any, defaults: dict) -> Any:
    return {**defaults, **record} if isinstance(record, dict) else record


def _upgraded(raw: Any) -> Any:
    """A format version 1 document as version 2; anything else as it is."""
    if not isinstance(raw, dict) or raw.get("format_version") != 1:
        return raw
    raw = dict(raw, format_version=2)
    try:
        raw["plan_year"] = _with_defaults(raw["plan_year"], _V2_PLAN_YEAR)
        raw["periods"] = [_period_v2(record) for record in raw["periods"]]
        raw["nodes"] = [_with_defaults(record, _V2_NODE) for record in raw["nodes"]]
        history = dict(raw["history"])
        history["plan_year"] = [_with_defaults(r, _V2_PLAN_YEAR) for r in history["plan_year"]]
        history["periods"] = [_period_v2(record) for record in history["periods"]]
        history["nodes"] = [_with_defaults(record, _V2_NODE) for record in history["nodes"]]
        raw["history"] = history
    except (KeyError, TypeError):
        return raw  # the reader names what is missing or of the wrong type
    return raw


class _Reader:
    """Turns the JSON document into records, checking everything that needs no database."""

    def __init__(self, document: Any) -> None:
        self.raw = document

    def read(self) -> _Document:
        raw = self.raw
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise BackupError(_("This is not a backup of a plan year from Kramfors styr."))
        raw = _upgraded(raw)
        version = raw.get("format_version")
        if type(version) is not int or version != FORMAT_VERSION:
            raise BackupError(
                _(
                    "The file's format version is %(found)s; this version of Kramfors styr "
                    "reads format version %(expected)s."
                )
                % {"found": json.dumps(version)[:40], "expected": FORMAT_VERSION}
            )
        keys = {"format", "format_version", "plan_year", "history"}
        _keys(raw, "/", keys | {section.key for section in SECTIONS})
        history = _object(raw["history"], "/", "history")
        _keys(history, "history", {"plan_year"} | {section.key for section in SECTIONS})

        plan_year = self._record(
            raw["plan_year"], "plan_year", _fields(PlanYear), [], has_ref=False, historical=False
        )
        year = plan_year.values["year"]
        plan_year_history = [
            self._record(
                item,
                f"history.plan_year[{index}]",
                _history_fields(PlanYear),
                [],
                has_ref=False,
                historical=True,
            )
            for index, item in enumerate(_list(history["plan_year"], "history", "plan_year"))
        ]
        live: dict[str, list[_Record]] = {}
        recorded: dict[str, list[_Record]] = {}
        for section in SECTIONS:
            fields = _fields(section.model, section.derived)
            m2m = _user_m2m_fields(section.model)
            live[section.key] = [
                self._record(
                    item, f"{section.key}[{index}]", fields, m2m, has_ref=True, historical=False
                )
                for index, item in enumerate(_list(raw[section.key], "/", section.key))
            ]
            history_fields = _history_fields(section.model, section.derived)
            history_m2m = [m2m_field for m2m_field, _model in _history_m2m(section.model)]
            recorded[section.key] = [
                self._record(
                    item,
                    f"history.{section.key}[{index}]",
                    history_fields,
                    history_m2m,
                    has_ref=True,
                    historical=True,
                )
                for index, item in enumerate(_list(history[section.key], "history", section.key))
            ]
        document = _Document(year, plan_year, live, recorded, plan_year_history)
        _check_references(document)
        _check_rules(document)
        return document

    def _record(
        self,
        raw: Any,
        where: str,
        fields: list,
        m2m_fields: list,
        *,
        has_ref: bool,
        historical: bool,
    ) -> _Record:
        if not isinstance(raw, dict):
            raise _fail(where, _("must be %(expected)s.") % {"expected": _TYPE_NAMES["object"]})
        item = raw
        expected = {f.name for f in fields} | {f.name for f in m2m_fields}
        _keys(item, where, expected | ({"ref"} if has_ref else set()))
        ref = _integer(item["ref"], where, "ref", 1, MAX_REF) if has_ref else None
        values = {
            f.attname: self._value(f, item[f.name], where, historical=historical) for f in fields
        }
        members = {f.name: self._usernames(item[f.name], where, f.name) for f in m2m_fields}
        return _Record(where, ref, values, members)

    def _value(self, model_field, raw: Any, where: str, *, historical: bool) -> Any:
        name = model_field.name
        if raw is None:
            if not model_field.null:
                raise _fail(where, _("“%(field)s” cannot be empty (null).") % {"field": name})
            return None
        if model_field.is_relation:
            return self._reference(model_field, raw, where)
        try:
            value = _plain_value(model_field, raw, where)
            model_field.run_validators(value)
            # A record keeps what was valid when it was made, so only live rows
            # must be valid by today's choices; the record's own type is always checked.
            if not historical or name == "history_type":
                model_field.validate(value, None)
        except ValidationError as error:
            raise _fail(
                where,
                _("“%(field)s”: %(error)s") % {"field": name, "error": " ".join(error.messages)},
            ) from None
        return value

    def _reference(self, model_field, raw: Any, where: str) -> Any:
        name = model_field.name
        target = _target(model_field)
        if target == "user":
            return _User(self._username(raw, where, name))
        if target == "year":
            low, high = _integer_range(PlanYear._meta.get_field("year"))
            if not isinstance(raw, int) or isinstance(raw, bool):
                raise _wrong_type(where, name, "year")
            return _Year(_integer(raw, where, name, low, high))
        if isinstance(raw, dict):
            _keys(raw, f"{where}.{name}", {"year", "ref"})
            low, high = _integer_range(PlanYear._meta.get_field("year"))
            return _External(
                target,
                _integer(raw["year"], f"{where}.{name}", "year", low, high),
                _integer(raw["ref"], f"{where}.{name}", "ref", 1, MAX_REF),
            )
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise _wrong_type(where, name, "reference")
        return _Ref(target, _integer(raw, where, name, 1, MAX_REF))

    def _username(self, raw: Any, where: str, name: str) -> str:
        if not isinstance(raw, str):
            raise _wrong_type(where, name, "user")
        username_field = get_user_model()._meta.get_field(_username_field())
        try:
            username_field.clean(raw, None)
        except ValidationError as error:
            raise _fail(
                where,
                _("“%(name)s” is not a valid user name: %(error)s")
                % {"name": raw, "error": " ".join(error.messages)},
            ) from None
        return raw

    def _usernames(self, raw: Any, where: str, name: str) -> list[str]:
        names = [self._username(item, where, name) for item in _list(raw, where, name)]
        if len(set(names)) != len(names):
            raise _fail(where, _("“%(field)s” names a user twice.") % {"field": name})
        return names


def _references(record: _Record) -> Iterator[tuple[str, Any]]:
    """(attname, reference) for each foreign key of a record."""
    for attname, value in record.values.items():
        if isinstance(value, (_Ref, _External, _Year, _User)):
            yield attname, value


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


# --- import: writing -----------------------------------------------------------


def _reserve_ids(model: type[models.Model], count: int, *, recorded_in=()) -> list[int]:
    """`count` fresh ids for `model`, in increasing order, that its table will never
    hand out again. `recorded_in` names (model, column) pairs that also hold ids of
    the model, such as its history: no reserved id is one of theirs."""
    if count == 0:
        return []
    floor = model.objects.aggregate(top=Max("pk"))["top"] or 0
    for other_model, column in recorded_in:
        floor = max(floor, other_model.objects.aggregate(top=Max(column))["top"] or 0)
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, %s)", [connection.ops.quote_name(table), column]
            )
            sequence = cursor.fetchone()[0]
            if sequence is None:
                raise ImproperlyConfigured(f"{table}.{column} has no sequence to reserve ids from.")
            for _attempt in range(2):
                cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
                ids = sorted(row[0] for row in cursor.fetchall())
                if ids[0] > floor:
                    return ids
                # The sequence lags behind ids that were written by hand.
                cursor.execute("SELECT setval(%s, %s)", [sequence, floor])
            raise RuntimeError(f"Could not reserve ids in {table}.")
        if connection.vendor == "sqlite":
            # The transaction holds SQLite's write lock, so nobody else takes these.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(floor, row[0] if row else 0)
            if row:
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [start + count, table]
                )
            else:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                    [table, start + count],
                )
            return list(range(start + 1, start + count + 1))
    raise ImproperlyConfigured(
        f"Restoring a plan year needs PostgreSQL or SQLite, not {connection.vendor}."
    )


def _tables() -> list[str]:
    models_written: list[type[models.Model]] = [PlanYear, PlanYear.history.model]
    for section in SECTIONS:
        models_written += [section.model, section.history_model]
        models_written += [m2m.remote_field.through for m2m in _user_m2m_fields(section.model)]
        models_written += [m2m_model for _m2m, m2m_model in _history_m2m(section.model)]
    return [model._meta.db_table for model in models_written]


@dataclass
class ImportResult:
    plan_year: PlanYear
    counts: dict[str, int]
    history_records: int
    committees_created: list[str]
    committees_reused: list[str]
    users_matched: list[str]
    users_created: list[str]


class _Restorer:
    def __init__(self, document: _Document) -> None:
        self.document = document
        self.ids: dict[str, dict[int, int]] = {section.key: {} for section in SECTIONS}
        self.users: dict[str, int] = {}
        self.plan_year: PlanYear | None = None
        self.other_years: dict[int, int] = {}
        self.external: dict[_External, int | None] = {}
        self.reused_committees: set[int] = set()

    def run(self) -> ImportResult:
        document = self.document
        if PlanYear.objects.filter(year=document.year).exists():
            raise BackupError(
                _("Plan year %(year)s already exists; an import never changes an existing year.")
                % {"year": document.year}
            )
        created_committees, reused_committees = self._match_committees()
        users_matched, users_created = self._match_users()
        self._resolve_years()
        plan_year_values = self._resolved(document.plan_year)
        plan_year = PlanYear(**plan_year_values)
        try:
            with transaction.atomic():
                PlanYear.objects.bulk_create([plan_year])
        except IntegrityError:
            # Someone else created the year meanwhile.
            raise BackupError(
                _("Plan year %(year)s already exists; an import never changes an existing year.")
                % {"year": document.year}
            ) from None
        timestamps = {
            f.attname: plan_year_values[f.attname] for f in _auto_timestamp_fields(PlanYear)
        }
        PlanYear.objects.filter(pk=plan_year.pk).update(**timestamps)
        for attname, value in timestamps.items():
            setattr(plan_year, attname, value)
        self.plan_year = plan_year
        history_records = 0
        with tree_lock(plan_year.pk):
            self._reserve()
            self._resolve_external()
            for section in SECTIONS:
                self._write_live(section)
            history_records += self._write_history_of_plan_year()
            for section in SECTIONS:
                history_records += self._write_history(section)
            problems = tree_problems(plan_year.pk)
            if problems:
                raise BackupError(
                    _(
                        "The positions in the file's tree (lft, rght, level) do not make a sound "
                        "tree: %(problems)s"
                    )
                    % {"problems": "; ".join(problems[:5])}
                )
            # Deferred foreign keys are checked now, not at some later commit.
            connection.check_constraints(table_names=_tables())
            counts.rebuild(plan_year.pk)
        return ImportResult(
            plan_year=plan_year,
            counts={section.key: len(document.live[section.key]) for section in SECTIONS},
            history_records=history_records,
            committees_created=created_committees,
            committees_reused=reused_committees,
            users_matched=users_matched,
            users_created=users_created,
        )

    # Matching what already exists.

    def _match_committees(self) -> tuple[list[str], list[str]]:
        """An existing committee with the same name and slug is used as it is; one
        with only the same name or slug is a conflict."""
        records = self.document.live["committees"]
        names = [record.values["name"] for record in records]
        slugs = [record.values["slug"] for record in records]
        existing = list(Committee.objects.filter(Q(name__in=names) | Q(slug__in=slugs)))
        created, reused = [], []
        for record in records:
            name, slug = record.values["name"], record.values["slug"]
            matches = [c for c in existing if c.name == name or c.slug == slug]
            if not matches:
                created.append(name)
                continue
            if len(matches) == 1 and matches[0].name == name and matches[0].slug == slug:
                self.ids["committees"][record.ref] = matches[0].pk
                self.reused_committees.add(record.ref)
                reused.append(name)
                continue
            raise BackupError(
                _(
                    "The committee “%(name)s” (%(slug)s) conflicts with an existing committee "
                    "that has the same name or slug but not both."
                )
                % {"name": name, "slug": slug}
            )
        return created, reused

    def _records_to_write(self, section: Section, *, historical: bool) -> list[_Record]:
        records = (self.document.recorded if historical else self.document.live)[section.key]
        if section.key == "committees":
            return [record for record in records if record.ref not in self.reused_committees]
        return records

    def _match_users(self) -> tuple[list[str], list[str]]:
        names: set[str] = set()
        all_records = [self.document.plan_year, *self.document.plan_year_history]
        for section in SECTIONS:
            all_records += self._records_to_write(section, historical=False)
            all_records += self._records_to_write(section, historical=True)
        for record in all_records:
            names |= {
                value.name for _attname, value in _references(record) if isinstance(value, _User)
            }
            for members in record.members.values():
                names.update(members)
        user_model = get_user_model()
        username = _username_field()
        self.users = dict(
            user_model.objects.filter(**{f"{username}__in": names}).values_list(username, "pk")
        )
        matched = sorted(self.users)
        missing = sorted(names - set(self.users))
        new_users = []
        for name in missing:
            user = user_model(**{username: name, "is_active": False})
            user.set_unusable_password()
            new_users.append(user)
        user_model.objects.bulk_create(new_users, batch_size=BATCH_SIZE)
        self.users.update((getattr(user, username), user.pk) for user in new_users)
        return matched, missing

    def _resolve_years(self) -> None:
        years = set()
        for record in [self.document.plan_year, *self.document.plan_year_history]:
            years |= {v.year for _a, v in _references(record) if isinstance(v, (_Year, _External))}
        for section in SECTIONS:
            for records in (self.document.live, self.document.recorded):
                for record in records[section.key]:
                    years |= {
                        v.year for _a, v in _references(record) if isinstance(v, (_Year, _External))
                    }
        years.discard(self.document.year)
        self.other_years = dict(PlanYear.objects.filter(year__in=years).values_list("year", "pk"))

    # Ids.

    def _reserve(self) -> None:
        """Fresh ids for every object of the file, in the order of its refs."""
        for section in SECTIONS:
            refs = {record.ref for record in self._records_to_write(section, historical=False)}
            refs |= {record.ref for record in self._records_to_write(section, historical=True)}
            refs -= set(self.ids[section.key])
            ids = _reserve_ids(
                section.model, len(refs), recorded_in=[(section.history_model, "id")]
            )
            self.ids[section.key].update(zip(sorted(refs), ids, strict=True))

    def _resolve_external(self) -> None:
        wanted: set[_External] = set()
        for section in SECTIONS:
            for records in (self.document.live, self.document.recorded):
                for record in records[section.key]:
                    wanted |= {v for _a, v in _references(record) if isinstance(v, _External)}
        scopes: dict[tuple[str, int], list[int]] = {}
        for reference in wanted:
            year_id = self.other_years.get(reference.year)
            section = SECTION_BY_KEY[reference.section]
            if year_id is None or section.owner is None:
                self.external[reference] = None
                continue
            key = (reference.section, year_id)
            if key not in scopes:
                scopes[key] = _scope_ids(section, year_id)
            ids = scopes[key]
            self.external[reference] = ids[reference.ref - 1] if reference.ref <= len(ids) else None

    def _resolve(self, value: Any) -> Any:
        if isinstance(value, _Ref):
            return self.ids[value.section][value.ref]
        if isinstance(value, _External):
            return self.external[value]
        if isinstance(value, _Year):
            if value.year == self.document.year:
                return self.plan_year.pk if self.plan_year else None
            return self.other_years.get(value.year)
        if isinstance(value, _User):
            return self.users[value.name]
        return value

    def _resolved(self, record: _Record) -> dict[str, Any]:
        return {attname: self._resolve(value) for attname, value in record.values.items()}

    # Writing.

    def _write_live(self, section: Section) -> None:
        records = self._records_to_write(section, historical=False)
        model = section.model
        objects = []
        for record in records:
            values = self._resolved(record)
            values[model._meta.pk.attname] = self.ids[section.key][record.ref]
            if section.key == "nodes":
                values["tree_id"] = self.plan_year.pk
            objects.append((record, values, model(**values)))
        # A link to another year's object that is gone from the live table is dropped.
        for model_field in _fields(model, section.derived):
            if not model_field.is_relation or _target(model_field) in ("user", "year"):
                continue
            external = [
                obj
                for record, _values, obj in objects
                if isinstance(record.values[model_field.attname], _External)
            ]
            if external:
                present = set(
                    model_field.related_model.objects.filter(
                        pk__in=[getattr(obj, model_field.attname) for obj in external]
                    ).values_list("pk", flat=True)
                )
                for obj in external:
                    if getattr(obj, model_field.attname) not in present:
                        setattr(obj, model_field.attname, None)
        if section.key == "nodes":
            objects.sort(key=lambda item: item[1]["lft"])
        model.objects.bulk_create([obj for _r, _v, obj in objects], batch_size=BATCH_SIZE)
        timestamps = _auto_timestamp_fields(model)
        if timestamps and objects:
            for _record, values, obj in objects:
                for model_field in timestamps:
                    setattr(obj, model_field.attname, values[model_field.attname])
            model.objects.bulk_update(
                [obj for _r, _v, obj in objects],
                [model_field.name for model_field in timestamps],
                batch_size=BATCH_SIZE,
            )
        for m2m in _user_m2m_fields(model):
            through = m2m.remote_field.through
            source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
            rows = [
                through(
                    **{
                        f"{source}_id": self.ids[section.key][record.ref],
                        f"{target}_id": self.users[name],
                    }
                )
                for record in records
                for name in record.members[m2m.name]
            ]
            through.objects.bulk_create(rows, batch_size=BATCH_SIZE)

    def _write_history_of_plan_year(self) -> int:
        model = PlanYear.history.model
        rows = [
            model(**self._resolved(record), id=self.plan_year.pk)
            for record in self.document.plan_year_history
        ]
        model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        return len(rows)

    def _write_history(self, section: Section) -> int:
        records = self._records_to_write(section, historical=True)
        model = section.history_model
        rows = [
            model(**self._resolved(record), id=self.ids[section.key][record.ref])
            for record in records
        ]
        model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        for m2m, m2m_model in _history_m2m(section.model):
            source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
            through = m2m.remote_field.through
            # The membership rows' ids are recorded too; give each pair one that
            # the membership table never hands out to another pair.
            live = {
                (getattr(row, f"{source}_id"), getattr(row, f"{target}_id")): row.pk
                for row in through.objects.filter(**{f"{source}_id__in": {row.id for row in rows}})
            }
            pairs = sorted(
                {
                    (row.id, self.users[name])
                    for record, row in zip(records, rows, strict=True)
                    for name in record.members[m2m.name]
                }
                - set(live)
            )
            pair_ids = dict(
                zip(
                    pairs,
                    _reserve_ids(through, len(pairs), recorded_in=[(m2m_model, "id")]),
                    strict=True,
                )
            )
            pair_ids.update(live)
            m2m_rows = [
                m2m_model(
                    **{
                        "history_id": row.pk,
                        f"{source}_id": row.id,
                        f"{target}_id": self.users[name],
                        "id": pair_ids[(row.id, self.users[name])],
                    }
                )
                for record, row in zip(records, rows, strict=True)
                for name in record.members[m2m.name]
            ]
            m2m_model.objects.bulk_create(m2m_rows, batch_size=BATCH_SIZE)
        return len(rows)


# --- import: the entry points ----------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise BackupError(
        _("The file contains the number %(name)s, which JSON does not allow.") % {"name": name}
    )


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise BackupError(
                _("The file has the key “%(key)s” twice in one object.") % {"key": key[:100]}
            )
        result[key] = value
    return result


def _check_text(value: Any, path: str = "") -> None:
    """Refuse text that no database can store: NUL characters and lone surrogates."""
    stack = [(value, path or "/")]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise _fail(where, _("the text contains a NUL character."))
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise _fail(
                    where, _("the text contains characters that are not Unicode.")
                ) from None
        elif isinstance(item, dict):
            for key, child in item.items():
                stack.append((key, where))
                stack.append((child, f"{where}.{key}"[:200]))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{index}]"[:200]) for index, child in enumerate(item))


def parse_document(data: bytes) -> Any:
    """The JSON document in `data`, or a BackupError saying why it is not one."""
    if len(data) > MAX_FILE_SIZE:
        raise BackupError(
            _("The file is larger than %(limit)s MB, more than any plan year's backup.")
            % {"limit": MAX_FILE_SIZE // (1024 * 1024)}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BackupError(_("The file is not UTF-8 text, so it is not a backup.")) from None
    try:
        document = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise BackupError(
            _("The file is not valid JSON (line %(line)s, column %(column)s).")
            % {"line": error.lineno, "column": error.colno}
        ) from None
    except RecursionError:
        raise BackupError(_("The file is nested too deeply to be a backup.")) from None
    _check_text(document)
    return document


def read_backup_file(path: str | Path) -> bytes:
    """A backup file's bytes, refusing one above MAX_FILE_SIZE before reading it all."""
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_FILE_SIZE + 1)
    except OSError as error:
        raise BackupError(
            _("The file %(path)s could not be read: %(error)s")
            % {"path": path, "error": error.strerror or error}
        ) from None
    if len(data) > MAX_FILE_SIZE:
        raise BackupError(
            _("The file is larger than %(limit)s MB, more than any plan year's backup.")
            % {"limit": MAX_FILE_SIZE // (1024 * 1024)}
        )
    return data


def year_import(*, data: bytes, dry_run: bool = False) -> ImportResult:
    """Restore the plan year in the backup `data` into this database, or nothing.

    Everything is written in one transaction under the new year's tree lock;
    with `dry_run` it is all checked and then rolled back.
    """
    document = _Reader(parse_document(data)).read()
    try:
        with transaction.atomic():
            result = _Restorer(document).run()
            if dry_run:
                transaction.set_rollback(True)
    except (IntegrityError, DataError) as error:
        raise BackupError(
            _("The database refused the file's data, so nothing was imported: %(error)s")
            % {"error": str(error).strip().splitlines()[0] if str(error).strip() else "?"}
        ) from None
    return result
