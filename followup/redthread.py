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

from collections import Counter
from dataclasses import dataclass, field
from html import escape
from itertools import compress

from django.db import connection
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from followup import approvedonly
from followup.bars import activity_bar as activity_bar_of
from followup.bars import goal_bar
from followup.linkmarkup import reference_items
from followup.models import MISSING, WITHHELD, Assessment, Period
from followup.nodemarkup import (
    ACTIVITY_MISSING,
    RollupBars,
    escape_all,
    forecast_markup,
    meta_html,
    node_url_parts,
    row_tails,
)
from followup.rollup import descendant_counts
from goals.agendamodels import GLOBAL_GOAL_CHOICES
from goals.models import ASSESSABLE_KINDS, KIND_ORDER, Node, NodeKind, PlanYear

# How many nodes' HTML is joined and encoded at a time.
CHUNK_NODES = 1024

# Positions in a row of `tree_rows`: plain tuples (a named tuple per row would
# cost more than the rest of the page), read by position. STATUS is the
# assessment's status in the period, None when there is none; FORECAST its
# forecast for the full year (an interim period's), "" or None when none.
ID, PARENT_ID, LEVEL, KIND, TITLE, COMMITTEE, STATUS, FORECAST = range(8)


def tree_rows(plan_year: PlanYear | int, period: Period | None, reader=None) -> list[tuple]:
    """The year's nodes in tree order with each one's status in `period`, in one query;
    a status withheld from `reader` until its committee approves it is WITHHELD.

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
        rows = cursor.fetchall()
    withheld = approvedonly.withheld_for(reader, [period])
    return approvedonly.mask_rows(
        rows, withheld, period and period.pk, committee=COMMITTEE, masked=_WITHHELD_ROW
    )


_WITHHELD_ROW = {STATUS: WITHHELD, FORECAST: None}


@dataclass
class PerspectiveSummary:
    """A perspective's goals and activities that match the filters, counted apart."""

    id: int
    title: str
    goal_counts: Counter[str] = field(default_factory=Counter)
    activity_counts: Counter[str] = field(default_factory=Counter)

    @property
    def counts(self) -> Counter[str]:
        """Goals and activities together: their statuses differ but for "not reported"."""
        return self.goal_counts + self.activity_counts

    @property
    def goal_bar(self) -> SafeString:
        return goal_bar(self.goal_counts)

    @property
    def activity_bar(self) -> SafeString:
        return activity_bar_of(self.activity_counts)


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


# How deep the tree is shown by default: down to the municipal goals.
DEFAULT_DEPTH = KIND_ORDER.index(NodeKind.MUNICIPAL_GOAL)
ALL_LEVELS = len(KIND_ORDER) - 1


@dataclass(frozen=True)
class RedThreadFilter:
    committee_id: int | None = None
    status: str | None = None
    perspective_id: int | None = None
    # What is shown: the levels down to `depth` (0 the vision), and below that
    # the whole branch of each node in `open_ids`; each goal's analysis too
    # when `analyses` is set. None of them filters what is counted.
    depth: int = DEFAULT_DEPTH
    open_ids: frozenset[int] = frozenset()
    analyses: bool = False
    # The period asked for in the address, kept in every link the page makes.
    period_id: int | None = None
    # An Agenda 2030 global goal's number, and the goals linked to it
    # (followup.agendalinks.with_global_goal).
    global_goal: int | None = None
    global_goal_nodes: frozenset[int] = frozenset()

    @property
    def global_goal_label(self) -> str:
        return dict(GLOBAL_GOAL_CHOICES).get(self.global_goal, "") if self.global_goal else ""

    @property
    def active(self) -> bool:
        return bool(self.committee_id or self.status or self.perspective_id or self.global_goal)

    @property
    def searching(self) -> bool:
        """A committee, a status or a global goal is asked for: the nodes that
        match are shown wherever they lie, with their ancestors, whatever the level."""
        return bool(self.committee_id or self.status or self.global_goal)

    def query(self, **changes: object) -> str:
        """The page's query string with `changes`, starting with "?"; a None drops a key."""
        params: dict[str, object] = {
            "period": self.period_id,
            "committee": self.committee_id,
            "perspective": self.perspective_id,
            "status": self.status,
            "global_goal": self.global_goal,
            "level": None if self.depth == DEFAULT_DEPTH else KIND_ORDER[self.depth],
            "open": sorted(self.open_ids) or None,
            "analyses": 1 if self.analyses else None,
        }
        params.update(changes)
        kept = {key: value for key, value in params.items() if value not in (None, "", [])}
        return "?" + urlencode(kept, doseq=True) if kept else "?"

    def level_links(self) -> list[tuple[str, str, bool]]:
        """(label, query, current) for each level the tree can be shown down to."""
        labels = {
            NodeKind.PERSPECTIVE: _("Perspectives"),
            NodeKind.DIRECTION_GOAL: _("Direction goals"),
            NodeKind.MUNICIPAL_GOAL: _("Municipal goals"),
            NodeKind.COMMITTEE_GOAL: _("Committee goals"),
            NodeKind.ACTIVITY: _("All levels"),
        }
        return [
            (
                str(label),
                self.query(level=None if depth == DEFAULT_DEPTH else kind, open=None),
                depth == self.depth,
            )
            for depth, kind in enumerate(KIND_ORDER)
            if (label := labels.get(kind))
        ]


