"""The demo's Kolada figures: the KPI list, municipality names and values for
the municipality, similar municipalities and the whole country, from the files
in `followup/demodata/`, imported as an upload would be.

The files' latest year is moved to the demo's plan year (with the years before
it), so the demo compares whatever year it is loaded for. Loading again changes
nothing more.
"""

from __future__ import annotations

import copy
from pathlib import Path

from followup import kolada, koladameta
from followup.indicatormodels import Indicator
from followup.koladamodels import KoladaKpi
from goals.models import PlanYear

DATA = Path(__file__).resolve().parent / "demodata"
LATEST_YEAR_IN_FILES = 2026


def _page(name: str) -> object:
    return kolada.decode_page((DATA / name).read_bytes(), source=name)


def _moved_to(page: object, year: int) -> object:
    moved = copy.deepcopy(page)
    for value in moved["values"]:
        value["period"] += year - LATEST_YEAR_IN_FILES
    return moved


def demo_kolada_load(*, plan_year: PlanYear) -> kolada.KoladaReport:
    """Kolada's lists and the demo's values; the demo indicators get Kolada's definitions."""
    koladameta.kpi_list_import(pages=[_page("kolada_kpi.json")])
    koladameta.area_list_import(pages=[_page("kolada_municipality.json")])
    report = kolada.kolada_import(pages=[_moved_to(_page("kolada_values.json"), plan_year.year)])
    definitions = dict(KoladaKpi.objects.values_list("id", "description"))
    for indicator in (
        Indicator.objects.for_year(plan_year).filter(definition="").exclude(kolada_kpi="")
    ):
        if definitions.get(indicator.kolada_kpi):
            indicator.definition = definitions[indicator.kolada_kpi]
            indicator.save(update_fields=["definition"])
    return report
