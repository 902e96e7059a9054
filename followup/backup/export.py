"""Writing one plan year as the backup document: `year_export`."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models import Q

from followup.backup.format import (
    FORMAT,
    FORMAT_VERSION,
    SECTION_BY_KEY,
    SECTIONS,
    BackupError,
    Section,
    _fields,
    _history_fields,
    _history_m2m,
    _target,
    _user_m2m_fields,
    _username_field,
)
from goals import rules
from goals.models import (
    Committee,
    PlanYear,
)

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
        # The committees that the year's rows name (nodes, approvals,
        # assignments), now or in their history: a handful, so a list of ids
        # will do.
        committee_ids = {
            row[field.attname]
            for section in SECTIONS
            if section.key != "committees"
            for field in section.model._meta.concrete_fields
            if field.is_relation and field.related_model is Committee
            for row in self.live[section.key] + self.recorded[section.key]
            if row[field.attname] is not None
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
                    elif target == "global_goal":
                        continue  # written as its number
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
        if target == "global_goal":
            return value
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
            raise BackupError(rules.missing_plan_year_error(year))
        document = _Exporter(plan_year).document()
    text = json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False)
    return (text + "\n").encode("utf-8")
