"""The röd tråd: a plan year's whole tree with each node's status in one period.

The tree comes in tree order (depth-first) in one query and the period's
statuses in one more; filtering, the counts per perspective and the nested
HTML are then built in one pass over the rows. The HTML is written with
`str.join` rather than a template loop: for ten thousand nodes the template
engine, not the database, would be the cost (see docs/performance.md).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html import escape

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from followup.models import MISSING, STATUS_ORDER, status_label
from followup.rollup import DistributionText, descendant_counts
from goals.models import ASSESSABLE_KINDS, NodeKind, TreeRow

__all__ = ["MISSING", "STATUS_ORDER", "build_red_thread", "status_label"]


@dataclass
class PerspectiveSummary:
    id: int
    title: str
    counts: Counter[str] = field(default_factory=Counter)

    def items(self) -> list[tuple[str, str, int]]:
        """(status, label, count) in the scale's order, statuses with no nodes left out."""
        return [
            (status, status_label(status), self.counts[status])
            for status in STATUS_ORDER
            if self.counts[status]
        ]


@dataclass
class RedThread:
    html: str
    shown: int
    total: int
    perspectives: list[PerspectiveSummary]


@dataclass(frozen=True)
class RedThreadFilter:
    committee_id: int | None = None
    status: str | None = None
    perspective_id: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.committee_id or self.status or self.perspective_id)


def build_red_thread(
    rows: list[TreeRow],
    statuses: dict[int, str],
    committee_labels: dict[int, str],
    filters: RedThreadFilter,
) -> RedThread:
    effective = [_effective_status(row, statuses) for row in rows]
    included = _select(rows, effective, filters)
    perspectives = _summaries(rows, effective, included, filters)
    # Each node's whole subtree, whatever the filters show of it.
    rollups = descendant_counts(rows, effective)
    html = _render(rows, effective, included, committee_labels, rollups)
    return RedThread(
        html=html,
        shown=sum(included),
        total=len(rows),
        perspectives=perspectives,
    )


def _effective_status(row: TreeRow, statuses: dict[int, str]) -> str | None:
    if row.kind not in ASSESSABLE_KINDS:
        return None
    return statuses.get(row.id, MISSING)


def _select(
    rows: list[TreeRow], effective: list[str | None], filters: RedThreadFilter
) -> list[bool]:
    """Which rows to show: those matching every filter, and their ancestors for context."""
    if not filters.active:
        return [True] * len(rows)
    included = [False] * len(rows)
    stack: list[int] = []  # indices of the current row's ancestors
    perspective_rght: int | None = None
    perspective_lft: int | None = None
    for index, row in enumerate(rows):
        while stack and rows[stack[-1]].rght < row.lft:
            stack.pop()
        if filters.perspective_id and row.id == filters.perspective_id:
            perspective_lft, perspective_rght = row.lft, row.rght
        matches = True
        if filters.perspective_id:
            matches = perspective_lft is not None and perspective_lft <= row.lft <= perspective_rght
        if matches and filters.committee_id:
            matches = row.committee_id == filters.committee_id
        if matches and filters.status:
            matches = effective[index] == filters.status
        if matches:
            included[index] = True
            for ancestor in reversed(stack):
                if included[ancestor]:
                    break
                included[ancestor] = True
        stack.append(index)
    return included


def _summaries(
    rows: list[TreeRow],
    effective: list[str | None],
    included: list[bool],
    filters: RedThreadFilter,
) -> list[PerspectiveSummary]:
    """Status counts per perspective over the nodes shown."""
    summaries: list[PerspectiveSummary] = []
    current: PerspectiveSummary | None = None
    current_rght = -1
    for index, row in enumerate(rows):
        if row.kind == NodeKind.PERSPECTIVE:
            current = PerspectiveSummary(id=row.id, title=row.title)
            current_rght = row.rght
            if not filters.perspective_id or filters.perspective_id == row.id:
                summaries.append(current)
            continue
        status = effective[index]
        in_perspective = current is not None and row.lft < current_rght
        if in_perspective and status is not None and included[index]:
            current.counts[status] += 1
    return summaries


def _render(
    rows: list[TreeRow],
    effective: list[str | None],
    included: list[bool],
    committee_labels: dict[int, str],
    rollups: list[dict[str, int] | None],
) -> str:
    kind_labels = {value: str(label) for value, label in NodeKind.choices}
    status_labels = {status: escape(status_label(status)) for status in STATUS_ORDER}
    status_prefix = escape(_("Status:"))
    committee_prefix = escape(_("Committee:"))
    rollup_prefix = escape(_("Underlying:"))
    distribution = DistributionText(
        lambda text: f' <span class="rollup">{rollup_prefix} {escape(text)}</span>'
    )
    # One reverse() for the pattern, then string substitution per row.
    url_pattern = reverse("node_detail", kwargs={"pk": 987654321}).replace("987654321", "{}")

    # How many shown children each shown node has, for the toggles.
    shown_children: Counter[int] = Counter()
    for index, row in enumerate(rows):
        if included[index] and row.parent_id is not None:
            shown_children[row.parent_id] += 1

    out: list[str] = ['<ul class="tree" role="list">']
    open_levels: list[int] = []  # levels whose <li><details><ul> are still open
    for index, row in enumerate(rows):
        if not included[index]:
            continue
        while open_levels and open_levels[-1] >= row.level:
            open_levels.pop()
            out.append("</ul></details></li>")
        title = escape(row.title)
        parts = [
            f'<li class="node node--{row.kind}">',
            f'<div class="node-row"><span class="kind">{escape(kind_labels[row.kind])}</span> ',
            f'<a href="{url_pattern.format(row.id)}">{title}</a>',
        ]
        if row.committee_id is not None:
            parts.append(
                f' <span class="committee"><span class="visually-hidden">{committee_prefix} '
                f"</span>{escape(committee_labels.get(row.committee_id, ''))}</span>"
            )
        status = effective[index]
        if status is not None:
            parts.append(
                f' <span class="badge badge--{status}"><span class="visually-hidden">'
                f"{status_prefix} </span>{status_labels[status]}</span>"
            )
        rollup = rollups[index]
        if rollup:
            parts.append(distribution(rollup))
        parts.append("</div>")
        children = shown_children[row.id]
        if children:
            label = escape(
                ngettext("%(count)d underlying item", "%(count)d underlying items", children)
                % {"count": children}
            )
            parts.append(
                f'<details open><summary>{label}<span class="visually-hidden"> – {title}'
                '</span></summary><ul role="list">'
            )
            open_levels.append(row.level)
        else:
            parts.append("</li>")
        out.append("".join(parts))
    out.extend("</ul></details></li>" for _level in open_levels)
    out.append("</ul>")
    return "".join(out)
