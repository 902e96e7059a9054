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
        KpiValue.objects.bulk_create(
            list(rows.values()),
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["kpi", "year", "area", "gender"],
            update_fields=["value", "updated_at"],
        )
