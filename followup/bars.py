"""The stacked bar: how a set of goals or activities divides over the statuses,
as one thin bar drawn in SVG with the same figures in words beside it.

The SVG is decoration for sighted readers (`aria-hidden`); the text says
everything the bar shows, so nothing is told by colour alone (WCAG 1.4.1),
and a screen reader reads the text. Segments are in the scale's order and
sized by share; no inline style is used, so the page's Content-Security-Policy
holds. Many bars in a big tree share their counts: `StackedBars` renders each
distinct one once.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from followup.charts import FILLS
from followup.models import MISSING, ActivityStatus, GoalStatus, status_label

GOAL_SCALE: list[str] = [
    GoalStatus.MET,
    GoalStatus.PARTLY_MET,
    GoalStatus.NOT_MET,
    GoalStatus.NOT_ASSESSED,
    MISSING,
]
ACTIVITY_SCALE: list[str] = [
    ActivityStatus.DONE,
    ActivityStatus.IN_PROGRESS,
    ActivityStatus.NOT_STARTED,
    ActivityStatus.CANCELLED,
    MISSING,
]

# The bar's own coordinates; CSS sets its size on the page.
_WIDTH = 100
_HEIGHT = 8


def split_counts(counts: Mapping[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """A mixed count of goal and activity statuses, split. "Not reported" is
    shared by both scales and cannot be split here: callers that need it for
    each count it on its own (see `followup.dashboard`)."""
    goals = {status: counts.get(status, 0) for status in GOAL_SCALE if status != MISSING}
    activities = {status: counts.get(status, 0) for status in ACTIVITY_SCALE if status != MISSING}
    return goals, activities


def bar_text(
    counts: Mapping[str, int], scale: list[str], labels: Mapping[str, str] | None = None
) -> str:
    """“3 met · 1 partly met”: every status with a count, in the scale's order."""
    labels = labels or {status: status_label(status) for status in scale}
    return " · ".join(
        f"{counts[status]} {labels[status]}" for status in scale if counts.get(status)
    )


def stacked_bar(counts: Mapping[str, int], scale: list[str], *, label: str) -> SafeString:
    """One bar with its text, `label` (“Goals”, “Activities”) first; nothing when
    there is nothing to count."""
    return _markup(counts, scale, escape(label), {status: status_label(status) for status in scale})


def _markup(
    counts: Mapping[str, int], scale: list[str], label_html: str, labels: Mapping[str, str]
) -> SafeString:
    total = sum(counts.get(status, 0) for status in scale)
    if not total:
        return mark_safe("")
    # Whole units of a bar a hundred wide: small markup, and a tree has many bars.
    rects = []
    done = 0
    edge = 0
    for status in scale:
        count = counts.get(status, 0)
        if not count:
            continue
        done += count
        end = round(_WIDTH * done / total)
        if end > edge:
            rects.append(
                f'<rect x="{edge}" width="{end - edge}" height="{_HEIGHT}" fill="{FILLS[status]}"/>'
            )
        edge = end
    return mark_safe(
        '<span class="stack">'
        f'<svg class="stack__bar" viewBox="0 0 {_WIDTH} {_HEIGHT}" preserveAspectRatio="none" '
        f'aria-hidden="true">{"".join(rects)}</svg>'
        f'<span class="stack__text"><span class="stack__label">{label_html}:</span> '
        f"{escape(bar_text(counts, scale, labels))}</span></span>"
    )


class StackedBars:
    """`stacked_bar` for many counts, each distinct count rendered once and the
    labels translated once: a big tree has hundreds of distinct bars."""

    def __init__(self, scale: list[str], label: str) -> None:
        self.scale = scale
        self.label_html = escape(label)
        self.labels = {status: status_label(status) for status in scale}
        self._made: dict[tuple[int, ...], str] = {}

    def __call__(self, counts: Mapping[str, int]) -> str:
        key = tuple(counts.get(status, 0) for status in self.scale)
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = _markup(counts, self.scale, self.label_html, self.labels)
        return made


def goal_bar(counts: Mapping[str, int]) -> SafeString:
    return stacked_bar(counts, GOAL_SCALE, label=_("Goals"))


def activity_bar(counts: Mapping[str, int]) -> SafeString:
    return stacked_bar(counts, ACTIVITY_SCALE, label=_("Activities"))
