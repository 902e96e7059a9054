"""The figures a Kolada import keeps for comparison (`KpiValue`): every gender of
the municipality's own values, of the comparison set chosen in the settings
(the whole country, municipality groups, similar municipalities) and of the
organisational units that indicators take their outcome from.

Only KPIs some indicator names are kept; the rest of a page is skipped by
`kolada_import` with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models.functions import Trim, Upper
from django.utils import timezone

from followup.indicatormodels import Indicator
from followup.koladamodels import KpiValue
from followup.koladareport import KoladaReport, KoladaValue

BATCH_SIZE = 2000


def comparison_areas() -> list[str]:
    """The areas compared with the municipality, in the order they are shown."""
    return list(
        dict.fromkeys([*settings.KOLADA_SIMILAR_MUNICIPALITIES, *settings.KOLADA_COMPARISON_AREAS])
    )


@dataclass(frozen=True)
class Linked:
    """The KPIs indicators name, and the units they take their values from."""

    kpis: frozenset[str]
    units: frozenset[str]


def linked_to(kpis: set[str]) -> Linked:
    """Which of `kpis` indicators name, and their units. One query."""
    found = (
        Indicator.objects.annotate(kpi_key=Upper(Trim("kolada_kpi")))
        .filter(kpi_key__in=kpis)
        .values_list("kpi_key", "kolada_ou")
        .distinct()
    )
    rows = list(found)
    return Linked(
        kpis=frozenset(kpi for kpi, _unit in rows),
        units=frozenset(unit.strip().upper() for _kpi, unit in rows if unit.strip()),
    )


def values_store(
    values: list[KoladaValue], *, linked: Linked, report: KoladaReport, dry_run: bool
) -> None:
    """Keep every gender of the values of linked KPIs for the municipality, its
    comparison set and linked units; count them in the report. One statement
    per batch of rows, whatever was there before."""
    areas = {report.municipality, *comparison_areas()}
    now = timezone.now()
    rows: dict[tuple[str, int, str, str], KpiValue] = {}
    for value in values:
        wanted = value.municipality in (linked.units if value.is_unit else areas)
        if not wanted or value.kpi not in linked.kpis:
            continue
        for gender, number in value.genders:
            key = (value.kpi, value.year, value.municipality, gender)
            rows.setdefault(
                key,
                KpiValue(
                    kpi=value.kpi,
                    year=value.year,
                    area=value.municipality,
                    gender=gender,
                    value=number,
                    updated_at=now,
                ),
            )
    report.compared = len(rows)
    if rows and not dry_run:
        if connection.vendor == "postgresql":
            _store_by_copy(list(rows.values()))
        else:
            KpiValue.objects.bulk_create(
                list(rows.values()),
                batch_size=BATCH_SIZE,
                update_conflicts=True,
                unique_fields=UNIQUE_FIELDS,
                update_fields=UPDATE_FIELDS,
            )


UNIQUE_FIELDS = ["kpi", "year", "area", "gender"]
UPDATE_FIELDS = ["value", "updated_at"]


def _store_by_copy(rows: list[KpiValue]) -> None:
    """On PostgreSQL: the rows COPYed into a temporary table, then inserted from it
    in one statement, each value that is already there written in place. A
    nightly fetch of the whole comparison set is some 100,000 values; building
    an INSERT of them through the ORM took several times as long. The values
    were checked and rounded to the field's places as they were read."""
    table = connection.ops.quote_name(KpiValue._meta.db_table)
    fields = [KpiValue._meta.get_field(name) for name in [*UNIQUE_FIELDS, *UPDATE_FIELDS]]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    unique = ", ".join(
        connection.ops.quote_name(KpiValue._meta.get_field(name).column) for name in UNIQUE_FIELDS
    )
    updates = ", ".join(
        f"{column} = EXCLUDED.{column}"
        for column in (
            connection.ops.quote_name(KpiValue._meta.get_field(name).column)
            for name in UPDATE_FIELDS
        )
    )
    with connection.cursor() as cursor:
        # Dropped at the commit; one left by an earlier call in the same
        # transaction is dropped first.
        cursor.execute(
            "DROP TABLE IF EXISTS pg_temp.kolada_incoming; "
            f"CREATE TEMPORARY TABLE kolada_incoming ON COMMIT DROP AS "
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        with cursor.copy(f"COPY kolada_incoming ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((row.kpi, row.year, row.area, row.gender, row.value, row.updated_at))
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM kolada_incoming "
            f"ON CONFLICT ({unique}) DO UPDATE SET {updates}"
        )
