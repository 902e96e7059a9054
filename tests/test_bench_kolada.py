"""The benchmark's Kolada import runs and keeps every value it reads
(bench/kolada.py); here on a few municipalities, in `make bench` on 290."""

from bench.kolada import KPIS, YEARS, kolada_import_timed, kolada_year_build
from followup.indicatormodels import IndicatorOutcome
from followup.koladamodels import KpiValue


def test_the_kolada_benchmark_imports_and_keeps_every_value(db):
    kolada_year_build()
    timing = kolada_import_timed(["1001", "1002"])
    assert timing.values == timing.stored == len(KPIS) * 3 * len(YEARS) * 3
    assert KpiValue.objects.count() == timing.stored
    assert IndicatorOutcome.objects.count() == len(KPIS)
