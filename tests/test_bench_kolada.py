"""The benchmark's Kolada import runs and keeps every value it reads
(bench/kolada.py); here on a few municipalities, in `make bench` on 290."""

import os

import pytest

from bench.kolada import KPIS, YEARS, kolada_import_timed, kolada_year_build
from followup.indicatormodels import IndicatorOutcome
from followup.koladamodels import KpiValue


def test_the_kolada_benchmark_imports_and_keeps_every_value(db):
    kolada_year_build()
    timing = kolada_import_timed(["1001", "1002"])
    assert timing.values == timing.stored == len(KPIS) * 3 * len(YEARS) * 3
    assert KpiValue.objects.count() == timing.stored
    assert IndicatorOutcome.objects.count() == len(KPIS)


@pytest.mark.skipif(
    not os.environ.get("KOLADA_BENCH_FULL"), reason="the full 100,000 values: KOLADA_BENCH_FULL=1"
)
def test_importing_100000_kolada_values_takes_under_ten_seconds(db):
    kolada_year_build()
    timing = kolada_import_timed()
    print(f"\n{timing}")
    assert timing.values > 100_000
    assert timing.first_ms < 10_000 and timing.again_ms < 10_000
