"""The röd tråd: a plan year's whole tree with each node's status in one period.

The tree and the period's statuses come in tree order (depth-first) in one
query read straight from the database cursor (`tree_rows`); filtering, the
counts per perspective, the roll-up under each goal and the nested HTML are
then built in a few passes over plain tuples, with the structure taken from
each row's level alone. The HTML is written with `str.join` rather than a
template loop: for ten thousand nodes the template engine, not the database,
would be the cost (see docs/performance.md). `render_node_list` writes a
flat list of nodes, such as a node page's children, the same way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape
from itertools import compress

from django.db import connection
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from followup.models import MISSING, STATUS_ORDER, Assessment, GoalStatus, Period, status_label
from followup.rollup import DistributionText, descendant_counts
from goals.models import ASSESSABLE_KINDS, ListedNode, Node, NodeKind, PlanYear

# How many nodes' HTML is joined and encoded at a time.
CHUNK_NODES = 1024

# Positions in a row of `tree_rows`: plain tuples (a named tuple per row would
# cost more than the rest of the page), read by position. STATUS is the
# assessment's status in the period, None when there is none; FORECAST its
# forecast for the full year (an interim period's), "" or None when none.
ID, PARENT_ID, LEVEL, KIND, TITLE, COMMITTEE, STATUS, FORECAST = range(8)


def tree_rows(plan_year: PlanYear | int, period: Period | None) -> list[tuple]:
    """The year's nodes in tree order with each one's status in `period`, in one query.

    Read with the cursor's `fetchall`: the ORM would fetch the rows in small
    chunks and convert each, which for ten thousand rows costs as much again
    as the query.
    """
    plan_year_id = plan_year if isinstance(plan_year, int) else plan_year.pk
    quote = connection.ops.quote_name
    node_table = quote(Node._meta.db_table)
    assessment_table = quote(Assessment._meta.db_table)
    # tree_id is the plan year's id (a check constraint on the table).
    sql = (
        "SELECT n.id, n.parent_id, n.level, n.kind, n.title, n.committee_id, a.status,"
        " a.forecast_status"
        f" FROM {node_table} n LEFT JOIN {assessment_table} a"
        " ON a.node_id = n.id AND a.period_id = %s"
        " WHERE n.tree_id = %s ORDER BY n.lft"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [period.pk if period else None, plan_year_id])
        return cursor.fetchall()


def node_url_parts() -> tuple[str, str]:
    """A node page's URL split around the node's id, so a long list of links
    costs one reverse() instead of one per node."""
    start, end = reverse("followup:node_detail", kwargs={"pk": 987654321}).split("987654321")
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
    # The tree's HTML as UTF-8, in pieces of about a thousand nodes each: the
    # response joins them once, and the whole text is never held at once
    # (for 50,000 nodes it would be 40 MB, twice its bytes).
    chunks: list[bytes]
    shown: int
    total: int
    perspectives: list[PerspectiveSummary]

    @property
    def html(self) -> str:
        return b"".join(self.chunks).decode()


@dataclass(frozen=True)
class RedThreadFilter:
    committee_id: int | None = None
    status: str | None = None
    perspective_id: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.committee_id or self.status or self.perspective_id)


def build_red_thread(
    rows: list[tuple], committee_labels: dict[int, str], filters: RedThreadFilter
) -> RedThread:
    """The page's tree from `tree_rows`: the HTML, what it shows, and the summaries."""
    if not rows:
        return RedThread(chunks=[], shown=0, total=0, perspectives=[])
    levels = [row[LEVEL] for row in rows]
    effective = _effective_statuses(rows)
    included = _select(rows, effective, filters)
    perspectives = _summaries(rows, levels, effective, included, filters)
    shown = len(rows) if included is None else sum(included)
    if not shown:
        return RedThread(chunks=[], shown=0, total=len(rows), perspectives=perspectives)
    # Each node's whole subtree, whatever the filters show of it.
    rollups = descendant_counts(levels, effective)
    return RedThread(
        chunks=_render(rows, effective, included, committee_labels, rollups),
        shown=shown,
        total=len(rows),
        perspectives=perspectives,
    )


def _effective_statuses(rows: list[tuple]) -> list[str | None]:
    """Each row's status in the period: MISSING when unassessed, None for kinds
    that are not assessed."""
    assessable = ASSESSABLE_KINDS
    return [(row[STATUS] or MISSING) if row[KIND] in assessable else None for row in rows]


def _select(
    rows: list[tuple], effective: list[str | None], filters: RedThreadFilter
) -> list[bool] | None:
    """Which rows to show: those matching every filter, and their ancestors for
    context. None when there is no filter: every row is shown."""
    if not filters.active:
        return None
    included = [False] * len(rows)
    ancestors: list[int] = []  # ancestors[k]: index of the current row's ancestor at level k
    in_perspective = False
    for index, row in enumerate(rows):
        level = row[LEVEL]
        del ancestors[level:]
        if level == 1:
            in_perspective = row[ID] == filters.perspective_id
        matches = True
        if filters.perspective_id:
            matches = in_perspective
        if matches and filters.committee_id:
            matches = row[COMMITTEE] == filters.committee_id
        if matches and filters.status:
            matches = effective[index] == filters.status
        if matches:
            included[index] = True
            for ancestor in reversed(ancestors):
                if included[ancestor]:
                    break
                included[ancestor] = True
        ancestors.append(index)
    return included


