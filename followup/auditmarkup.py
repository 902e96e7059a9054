"""The audit page's long lists as HTML, written in Python: at 10,000 nodes they
name hundreds of goals, and a template loop with a tag per cell was half the
page's time. Every text is escaped; each link is made from one reverse()."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from followup.nodemarkup import node_url_parts
from followup.progress import Divergence, Listed


def divergence_rows(items: list[Divergence]) -> SafeString:
    """The table rows of the goals whose status differs from their suggestion."""
    start, end = node_url_parts()
    return mark_safe(
        "".join(
            f'<tr><td><a href="{start}{item.node_id}{end}">{escape(item.title)}</a></td>'
            f"<td>{escape(item.committee or '–')}</td><td>{escape(item.status)}</td>"
            f"<td>{escape(item.suggested)}</td></tr>"
            for item in items
        )
    )


def listed_items(items: list[Listed]) -> SafeString:
    """The list items of goals (and activities), each linked, with its committee."""
    start, end = node_url_parts()
    return mark_safe(
        "".join(
            f'<li><a href="{start}{item.node_id}{end}">{escape(item.title)}</a>'
            + (f" · {escape(item.committee)}" if item.committee else "")
            + "</li>"
            for item in items
        )
    )
