"""How a goal's Kolada-linked indicators compare: the municipality's value (or
its unit's) beside similar municipalities, their mean and the comparison areas
(the whole country, municipality groups), per gender, and where the
municipality ranks among the similar ones. Read from `KpiValue` in one query
whatever the number of indicators.

The year shown is the latest that has the municipality's value, up to the
indicator's plan year (Kolada's figures come a year or more late); without
one, the latest year with any value.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from followup.comparisonchart import comparison_chart
from followup.indicatormodels import Indicator, IndicatorDirection
from followup.indicators import format_value
from followup.koladamodels import Gender, KoladaArea, KpiValue, kolada_url
from followup.koladavalues import comparison_areas

# Years back from the plan year looked at for the latest value.
YEARS_BACK = 5
WHOLE_COUNTRY = "0000"


@dataclass
class AreaFigure:
    area: str
    label: str
    total: Decimal | None = None
    women: Decimal | None = None
    men: Decimal | None = None
    own: bool = False
    mean: bool = False

    @property
    def total_text(self) -> str:
        return format_value(self.total)

    @property
    def women_text(self) -> str:
        return format_value(self.women)

    @property
    def men_text(self) -> str:
        return format_value(self.men)


@dataclass
class Comparison:
    indicator: Indicator
    year: int
    own: AreaFigure
    similar: list[AreaFigure] = field(default_factory=list)
    similar_mean: AreaFigure | None = None
    areas: list[AreaFigure] = field(default_factory=list)
    rank: int | None = None
    ranked: int = 0
    divided_by_gender: bool = False

    @property
    def rows(self) -> list[AreaFigure]:
        """The table's rows: the municipality, the similar ones, their mean, the areas."""
        mean = [self.similar_mean] if self.similar_mean else []
        return [self.own, *self.similar, *mean, *self.areas]

    @property
    def summary(self) -> str:
        """ "Kramfors 66 · liknande kommuner 71 · riket 73"."""
        shown = [self.own, *([self.similar_mean] if self.similar_mean else []), *self.areas]
        return " · ".join(
            f"{each.label} {each.total_text}" for each in shown if each.total is not None
        )

    @property
    def chart(self) -> SafeString:
        """The comparison as an SVG bar chart (followup/comparisonchart.py)."""
        return comparison_chart(self, chart_id=f"comparison-chart-{self.indicator.pk}")

    @property
    def report_text(self) -> str:
        """The summary with its year, rank and source, for reports and exports."""
        details = [str(self.year)]
        if self.rank:
            details.append(
                _("place %(rank)s of %(ranked)s among the similar municipalities")
                % {"rank": self.rank, "ranked": self.ranked}
            )
        details.append(_("source: Kolada"))
        return f"{self.summary} ({', '.join(details)})"

    @property
    def kolada_url(self) -> str:
        return kolada_url(
            self.indicator.kolada_kpi.strip().upper(), settings.KOLADA_MUNICIPALITY_ID
        )


def comparisons_for(indicators: list[Indicator], plan_year: int) -> dict[int, Comparison]:
    """The comparison of each Kolada-linked indicator, by indicator id. One query,
    none without such indicators."""
    linked = [each for each in indicators if each.kolada_kpi.strip()]
    if not linked:
        return {}
    own_area = settings.KOLADA_MUNICIPALITY_ID
    units = {each.kolada_ou.strip().upper() for each in linked if each.kolada_ou.strip()}
    areas = {own_area, *comparison_areas(), *units}
    values = _values({each.kolada_kpi.strip().upper() for each in linked}, areas, plan_year)
    found = {}
    for indicator in linked:
        comparison = _comparison(indicator, values)
        if comparison is not None:
            found[indicator.pk] = comparison
    return found


# (kpi, year, area) -> {gender: value}, and area -> its name
_Values = tuple[dict[tuple[str, int, str], dict[str, Decimal | None]], dict[str, str]]


