"""Bar charts drawn on the server as inline SVG: no script, and they print.

Each group (a perspective, a committee) gets a heading and one bar per status
of the scale, every bar labelled with its status and its count, so nothing is
told by colour alone; the fills still differ from white by at least 3:1
(WCAG 2.1, 1.4.11). The SVG has `role="img"` with a title and a description
that says it all in words, and the page puts a real table beside it.
"""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from followup.models import MISSING, ActivityStatus, GoalStatus, status_label
from followup.reports import Distribution

FILLS = {
    GoalStatus.MET: "#2e7d32",
    GoalStatus.PARTLY_MET: "#b26a00",
    GoalStatus.NOT_MET: "#c62828",
    GoalStatus.NOT_ASSESSED: "#6b6b6b",
    ActivityStatus.DONE: "#2e7d32",
    ActivityStatus.IN_PROGRESS: "#b26a00",
    ActivityStatus.NOT_STARTED: "#6b6b6b",
    ActivityStatus.CANCELLED: "#c62828",
    MISSING: "#8a8a8a",
}

WIDTH = 640
LABEL_WIDTH = 170
COUNT_WIDTH = 40
BAR_HEIGHT = 16
ROW_HEIGHT = 22
GROUP_GAP = 10
HEADING_HEIGHT = 24


def describe(groups: list[Distribution], scale: list[str]) -> str:
    """The chart in words: “Kramforsbon: met 3, partly met 1, …; Processer: …”."""
    return "; ".join(
        f"{group.label}: "
        + ", ".join(f"{status_label(status)} {group.counts[status]}" for status in scale)
        for group in groups
    )


def bar_chart(
    *, chart_id: str, title: str, groups: list[Distribution], scale: list[str]
) -> SafeString:
    """Horizontal bars, one per status of `scale` in each group, scaled to the
    largest count of the chart."""
    largest = max((group.counts[status] for group in groups for status in scale), default=0)
    bar_room = WIDTH - LABEL_WIDTH - COUNT_WIDTH
    height = sum(HEADING_HEIGHT + ROW_HEIGHT * len(scale) + GROUP_GAP for group in groups) or 30
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(describe(groups, scale))}</desc>',
    ]
    if not groups:
        parts.append(f'<text x="0" y="20">{escape(_("Nothing to show."))}</text>')
    y = 0
    for group in groups:
        parts.append(
            f'<text class="chart-group" x="0" y="{y + 17}" font-weight="700">'
            f"{escape(group.label)}</text>"
        )
        y += HEADING_HEIGHT
        for status in scale:
            count = group.counts[status]
            width = round(bar_room * count / largest) if largest else 0
            middle = y + BAR_HEIGHT / 2 + 5
            parts.append(
                f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end">'
                f"{escape(status_label(status))}</text>"
            )
            if width:
                parts.append(
                    f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" '
                    f'fill="{FILLS[status]}"></rect>'
                )
            parts.append(f'<text x="{LABEL_WIDTH + width + 6}" y="{middle}">{count}</text>')
            y += ROW_HEIGHT
        y += GROUP_GAP
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text in it is escaped above
