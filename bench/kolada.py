"""The benchmark's Kolada import: 100,000 values (entries of a data page, each
with women, men and total) for a comparison set of every municipality, read,
checked and written by `kolada_import` as an upload or a nightly fetch would.

Timed twice: the first import writes every value, the second finds every one
already there and writes them again in place (the nightly case).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal

from django.test.utils import override_settings

KOLADA_YEAR = 2790  # the plan year the values' KPIs hang on
KPIS = [f"N{90000 + number}" for number in range(12)]
YEARS = list(range(KOLADA_YEAR - 9, KOLADA_YEAR + 1))
# 290 municipalities besides the bench's own: the whole country as a comparison set.
MUNICIPALITIES = [f"{1000 + number:04d}" for number in range(290)]
OWN = "2282"


@dataclass
class KoladaTiming:
    values: int
    stored: int
    first_ms: float
    again_ms: float
    queries: int


def kolada_pages(municipalities: list[str] = MUNICIPALITIES) -> list[dict]:
    """Pages as Kolada answers, 5,000 entries a page; 12 KPIs × 291 areas × 10 years,
    three genders each: 104,760 values."""
    entries = []
    for kpi_number, kpi in enumerate(KPIS):
        for area_number, area in enumerate([OWN, *municipalities]):
            for year in YEARS:
                total = Decimal(50 + (kpi_number * 7 + area_number * 3 + year) % 40)
                entries.append(
                    {
                        "kpi": kpi,
                        "municipality": area,
                        "period": year,
                        "values": [
                            {"gender": "K", "count": 1, "status": "", "value": total + 1},
                            {"gender": "M", "count": 1, "status": "", "value": total - 1},
                            {"gender": "T", "count": 1, "status": "", "value": total},
                        ],
                    }
                )
    size = 5000
    return [
        {"count": len(entries), "values": entries[start : start + size], "next_url": None}
        for start in range(0, len(entries), size)
    ]


def kolada_year_build():
    """A plan year with an annual period and an indicator for each KPI."""
    from followup.indicatormodels import Indicator
    from followup.models import Period, PeriodKind
    from goals import services
    from goals.models import NodeKind

    plan_year = services.plan_year_create(year=KOLADA_YEAR)
    cutoff, deadline = Period.default_dates(PeriodKind.ANNUAL, KOLADA_YEAR)
    Period.objects.create(
        plan_year=plan_year, kind=PeriodKind.ANNUAL, cutoff_date=cutoff, deadline=deadline
    )
    node = None
    for kind, title in [
        (NodeKind.VISION, "Vision"),
        (NodeKind.PERSPECTIVE, "Kramforsbon"),
        (NodeKind.DIRECTION_GOAL, "Inriktning"),
        (NodeKind.MUNICIPAL_GOAL, "Mål med nyckeltal från Kolada"),
    ]:
        node = services.node_create(plan_year=plan_year, parent=node, kind=kind, title=title)
    Indicator.objects.bulk_create(
        [Indicator(node=node, name=f"Nyckeltal {kpi}", target=70, kolada_kpi=kpi) for kpi in KPIS]
    )
    return plan_year


def kolada_import_timed(municipalities: list[str] = MUNICIPALITIES) -> KoladaTiming:
    from bench.run import _counted
    from followup.kolada import kolada_import
    from followup.koladamodels import KpiValue

    pages = kolada_pages(municipalities)
    values = sum(len(entry["values"]) for page in pages for entry in page["values"])
    with override_settings(
        KOLADA_MUNICIPALITY_ID=OWN,
        KOLADA_SIMILAR_MUNICIPALITIES=municipalities,
        KOLADA_COMPARISON_AREAS=["0000"],
    ):
        started = time.perf_counter()
        with _counted() as counter:
            report = kolada_import(pages=pages)
        first_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        kolada_import(pages=pages)
        again_ms = (time.perf_counter() - started) * 1000
    stored = KpiValue.objects.count()
    if report.compared != stored or report.created != len(KPIS):
        raise RuntimeError(
            f"The Kolada import kept {report.compared} values, {stored} stored, "
            f"{report.created} outcomes (expected {len(KPIS)})."
        )
    return KoladaTiming(values, stored, first_ms, again_ms, counter.count)