def _values(kpis: set[str], areas: set[str], plan_year: int) -> _Values:
    rows = (
        KpiValue.objects.filter(
            kpi__in=kpis,
            area__in=areas,
            year__gte=plan_year - YEARS_BACK,
            year__lte=plan_year,
        )
        .annotate(
            area_title=Subquery(KoladaArea.objects.filter(pk=OuterRef("area")).values("title")[:1])
        )
        .values_list("kpi", "year", "area", "gender", "value", "area_title")
    )
    by_key: dict[tuple[str, int, str], dict[str, Decimal | None]] = defaultdict(dict)
    names: dict[str, str] = {}
    for kpi, year, area, gender, value, title in rows:
        by_key[(kpi, year, area)][gender] = value
        if title:
            names[area] = title
    return by_key, names


def _figure(values: _Values, kpi: str, year: int, area: str, label: str, **flags) -> AreaFigure:
    genders = values[0].get((kpi, year, area), {})
    return AreaFigure(
        area=area,
        label=values[1].get(area) or label,
        total=genders.get(Gender.TOTAL),
        women=genders.get(Gender.WOMEN),
        men=genders.get(Gender.MEN),
        **flags,
    )


def _year_shown(values: _Values, kpi: str, own: str) -> int | None:
    years = [year for (each, year, area) in values[0] if each == kpi]
    ours = [year for (each, year, area) in values[0] if each == kpi and area == own]
    if ours:
        return max(ours)
    return max(years) if years else None


def _comparison(indicator: Indicator, values: _Values) -> Comparison | None:
    kpi = indicator.kolada_kpi.strip().upper()
    unit = indicator.kolada_ou.strip().upper()
    own_area = unit or settings.KOLADA_MUNICIPALITY_ID
    year = _year_shown(values, kpi, own_area)
    if year is None:
        return None
    own_label = unit or settings.MUNICIPALITY_NAME
    comparison = Comparison(
        indicator=indicator,
        year=year,
        own=_figure(values, kpi, year, own_area, own_label, own=True),
    )
    if unit:  # a unit is compared with its own municipality as well
        comparison.areas.append(
            _figure(values, kpi, year, settings.KOLADA_MUNICIPALITY_ID, settings.MUNICIPALITY_NAME)
        )
    comparison.similar = [
        _figure(values, kpi, year, area, area) for area in settings.KOLADA_SIMILAR_MUNICIPALITIES
    ]
    comparison.similar_mean = _mean(comparison.similar)
    comparison.areas += [
        _figure(values, kpi, year, area, _("the whole country") if area == WHOLE_COUNTRY else area)
        for area in settings.KOLADA_COMPARISON_AREAS
    ]
    comparison.divided_by_gender = any(
        each.women is not None or each.men is not None for each in comparison.rows
    )
    _rank(comparison)
    return comparison


def _mean(similar: list[AreaFigure]) -> AreaFigure | None:
    def mean(numbers: list[Decimal | None]) -> Decimal | None:
        present = [Decimal(each) for each in numbers if each is not None]
        return (sum(present) / len(present)).quantize(Decimal("0.1")) if present else None

    if not similar:
        return None
    return AreaFigure(
        area="",
        label=_("similar municipalities"),
        total=mean([each.total for each in similar]),
        women=mean([each.women for each in similar]),
        men=mean([each.men for each in similar]),
        mean=True,
    )


def _rank(comparison: Comparison) -> None:
    """Where the municipality (or unit) ranks among the similar municipalities, best first."""
    if comparison.own.total is None or not comparison.similar:
        return
    others = [each.total for each in comparison.similar if each.total is not None]
    lower_is_better = comparison.indicator.direction == IndicatorDirection.LOWER_IS_BETTER
    better = [
        each
        for each in others
        if (each < comparison.own.total if lower_is_better else each > comparison.own.total)
    ]
    comparison.rank = len(better) + 1
    comparison.ranked = len(others) + 1
