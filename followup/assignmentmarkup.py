"""An assignment's row in the röd tråd: under its municipal goal, as a kind of
its own ("Uppdrag"), with its committee and its status in the period."""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.translation import gettext as _

from followup.assignmentmodels import AssignmentStatus
from followup.models import status_label


def goal_rows_html(
    by_goal: dict[int, list[tuple[int, str, int, str]]],
    committee_labels: dict[int, str],
    year: int,
) -> dict[int, str]:
    """Each goal's assignments as a list to put under the goal's row, by goal id.
    `by_goal` comes from `followup.assignments.goal_assignments`."""
    if not by_goal:
        return {}
    kind = escape(_("Assignment"))
    committee_prefix = escape(_("Committee:"))
    badges = {
        value: f' <span class="badge badge--{value}">{escape(str(label))}</span>'
        for value, label in AssignmentStatus.choices
    }
    badges[""] = f' <span class="badge badge--missing">{escape(status_label("missing"))}</span>'
    list_url = escape(reverse("followup:assignment_list", kwargs={"year": year}))
    html = {}
    for goal_id, assignments in by_goal.items():
        items = [
            f'<li class="node node--assignment"><div class="node-row">'
            f'<span class="kind">{kind}</span> '
            f'<a href="{list_url}#assignment-{pk}">{escape(title)}</a>'
            f' <span class="committee"><span class="visually-hidden">{committee_prefix} </span>'
            f"{escape(committee_labels.get(committee_id, ''))}</span>{badges[status]}</div></li>"
            for pk, title, committee_id, status in assignments
        ]
        html[goal_id] = f'<ul class="assignments" role="list">{"".join(items)}</ul>'
    return html