def build_red_thread(
    rows: list[tuple],
    committee_labels: dict[int, str],
    filters: RedThreadFilter,
    *,
    period: Period | int | None = None,
    links: list[tuple[int, int]] = (),
    assignments: dict[int, str] | None = None,
) -> RedThread:
    """The page's tree from `tree_rows`: the HTML, what it shows, and the summaries.
    With `filters.analyses`, each shown goal's analysis in `period` is read (one query)."""
    if not rows:
        return RedThread(chunks=[], shown=0, total=0, perspectives=[])
    levels = [row[LEVEL] for row in rows]
    effective = _effective_statuses(rows)
    matched = _matches(rows, effective, filters)
    included = _with_ancestors(levels, matched)
    if not filters.searching:
        included = _within_depth(rows, filters, included)
    perspectives = _summaries(rows, levels, effective, matched, filters)
    shown = len(rows) if included is None else sum(included)
    if not shown:
        return RedThread(chunks=[], shown=0, total=len(rows), perspectives=perspectives)
    # Each node's whole subtree, whatever the filters show of it; activities
    # not reported counted apart from goals not reported.
    rollups = descendant_counts(
        levels,
        [
            ACTIVITY_MISSING if status == MISSING and row[KIND] == NodeKind.ACTIVITY else status
            for row, status in zip(rows, effective, strict=True)
        ],
    )
    analyses = _analyses(period) if filters.analyses and period is not None else {}
    if analyses and WITHHELD in effective:
        withheld = {row[ID] for row in rows if row[STATUS] == WITHHELD}
        analyses = {key: text for key, text in analyses.items() if key not in withheld}
    # What also supports each goal through a link: references, not copies.
    references = reference_items(rows, effective, links, committee_labels)
    return RedThread(
        chunks=_render(
            rows,
            effective,
            included,
            committee_labels,
            rollups,
            filters,
            analyses,
            references,
            assignments,
        ),
        shown=shown,
        total=len(rows),
        perspectives=perspectives,
    )


def _analyses(period: Period | int) -> dict[int, str]:
    """Every written analysis of the period, by node. One query; the tree is
    already in memory, so they are matched to the rows shown there."""
    return dict(
        Assessment.objects.filter(period=period)
        .exclude(analysis="")
        .values_list("node_id", "analysis")
    )


def _effective_statuses(rows: list[tuple]) -> list[str | None]:
    """Each row's status in the period: MISSING when unassessed, None for kinds
    that are not assessed."""
    assessable = ASSESSABLE_KINDS
    return [(row[STATUS] or MISSING) if row[KIND] in assessable else None for row in rows]


def _matches(
    rows: list[tuple], effective: list[str | None], filters: RedThreadFilter
) -> list[bool] | None:
    """Which rows match every filter; None when there is no filter."""
    if not filters.active:
        return None
    matched = [False] * len(rows)
    in_perspective = False
    for index, row in enumerate(rows):
        if row[LEVEL] == 1:
            in_perspective = row[ID] == filters.perspective_id
        matches = True
        if filters.perspective_id:
            matches = in_perspective
        if matches and filters.committee_id:
            matches = row[COMMITTEE] == filters.committee_id
        if matches and filters.status:
            matches = effective[index] == filters.status
        if matches and filters.global_goal:
            matches = row[ID] in filters.global_goal_nodes
        matched[index] = matches
    return matched


def _with_ancestors(levels: list[int], matched: list[bool] | None) -> list[bool] | None:
    """The rows that match and their ancestors, for context; None: every row."""
    if matched is None:
        return None
    included = [False] * len(levels)
    ancestors: list[int] = []  # ancestors[k]: index of the current row's ancestor at level k
    for index, level in enumerate(levels):
        del ancestors[level:]
        if matched[index]:
            included[index] = True
            for ancestor in reversed(ancestors):
                if included[ancestor]:
                    break
                included[ancestor] = True
        ancestors.append(index)
    return included


