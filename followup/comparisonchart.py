"""A Kolada comparison as a bar chart in inline SVG, beside its table: one bar per
area (the municipality, the similar municipalities, their mean, the country),
and where the KPI is divided by gender a bar each for the total, women and men. Every bar
is labelled with its area and value, so nothing is told by colour alone."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from followup.indicators import format_value

if TYPE_CHECKING:
    from followup.comparisons import Comparison

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 60
BAR_HEIGHT = 14
ROW_HEIGHT = 20
OWN_FILL = "#0b4f8a"  # 8.6:1 on white
OTHER_FILL = "#6b6b6b"  # 5.3:1 on white


def _bars(comparison: Comparison) -> list[tuple[str, Decimal, bool]]:
    """(label, value, the municipality's own) of each bar, in the table's order."""
    bars = []
    for row in comparison.rows:
        if comparison.divided_by_gender:
            genders = ((_("total"), row.total), (_("women"), row.women), (_("men"), row.men))
            for label, value in genders:
                if value is not None:
                    bars.append((f"{row.label}, {label}", Decimal(value), row.own))
        elif row.total is not None:
            bars.append((row.label, Decimal(row.total), row.own))
    return bars


def comparison_chart(comparison: Comparison, *, chart_id: str) -> SafeString:
    bars = _bars(comparison)
    if not bars:
        return mark_safe("")
    largest = max(abs(value) for _label, value, _own in bars) or Decimal(1)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = ROW_HEIGHT * len(bars) + 6
    title = _("%(name)s in %(year)s, compared") % {
        "name": comparison.indicator.name,
        "year": comparison.year,
    }
    description = "; ".join(f"{label} {format_value(value)}" for label, value, _own in bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for number, (label, value, own) in enumerate(bars):
        y = number * ROW_HEIGHT + 3
        middle = y + BAR_HEIGHT / 2 + 5
        width = round(room * max(value, Decimal(0)) / largest)
        weight = ' font-weight="700"' if own else ""
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end"{weight}>'
            f"{escape(label)}</text>"
        )
        if width:
            fill = OWN_FILL if own else OTHER_FILL
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" '
                f'fill="{fill}"></rect>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + width + 6}" y="{middle}"{weight}>'
            f"{escape(format_value(value))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text in it is escaped above
