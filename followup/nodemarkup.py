"""The markup of a node's row, written once per kind, committee and status and
reused for every row: the röd tråd and the node page's list of children."""

from __future__ import annotations

from collections import defaultdict
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from followup.bars import ACTIVITY_SCALE, GOAL_SCALE, StackedBars
from followup.models import MISSING, STATUS_ORDER, WITHHELD, GoalStatus, status_label
from goals.models import ASSESSABLE_KINDS, NodeKind
from goals.rows import ListedNode

# In the roll-up, an activity without an assessment: "not reported" on the activity scale.
ACTIVITY_MISSING = "missing_activity"


def node_url_parts() -> tuple[str, str]:
    """A node page's URL split around the node's id, so a long list of links
    costs one reverse() instead of one per node."""
    start, end = reverse("followup:node_detail", kwargs={"pk": 987654321}).split("987654321")
    return start, end


class RollupBars:
    """A node's roll-up as two stacked bars, its goals and its activities below
    it; each distinct roll-up made once."""

    def __init__(self) -> None:
        self.goals = StackedBars(GOAL_SCALE, _("Goals"))
        self.activities = StackedBars(ACTIVITY_SCALE, _("Activities"))
        self._made: dict[tuple, str] = {}

    def __call__(self, counts: dict[str, int] | None) -> str:
        if not counts:
            return ""
        key = tuple(sorted(counts.items()))
        made = self._made.get(key)
        if made is None:
            activities = dict(counts)
            activities[MISSING] = counts.get(ACTIVITY_MISSING, 0)
            made = self._made[key] = self.goals(counts) + self.activities(activities)
        return made


def meta_html(rollup: str, links: str, analysis: str | None) -> str:
    """What follows a node's row: its roll-up bars and branch links on one line,
    then its analysis when asked for."""
    meta = f'<div class="node-meta">{rollup}{links}</div>' if rollup or links else ""
    return meta + analysis_html(analysis) if analysis else meta


def analysis_html(analysis: str) -> str:
    paragraphs = [part.strip() for part in analysis.replace("\r\n", "\n").split("\n\n")]
    return (
        '<div class="analysis">'
        + "".join(f"<p>{escape(part)}</p>" for part in paragraphs if part)
        + "</div>"
    )


def row_tails(committee_labels: dict[int, str]) -> defaultdict[int | None, dict[str | None, str]]:
    """The markup after a node's link for each committee and status: the
    committee's label and the status badge, built once per pair."""
    status_markup = status_badges()
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
    status_markup = status_badges()
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


def status_badges() -> dict[str | None, str]:
    """Each status's badge, with its label for screen readers; nothing for None."""
    prefix = escape(_("Status:"))
    markup: dict[str | None, str] = {
        status: (
            f' <span class="badge badge--{status}"><span class="visually-hidden">'
            f"{prefix} </span>{escape(status_label(status))}</span>"
        )
        for status in [*STATUS_ORDER, WITHHELD]
    }
    markup[None] = ""
    return markup


def forecast_markup() -> dict[str | None, str]:
    """Each forecast status's badge after the status, under a short label that
    keeps a goal's row on one line; nothing for no forecast."""
    prefix = escape(_("Forecast:"))
    markup: dict[str | None, str] = {
        status: (
            f' <span class="forecast">{prefix} <span class="badge badge--{status}">'
            f"{escape(status_label(status))}</span></span>"
        )
        for status in GoalStatus.values
    }
    markup[None] = markup[""] = ""
    return markup


def escape_all(texts: list[str]) -> list[str]:
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