def _within_depth(
    rows: list[tuple], filters: RedThreadFilter, included: list[bool] | None
) -> list[bool] | None:
    """`included` cut to the rows down to the chosen depth, and the branches
    below each opened node."""
    if filters.depth >= ALL_LEVELS:
        return included
    depth, open_ids = filters.depth, filters.open_ids
    shown = [False] * len(rows)
    opened_at: int | None = None  # the level of the opened ancestor the rows lie under
    for index, row in enumerate(rows):
        level = row[LEVEL]
        if opened_at is not None and level <= opened_at:
            opened_at = None
        shown[index] = level <= depth or opened_at is not None
        if opened_at is None and row[ID] in open_ids:
            opened_at = level
    if included is None:
        return shown
    return [a and b for a, b in zip(included, shown, strict=True)]


def _summaries(
    rows: list[tuple],
    levels: list[int],
    effective: list[str | None],
    matched: list[bool] | None,
    filters: RedThreadFilter,
) -> list[PerspectiveSummary]:
    """Per perspective, its goals and its activities that match the filters,
    counted apart; the goals shown only for context are not counted.

    The perspectives are the vision's children, the rows at level 1. In tree
    order a perspective's descendants are the rows up to the next one, so
    each is counted over a slice.
    """
    starts = [index for index, level in enumerate(levels) if level == 1]
    kinds = [row[KIND] for row in rows]
    summaries: list[PerspectiveSummary] = []
    for start, end in zip(starts, [*starts[1:], len(rows)], strict=True):
        row = rows[start]
        if row[KIND] != NodeKind.PERSPECTIVE or filters.perspective_id not in (None, row[ID]):
            continue
        summary = PerspectiveSummary(id=row[ID], title=row[TITLE])
        # (kind, status) pairs counted at C speed, then split by kind.
        pairs = zip(kinds[start + 1 : end], effective[start + 1 : end], strict=True)
        if matched is not None:
            pairs = compress(pairs, matched[start + 1 : end])
        for (kind, status), number in Counter(pairs).items():
            if status is None:
                continue  # kinds that are not assessed
            if kind == NodeKind.ACTIVITY:
                summary.activity_counts[status] += number
            else:
                summary.goal_counts[status] += number
        summaries.append(summary)
    return summaries


