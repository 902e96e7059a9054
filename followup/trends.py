"""An indicator's outcomes over periods and years, as a small line chart.

A new plan year copies each goal's indicators, and each copy remembers its
original (`Indicator.copied_from`); following that chain back gives the same
indicator in each earlier year. `indicator_trends` reads the chains of all a
goal's indicators and their outcomes in the periods the reader may see in one
recursive query, bounded by `settings.EARLIER_YEARS_SHOWN`.

The chart is SVG drawn on the server: the outcomes as a line with points, the
target as a dashed line, the baseline as a dotted one. It is an image with a
title and a description in words, and the page puts the same values in a
table beside it, so nothing depends on seeing it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from django.conf import settings
from django.db import connection
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.models import Period
from goals.models import PlanYear
from goals.permissions import can_see_unpublished

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 44, 10, 10, 34
OUTCOME_COLOUR = "#0b4f8a"
TARGET_COLOUR = "#135e1c"
BASELINE_COLOUR = "#555555"


@dataclass
class Point:
    label: str  # the period, as "Delårsrapport 2026"
    cutoff: datetime.date
    value: Decimal


@dataclass
class IndicatorTrend:
    indicator: Indicator
    points: list[Point] = field(default_factory=list)

    def text(self, value: Decimal | None) -> str:
        if value is None:
            return "–"
        unit = f" {self.indicator.unit}" if self.indicator.unit else ""
        return f"{number_format(value.normalize(), use_l10n=True)}{unit}"

    @property
    def target_text(self) -> str:
        return self.text(self.indicator.target)

    @property
    def baseline_text(self) -> str:
        return self.text(self.indicator.baseline)

    @property
    def rows(self) -> list[tuple[str, str]]:
        return [(point.label, self.text(point.value)) for point in self.points]

    @property
    def chart(self) -> SafeString:
        return line_chart(self)


def indicator_trends(indicators: list[Indicator], user) -> list[IndicatorTrend]:
    """Each indicator with its outcomes, in this year and the years its chain of
    copies reaches back to, oldest first. One query."""
    if not indicators:
        return []
    trends = {indicator.pk: IndicatorTrend(indicator) for indicator in indicators}
    for start_id, label_kind, title, cutoff, year, value in _outcomes(
        list(trends), published_only=not can_see_unpublished(user)
    ):
        label = title or f"{_kind_label(label_kind)} {cutoff.year if cutoff else year}"
        trends[start_id].points.append(Point(label, _date(cutoff), Decimal(str(value))))
    for trend in trends.values():
        trend.points.sort(key=lambda point: point.cutoff)
    return list(trends.values())


def _kind_label(kind: str) -> str:
    from followup.models import PeriodKind

    return str(PeriodKind(kind).label)


def _date(value) -> datetime.date:
    # SQLite returns the raw SQL's dates as text.
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _outcomes(indicator_ids: list[int], *, published_only: bool) -> list[tuple]:
    quote = connection.ops.quote_name
    indicators = quote(Indicator._meta.db_table)
    outcomes = quote(IndicatorOutcome._meta.db_table)
    periods = quote(Period._meta.db_table)
    plan_years = quote(PlanYear._meta.db_table)
    placeholders = ", ".join(["%s"] * len(indicator_ids))
    sql = (
        "WITH RECURSIVE chain(start_id, id, copied_from_id, depth) AS ("
        f" SELECT id, id, copied_from_id, 0 FROM {indicators} WHERE id IN ({placeholders})"
        " UNION ALL"
        " SELECT chain.start_id, earlier.id, earlier.copied_from_id, chain.depth + 1"
        f" FROM {indicators} earlier JOIN chain ON earlier.id = chain.copied_from_id"
        " WHERE chain.depth < %s)"
        " SELECT chain.start_id, p.kind, p.title, p.cutoff_date, y.year, o.value"
        f" FROM chain JOIN {outcomes} o ON o.indicator_id = chain.id"
        f" JOIN {periods} p ON p.id = o.period_id"
        f" JOIN {plan_years} y ON y.id = p.plan_year_id"
    )
    if published_only:
        sql += " WHERE p.published_at IS NOT NULL"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*indicator_ids, settings.EARLIER_YEARS_SHOWN])
        return cursor.fetchall()


def line_chart(trend: IndicatorTrend) -> SafeString:
    """The outcomes as a line over the periods, with the target and the baseline."""
    indicator = trend.indicator
    chart_id = f"trend-{indicator.pk}"
    values = [point.value for point in trend.points]
    levels = [*values, indicator.target]
    if indicator.baseline is not None:
        levels.append(indicator.baseline)
    low, high = min(levels), max(levels)
    if low == high:
        low, high = low - 1, high + 1
    span = high - low
    low, high = low - span * Decimal("0.1"), high + span * Decimal("0.1")
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    def y(value: Decimal) -> float:
        return round(TOP + plot_height * float((high - value) / (high - low)), 1)

    count = len(trend.points)

    def x(index: int) -> float:
        if count == 1:
            return LEFT + plot_width / 2
        return round(LEFT + plot_width * index / (count - 1), 1)

    description = _describe(trend)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" id="{chart_id}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">',
        f'<title id="{chart_id}-title">{escape(indicator.name)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="#6b6b6b"></line>',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#6b6b6b"></line>',
    ]
    for value, colour, dash, name in (
        (indicator.target, TARGET_COLOUR, "6 4", _("target")),
        (indicator.baseline, BASELINE_COLOUR, "2 3", _("baseline")),
    ):
        if value is None:
            continue
        parts.append(
            f'<line x1="{LEFT}" y1="{y(value)}" x2="{WIDTH - RIGHT}" y2="{y(value)}" '
            f'stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"></line>'
            f'<text x="{LEFT - 4}" y="{y(value) + 4}" text-anchor="end" fill="{colour}">'
            f"{escape(_short(value))}</text>"
            f'<text x="{WIDTH - RIGHT}" y="{y(value) - 4}" text-anchor="end" fill="{colour}">'
            f"{escape(name)}</text>"
        )
    if trend.points:
        path = " ".join(f"{x(index)},{y(point.value)}" for index, point in enumerate(trend.points))
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{OUTCOME_COLOUR}" '
            'stroke-width="2.5"></polyline>'
        )
        for index, point in enumerate(trend.points):
            parts.append(
                f'<circle cx="{x(index)}" cy="{y(point.value)}" r="4" fill="{OUTCOME_COLOUR}">'
                "</circle>"
            )
        for index in {0, count - 1}:
            point = trend.points[index]
            anchor = "start" if index == 0 and count > 1 else "end" if count > 1 else "middle"
            parts.append(
                f'<text x="{x(index)}" y="{HEIGHT - BOTTOM + 16}" text-anchor="{anchor}">'
                f"{escape(point.label)}</text>"
            )
    else:
        parts.append(
            f'<text x="{LEFT + 8}" y="{HEIGHT - BOTTOM - 8}">{escape(_("No outcomes yet."))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text in it is escaped above


def _short(value: Decimal) -> str:
    return number_format(value.normalize(), use_l10n=True)


def _describe(trend: IndicatorTrend) -> str:
    """The chart in words, for those who cannot see it."""
    outcomes = "; ".join(f"{label}: {text}" for label, text in trend.rows) or _("no outcomes yet")
    parts = [
        _("Outcomes: %(outcomes)s.") % {"outcomes": outcomes},
        _("Target: %(target)s.") % {"target": trend.target_text},
    ]
    if trend.indicator.baseline is not None:
        parts.append(_("Baseline: %(baseline)s.") % {"baseline": trend.baseline_text})
    return " ".join(parts)
