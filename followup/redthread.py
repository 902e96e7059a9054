"""The röd tråd: a plan year's whole tree with each node's status in one period.

The tree comes in tree order (depth-first) in one query and the period's
statuses in one more; filtering, the counts per perspective and the nested
HTML are then built in one pass over the rows. The HTML is written with
`str.join` rather than a template loop: for ten thousand nodes the template
engine, not the database, would be the cost (see docs/performance.md).
`render_node_list` writes a flat list of nodes, such as a node page's
children, the same way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape
from itertools import compress

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from followup.models import MISSING, STATUS_ORDER, status_label
from followup.rollup import DistributionText, descendant_counts
from goals.models import ASSESSABLE_KINDS, ListedNode, NodeKind, TreeRow

__all__ = ["MISSING", "STATUS_ORDER", "build_red_thread", "node_url_parts", "status_label"]


def node_url_parts() -> tuple[str, str]:
    """A node page's URL split around the node's id, so a long list of links
    costs one reverse() instead of one per node."""
    start, end = reverse("node_detail", kwargs={"pk": 987654321}).split("987654321")
    return start, end


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
    effective = _effective_statuses(rows, statuses)
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


def _effective_statuses(rows: list[TreeRow], statuses: dict[int, str]) -> list[str | None]:
    """Each row's status in the period; None for kinds that are not assessed."""
    status_of = statuses.get
    return [
        status_of(row[0], MISSING) if row[5] in ASSESSABLE_KINDS else None  # id, kind
        for row in rows
    ]


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
    """Status counts per perspective over the nodes shown.

    The perspectives are the vision's children. In tree order a node's
    descendants are the rows right after it, as many as its lft/rght span
    says, so the walk jumps from one perspective to the next and counts each
    one's descendants over a slice.
    """
    summaries: list[PerspectiveSummary] = []
    index = 1  # rows[0] is the vision
    while index < len(rows):
        row = rows[index]
        end = index + 1 + (row.rght - row.lft - 1) // 2
        if row.kind == NodeKind.PERSPECTIVE and filters.perspective_id in (None, row.id):
            counts = Counter(compress(effective[index + 1 : end], included[index + 1 : end]))
            counts.pop(None, None)  # kinds that are not assessed
            summaries.append(PerspectiveSummary(id=row.id, title=row.title, counts=counts))
        index = end
    return summaries


def _render(
    rows: list[TreeRow],
    effective: list[str | None],
    included: list[bool],
    committee_labels: dict[int, str],
    rollups: list[dict[str, int] | None],
) -> str:
    """The nested list, one f-string per node.

    Everything that repeats (the kind, committee and status markup, the
    toggle labels) is built once; the titles are escaped in one call. This
    loop is the page's main cost, so it avoids all per-row work it can.
    """
    url_start, url_end = node_url_parts()
    row_start = {
        kind: (
            f'<li class="node node--{kind}"><div class="node-row">'
            f'<span class="kind">{escape(str(label))}</span> <a href="{url_start}'
        )
        for kind, label in NodeKind.choices
    }
    committee_prefix = escape(_("Committee:"))
    # A committee missing from the labels still gets its (empty) label.
    committee_markup: defaultdict[int | None, str] = defaultdict(
        lambda: (
            f' <span class="committee"><span class="visually-hidden">{committee_prefix} '
            "</span></span>"
        )
    )
    committee_markup[None] = ""
    for committee_id, label in committee_labels.items():
        committee_markup[committee_id] = (
            f' <span class="committee"><span class="visually-hidden">{committee_prefix} '
            f"</span>{escape(label)}</span>"
        )
    status_markup = _status_markup()
    toggle_labels: dict[int, str] = {}
    rollup_prefix = escape(_("Underlying:"))
    distribution = DistributionText(
        lambda text: f' <span class="rollup">{rollup_prefix} {escape(text)}</span>'
    )

    # How many shown children each shown node has, for the toggles.
    shown_children = Counter(compress([row.parent_id for row in rows], included))
    titles = _escape_all([row.title for row in rows])

    out: list[str] = ['<ul class="tree" role="list">']
    append = out.append
    close = "</ul></details></li>"
    # How many <li><details><ul> are open. A shown node's ancestors are all
    # shown, and all open, so before a node at level n exactly n are open.
    depth = 0
    for row, title, status, shown, rollup in zip(
        rows, titles, effective, included, rollups, strict=True
    ):
        if not shown:
            continue
        node_id, _parent, level, _lft, _rght, kind, _raw_title, committee_id = row
        if depth > level:
            append(close * (depth - level))
        head = (
            f'{row_start[kind]}{node_id}{url_end}">{title}</a>{committee_markup[committee_id]}'
            f"{status_markup[status]}{distribution(rollup) if rollup else ''}</div>"
        )
        children = shown_children.get(node_id)
        if children:
            label = toggle_labels.get(children)
            if label is None:
                label = toggle_labels[children] = escape(
                    ngettext("%(count)d underlying item", "%(count)d underlying items", children)
                    % {"count": children}
                )
            append(
                f'{head}<details open><summary>{label}<span class="visually-hidden"> – {title}'
                '</span></summary><ul role="list">'
            )
            depth = level + 1
        else:
            append(f"{head}</li>")
            depth = level
    append(close * depth)
    append("</ul>")
    return "".join(out)


def render_node_list(nodes: list[ListedNode], statuses: dict[int, str]) -> SafeString:
    """The <li> items of a flat list of nodes, such as a node page's children, escaped.

    Built with str.join for the same reason as the tree: a goal in a big year
    has hundreds of children, and a template loop costs tens of milliseconds.
    """
    url_start, url_end = node_url_parts()
    kind_labels = {kind: escape(str(label)) for kind, label in NodeKind.choices}
    status_markup = _status_markup()
    items = []
    for node in nodes:
        committee = (
            f' <span class="committee">{escape(node.committee_label)}</span>'
            if node.committee_label
            else ""
        )
        status = statuses.get(node.id, MISSING) if node.kind in ASSESSABLE_KINDS else None
        items.append(
            f'<li><span class="kind">{kind_labels[node.kind]}</span> '
            f'<a href="{url_start}{node.id}{url_end}">{escape(node.title)}</a>'
            f"{committee}{status_markup[status]}</li>"
        )
    return mark_safe("".join(items))  # every text in it is escaped above


def _status_markup() -> dict[str | None, str]:
    """Each status's badge, with its label for screen readers; nothing for None."""
    prefix = escape(_("Status:"))
    markup: dict[str | None, str] = {
        status: (
            f' <span class="badge badge--{status}"><span class="visually-hidden">'
            f"{prefix} </span>{escape(status_label(status))}</span>"
        )
        for status in STATUS_ORDER
    }
    markup[None] = ""
    return markup


def _escape_all(texts: list[str]) -> list[str]:
    """`html.escape` of every text, in one call over them all joined.

    Ten thousand calls cost far more than one call on the joined string. NUL
    cannot occur in a PostgreSQL text column and is refused by Django's form
    fields, so it separates the texts; should one contain it anyway, each
    text is escaped on its own.
    """
    escaped = escape("\x00".join(texts)).split("\x00")
    if len(escaped) != len(texts):
        return [escape(text) for text in texts]
    return escaped