def _render(
    rows: list[tuple],
    effective: list[str | None],
    included: list[bool] | None,
    committee_labels: dict[int, str],
    rollups: list[dict[str, int] | None],
    filters: RedThreadFilter,
    analyses: dict[int, str],
    references: dict[int, str],
    assignments: dict[int, str] | None = None,
) -> list[bytes]:
    """The nested list, one f-string per node, encoded in chunks of CHUNK_NODES.

    Everything that repeats (the kind, committee and status markup, the
    toggle labels, the roll-up bars) is built once, and the titles are escaped
    in one call. This loop is the page's main cost, so it avoids all per-row
    work it can.
    """
    url_start, url_end = node_url_parts()
    row_start = {
        kind: (
            f'<li class="node node--{kind}"><div class="node-row">'
            f'<span class="kind">{escape(str(label))}</span> <a href="{url_start}'
        )
        for kind, label in NodeKind.choices
    }
    rollup_html = RollupBars()
    tails = row_tails(committee_labels)
    forecasts = forecast_markup()
    # Searching for a committee or a status shows every match whatever its
    # level; otherwise a node at the chosen depth whose children are not shown
    # gets a link that opens its branch, saying how many children it has.
    cut = filters.depth if not filters.searching and filters.depth < ALL_LEVELS else None
    all_children = Counter([row[PARENT_ID] for row in rows]) if cut is not None else {}

    if included is not None:
        rows = list(compress(rows, included))
        effective = list(compress(effective, included))
        rollups = list(compress(rollups, included))
    # How many shown children each shown node has, for the toggles.
    shown_children = Counter([row[PARENT_ID] for row in rows])
    titles = escape_all([row[TITLE] for row in rows])
    toggle_labels: dict[int, str] = {}
    open_labels: dict[int, str] = {}
    close_label = escape(_("Hide what lies under"))
    # An opened branch's link: the page's own address with one more node open.
    base = filters.query()
    open_prefix = escape(base + ("&" if len(base) > 1 else "") + "open=")
    open_ids = filters.open_ids

    out: list[str] = ['<ul class="tree" role="list">']
    append = out.append
    # The vision and the perspectives have no toggle of their own: the levels
    # and the perspective filter show or hide what is under them, and the page
    # stays short. closes[d][n]: the markup that closes the lists open at
    # depth d down to a node at level n.
    deepest = max(row[LEVEL] for row in rows) + 2
    close_at = ["</ul></li>" if level <= 1 else "</ul></details></li>" for level in range(deepest)]
    closes = [
        ["".join(close_at[k] for k in range(d - 1, n - 1, -1)) for n in range(deepest)]
        for d in range(deepest)
    ]
    # How many lists are open. A shown node's ancestors are all shown, and all
    # open, so before a node at level n exactly n are open.
    depth = 0
    children_of = shown_children.get
    # A roll-up is drawn where it tells what the page does not show at a
    # glance: under the direction and municipal goals, and under any node whose
    # children are out of sight. The vision's and the perspectives' are the
    # summary above the tree; a committee goal's shown activities speak for
    # themselves, each with its status.
    for (
        (node_id, _parent, level, kind, _raw, committee_id, _status, forecast),
        title,
        status,
        counts,
    ) in zip(rows, titles, effective, rollups, strict=True):
        children = children_of(node_id)
        # The forecast for the full year where it says more than the status.
        forecast_html = forecasts[forecast] if forecast != status else ""
        rollup = (
            rollup_html(counts)
            if counts and (1 < level <= _ROLLED_UP_DOWN_TO or not children)
            else ""
        )
        analysis = analyses.get(node_id) if analyses else None
        links = ""
        opening = row_start[kind]
        if open_ids and node_id in open_ids:
            opening = opening.replace("<li ", f'<li id="n{node_id}" ', 1)
            others = escape(filters.query(open=sorted(open_ids - {node_id}) or None))
            links = (
                f'<a class="branch-link" href="{others}#n{node_id}">{close_label}'
                f'<span class="visually-hidden"> – {title}</span></a>'
            )
        extra = ""
        if children:
            # The roll-up sits on the toggle's line, the links (never inside a summary) apart.
            extra = meta_html("", links, analysis) if links or analysis else ""
            if assignments and node_id in assignments:  # the goal's assignments (uppdrag)
                extra += assignments[node_id]
            label = toggle_labels.get(children)
            if label is None:
                label = toggle_labels[children] = escape(
                    ngettext("%(count)d underlying item", "%(count)d underlying items", children)
                    % {"count": children}
                )
            if level <= 1:
                append(
                    f"{closes[depth][level]}{opening}{node_id}"
                    f'{url_end}">{title}</a>{tails[committee_id][status]}{forecast_html}</div>{extra}'
                    '<ul role="list">'
                )
            else:
                append(
                    f"{closes[depth][level]}{opening}{node_id}"
                    f'{url_end}">{title}</a>{tails[committee_id][status]}{forecast_html}</div>{extra}'
                    f'<details open><summary><span class="toggle">{label}'
                    f'<span class="visually-hidden"> – {title}</span></span>{rollup}</summary>'
                    f'<ul role="list">{references.get(node_id, "")}'
                )
            depth = level + 1
        else:
            hidden = all_children.get(node_id) if cut is not None and level >= cut else None
            if hidden:
                label = open_labels.get(hidden)
                if label is None:
                    label = open_labels[hidden] = escape(
                        ngettext(
                            "Show %(count)d underlying item",
                            "Show %(count)d underlying items",
                            hidden,
                        )
                        % {"count": hidden}
                    )
                links += (
                    f'<a class="branch-link" href="{open_prefix}{node_id}#n{node_id}">{label}'
                    f'<span class="visually-hidden"> – {title}</span></a>'
                )
                opening = opening.replace("<li ", f'<li id="n{node_id}" ', 1)
            extra = meta_html(rollup, links, analysis) if rollup or links or analysis else ""
            # What sits under the goal beside its children (nodes that also
            # support it, its assignments) shows where its children would.
            if cut is None or level < cut:
                if node_id in references:
                    extra += f'<ul role="list">{references[node_id]}</ul>'
                if assignments and node_id in assignments:
                    extra += assignments[node_id]
            append(
                f"{closes[depth][level]}{opening}{node_id}"
                f'{url_end}">{title}</a>{tails[committee_id][status]}{forecast_html}</div>{extra}</li>'
            )
            depth = level
    append(closes[depth][0])
    append("</ul>")
    return [
        "".join(out[start : start + CHUNK_NODES]).encode()
        for start in range(0, len(out), CHUNK_NODES)
    ]


# The deepest level whose roll-up is drawn even when its children are shown.
_ROLLED_UP_DOWN_TO = KIND_ORDER.index(NodeKind.MUNICIPAL_GOAL)
