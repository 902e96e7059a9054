"""Writing a read document into the database: `year_import`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import DataError, IntegrityError, connection, models, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from followup import counts
from followup.backup.export import _scope_ids
from followup.backup.format import (
    BATCH_SIZE,
    SECTION_BY_KEY,
    SECTIONS,
    BackupError,
    Section,
    _auto_timestamp_fields,
    _Document,
    _External,
    _fields,
    _history_m2m,
    _Record,
    _Ref,
    _references,
    _target,
    _User,
    _user_m2m_fields,
    _username_field,
    _Year,
)
from followup.backup.reader import _Reader, parse_document
from goals.integrity import tree_problems
from goals.locking import tree_lock
from goals.models import (
    Committee,
    PlanYear,
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
    # "user (committee)" for each membership written, and for each left out
    # because it would give an existing user rights without being asked to.
    memberships_granted: list[str] = field(default_factory=list)
    memberships_withheld: list[str] = field(default_factory=list)


def _year_exists(year: int) -> BackupError:
    return BackupError(
        _("Plan year %(year)s already exists; an import never changes an existing year.")
        % {"year": year}
    )


class _Restorer:
    def __init__(self, document: _Document, *, grant_memberships: bool = False) -> None:
        self.document = document
        self.grant_memberships = grant_memberships
        self.existing_users: set[str] = set()
        self.memberships_granted: list[str] = []
        self.memberships_withheld: list[str] = []
        self.ids: dict[str, dict[int, int]] = {section.key: {} for section in SECTIONS}
        self.users: dict[str, int] = {}
        self.plan_year: PlanYear | None = None
        self.other_years: dict[int, int] = {}
        self.external: dict[_External, int | None] = {}
        self.reused_committees: set[int] = set()

    def run(self) -> ImportResult:
        document = self.document
        if PlanYear.objects.filter(year=document.year).exists():
            raise _year_exists(document.year)
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
            raise _year_exists(document.year) from None
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
            memberships_granted=self.memberships_granted,
            memberships_withheld=self.memberships_withheld,
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
        self.existing_users = set(matched)
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
            if not model_field.is_relation:
                continue
            if _target(model_field) in ("user", "year", "global_goal"):
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
            rows = []
            for record in records:
                for name in record.members[m2m.name]:
                    membership = f"{name} ({record.values.get('name', record.where)})"
                    if name in self.existing_users and not self.grant_memberships:
                        self.memberships_withheld.append(membership)
                        continue
                    self.memberships_granted.append(membership)
                    rows.append(
                        through(
                            **{
                                f"{source}_id": self.ids[section.key][record.ref],
                                f"{target}_id": self.users[name],
                            }
                        )
                    )
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


def year_import(
    *, data: bytes, dry_run: bool = False, grant_memberships: bool = False
) -> ImportResult:
    """Restore the plan year in the backup `data` into this database, or nothing.

    Everything is written in one transaction under the new year's tree lock;
    with `dry_run` it is all checked and then rolled back. A user of this
    database whose name the file lists among a new committee's members (its
    secretaries) becomes one only with `grant_memberships`: a name alone does
    not prove it is the same person. Users the import creates, inactive, get
    their memberships. Either way the result lists them.
    """
    document = _Reader(parse_document(data)).read()
    try:
        with transaction.atomic():
            result = _Restorer(document, grant_memberships=grant_memberships).run()
            if dry_run:
                transaction.set_rollback(True)
    except (IntegrityError, DataError) as error:
        raise BackupError(
            _("The database refused the file's data, so nothing was imported: %(error)s")
            % {"error": str(error).strip().splitlines()[0] if str(error).strip() else "?"}
        ) from None
    return result