def _summaries(
    rows: list[tuple],
    levels: list[int],
    effective: list[str | None],
    included: list[bool] | None,
    filters: RedThreadFilter,
) -> list[PerspectiveSummary]:
    """Status counts per perspective over the nodes shown.

    The perspectives are the vision's children, the rows at level 1. In tree
    order a perspective's descendants are the rows up to the next one, so
    each is counted over a slice.
    """
    starts = [index for index, level in enumerate(levels) if level == 1]
    summaries: list[PerspectiveSummary] = []
    for start, end in zip(starts, [*starts[1:], len(rows)], strict=True):
        row = rows[start]
        if row[KIND] != NodeKind.PERSPECTIVE or filters.perspective_id not in (None, row[ID]):
            continue
        below = effective[start + 1 : end]
        counts = Counter(below if included is None else compress(below, included[start + 1 : end]))
        counts.pop(None, None)  # kinds that are not assessed
        summaries.append(PerspectiveSummary(id=row[ID], title=row[TITLE], counts=counts))
    return summaries


def _render(
    rows: list[tuple],
    effective: list[str | None],
    included: list[bool] | None,
    committee_labels: dict[int, str],
    rollups: list[dict[str, int] | None],
) -> list[bytes]:
    """The nested list, one f-string per node, encoded in chunks of CHUNK_NODES.

    Everything that repeats (the kind, committee and status markup, the
    toggle labels) is built once, and the titles are escaped in one call.
    This loop is the page's main cost, so it avoids all per-row work it can.
    """
    url_start, url_end = node_url_parts()
    row_start = {
        kind: (
            f'<li class="node node--{kind}"><div class="node-row">'
            f'<span class="kind">{escape(str(label))}</span> <a href="{url_start}'
        )
        for kind, label in NodeKind.choices
    }
    rollup_prefix = escape(_("Underlying:"))
    distribution = DistributionText(
        lambda text: f' <span class="rollup">{rollup_prefix} {escape(text)}</span>'
    )
    tails = _tails(committee_labels)
    forecasts = _forecast_markup()

    if included is not None:
        rows = list(compress(rows, included))
        effective = list(compress(effective, included))
        rollups = list(compress(rollups, included))
    # How many shown children each shown node has, for the toggles.
    shown_children = Counter([row[PARENT_ID] for row in rows])
    titles = _escape_all([row[TITLE] for row in rows])
    rollup_texts = [distribution(counts) if counts else "" for counts in rollups]
    toggle_labels: dict[int, str] = {}

    out: list[str] = ['<ul class="tree" role="list">']
    append = out.append
    close = "</ul></details></li>"
    closes = [close * count for count in range(max(row[LEVEL] for row in rows) + 2)]
    # How many <li><details><ul> are open. A shown node's ancestors are all
    # shown, and all open, so before a node at level n exactly n are open.
    depth = 0
    children_of = shown_children.get
    for (
        (node_id, _parent, level, kind, _raw, committee_id, _status, forecast),
        title,
        status,
        rollup,
    ) in zip(rows, titles, effective, rollup_texts, strict=True):
        children = children_of(node_id)
        if children:
            label = toggle_labels.get(children)
            if label is None:
                label = toggle_labels[children] = escape(
                    ngettext("%(count)d underlying item", "%(count)d underlying items", children)
                    % {"count": children}
                )
            append(
                f"{closes[depth - level] if depth > level else ''}{row_start[kind]}{node_id}"
                f'{url_end}">{title}</a>{tails[committee_id][status]}{forecasts[forecast]}'
                f"{rollup}</div>"
                f'<details open><summary>{label}<span class="visually-hidden"> – {title}'
                '</span></summary><ul role="list">'
            )
            depth = level + 1
        else:
            append(
                f"{closes[depth - level] if depth > level else ''}{row_start[kind]}{node_id}"
                f'{url_end}">{title}</a>{tails[committee_id][status]}{forecasts[forecast]}'
                f"{rollup}</div></li>"
            )
            depth = level
    append(closes[depth])
    append("</ul>")
    return [
        "".join(out[start : start + CHUNK_NODES]).encode()
        for start in range(0, len(out), CHUNK_NODES)
    ]


def _tails(committee_labels: dict[int, str]) -> defaultdict[int | None, dict[str | None, str]]:
    """The markup after a node's link for each committee and status: the
    committee's label and the status badge, built once per pair."""
    status_markup = _status_markup()
    committee_prefix = escape(_("Committee:"))

    def committee_tail(label: str) -> dict[str | None, str]:
        committee = (
            f' <span class="committee"><span class="visually-hidden">{committee_prefix} '
            f"</span>{escape(label)}</span>"
        )
        return {status: committee + badge for status, badge in status_markup.items()}

    # A committee missing from the labels still gets its (empty) label.
    tails: defaultdict[int | None, dict[str | None, str]] = defaultdict(lambda: committee_tail(""))
    tails[None] = status_markup
    for committee_id, label in committee_labels.items():
        tails[committee_id] = committee_tail(label)
    return tails


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


def _forecast_markup() -> dict[str | None, str]:
    """Each forecast status's badge after the status; nothing for no forecast."""
    prefix = escape(_("Forecast for the full year:"))
    markup: dict[str | None, str] = {
        status: (
            f' <span class="forecast">{prefix} <span class="badge badge--{status}">'
            f"{escape(status_label(status))}</span></span>"
        )
        for status in GoalStatus.values
    }
    markup[None] = markup[""] = ""
    return markup


def _escape_all(texts: list[str]) -> list[str]:
    """`html.escape` of every text, in one pass over them all.

    Most titles hold nothing to escape: the texts are joined and searched
    once for each character that needs it (a C-speed scan), and only when
    one occurs is each text checked and, if need be, escaped. Ten thousand
    calls to `escape` would cost more than the rest of the rendering.
    """
    joined = "".join(texts)
    if not any(character in joined for character in "&<>\"'"):
        return texts
    return [
        escape(text)
        if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text
        else text
        for text in texts
    ]
