"""Reading the backup document: JSON into records, everything checked that needs
no database."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _

from followup.backup.checks import _check_references, _check_rules
from followup.backup.format import (
    _TYPE_NAMES,
    ADDED_IN_3,
    FORMAT,
    FORMAT_VERSION,
    MAX_FILE_SIZE,
    MAX_REF,
    SECTIONS,
    BackupError,
    _Document,
    _External,
    _fail,
    _fields,
    _history_fields,
    _history_m2m,
    _Record,
    _Ref,
    _target,
    _User,
    _user_m2m_fields,
    _username_field,
    _wrong_type,
    _Year,
)
from followup.jsonfile import check_size, read_json
from goals import rules
from goals.agendamodels import GLOBAL_GOAL_COUNT
from goals.models import (
    PlanYear,
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


# Sections added to format version 2 later: a file written before has none.
def _upgraded(raw: Any) -> Any:
    """A format version 1 or 2 document as version 3; anything else as it is."""
    if isinstance(raw, dict) and raw.get("format_version") == 1:
        raw = _upgraded_to_2(raw)
    if isinstance(raw, dict) and raw.get("format_version") == 2:
        raw = _upgraded_to_3(raw)
    return raw


def _upgraded_to_3(raw: dict) -> dict:
    """A format version 2 document as version 3: without the sections version 3
    added (format.ADDED_IN_3), which a version 2 file did not hold. Restored
    from one, the committees' approvals start in progress, and the year has no
    links, assignments or global goals."""
    raw = dict(raw, format_version=3)
    for key in ADDED_IN_3:
        raw.setdefault(key, [])
    if isinstance(raw.get("history"), dict):
        raw["history"] = {**{key: [] for key in ADDED_IN_3}, **raw["history"]}
    return raw


def _upgraded_to_2(raw: dict) -> dict:
    """A format version 1 document as version 2."""
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
        year_error = rules.plan_year_error(year)
        if year_error:
            raise _fail("plan_year", year_error)
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
        if target == "global_goal":
            if not isinstance(raw, int) or isinstance(raw, bool):
                raise _wrong_type(where, name, "global_goal")
            return _integer(raw, where, name, 1, GLOBAL_GOAL_COUNT)
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


# --- import: the entry points ----------------------------------------------------


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
    try:
        document = read_json(data, source=_("The file"), max_bytes=MAX_FILE_SIZE, unique_keys=True)
    except ValidationError as error:
        raise BackupError(" ".join(error.messages)) from None
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
    try:
        check_size(data, source=_("The file"), max_bytes=MAX_FILE_SIZE)
    except ValidationError as error:
        raise BackupError(" ".join(error.messages)) from None
    return data
