"""The röd tråd's references: a node that also supports a goal is shown under
that goal as a reference to its home, not as a copy of its subtree."""

from __future__ import annotations

from collections import defaultdict
from html import escape

from django.db import connection
from django.utils.translation import gettext as _

from followup.nodemarkup import node_url_parts, row_tails
from goals.linkmodels import NodeLink
from goals.models import NodeKind

# Positions in a row of `redthread.tree_rows` (repeated here to keep the import one-way).
_ID, _PARENT_ID, _KIND, _TITLE, _COMMITTEE = 0, 1, 3, 4, 5


def year_links(plan_year_id: int) -> list[tuple[int, int]]:
    """(source, target) of every link of the year. One query, run whether the
    year has links or not, so the page costs the same either way."""
    table = connection.ops.quote_name(NodeLink._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT source_id, target_id FROM {table} WHERE plan_year_id = %s", [plan_year_id]
        )
        return cursor.fetchall()


def reference_items(
    rows: list[tuple],
    effective: list[str | None],
    links: list[tuple[int, int]],
    committee_labels: dict[int, str],
) -> dict[int, str]:
    """The <li> references to write under each goal that something also
    supports, by the goal's id; the supporters in tree order, each with its
    status and a link to its home."""
    if not links:
        return {}
    index_of = {row[_ID]: index for index, row in enumerate(rows)}
    supporters: defaultdict[int, list[int]] = defaultdict(list)
    for source_id, target_id in links:
        if source_id in index_of and target_id in index_of:
            supporters[target_id].append(index_of[source_id])
    url_start, url_end = node_url_parts()
    tails = row_tails(committee_labels)
    kinds = {kind: escape(str(label)) for kind, label in NodeKind.choices}
    note = escape(_("Also supports – home under"))
    items: dict[int, str] = {}
    for target_id, indexes in supporters.items():
        parts = []
        for index in sorted(indexes):
            row = rows[index]
            parent = rows[index_of[row[_PARENT_ID]]]
            parts.append(
                f'<li class="node node--{row[_KIND]} node--reference"><div class="node-row">'
                f'<span class="kind">{kinds[row[_KIND]]}</span> '
                f'<a href="{url_start}{row[_ID]}{url_end}">{escape(row[_TITLE])}</a>'
                f"{tails[row[_COMMITTEE]][effective[index]]}"
                f' <span class="reference">{note} <a href="{url_start}{parent[_ID]}{url_end}">'
                f"{escape(parent[_TITLE])}</a></span></div></li>"
            )
        items[target_id] = "".join(parts)
    return items
