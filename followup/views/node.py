"""A goal's or an activity's page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from followup import agenda
from followup.history import node_history
from followup.nodemarkup import render_node_list
from followup.nodepage import node_page
from followup.yearly import earlier_years
from goals import permissions, rules
from goals.models import Node
from goals.rules import ADD_KIND_LABELS, INDICATOR_KINDS


def _agenda(request: HttpRequest, node: Node) -> dict:
    """The goal's Agenda 2030 global goals (one query), for the goals that may have them."""
    if rules.global_goal_link_error(node.kind):
        return {}
    return {
        "global_goals": agenda.linked_global_goals(node),
        "global_goal_kinds": True,
        "can_link_global_goals": permissions.can_link_global_goals(request.user),
    }


def node_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    try:
        page = node_page(pk, request.user)
    except Node.DoesNotExist:
        raise Http404 from None
    node = page.node
    return render(
        request,
        "followup/node_detail.html",
        {
            "node": node,
            "ancestors": page.ancestors,
            "children": page.children,
            "children_html": render_node_list(page.children, page.current_statuses),
            "period": page.period,
            "period_assessments": page.period_assessments,
            "distribution": page.distribution,
            "links": page.links,
            "can_edit_links": permissions.can_edit_links(request.user, node),
            "indicator_kinds": node.kind in INDICATOR_KINDS,
            "indicator_table": page.indicator_table,
            "indicator_trends": page.indicator_trends,
            "show_suggestions": permissions.can_see_suggestions(request.user),
            "indicator_periods": page.periods,
            "comparisons": page.comparisons,
            "can_edit_indicators": permissions.can_edit_indicators(request.user, node),
            "earlier_years": earlier_years(node, request.user),
            "withheld_period_ids": page.withheld_period_ids,
            "history": node_history(node, page.periods, hidden_periods=page.withheld_period_ids)
            if permissions.can_see_history(request.user)
            else None,
            "can_edit": permissions.can_edit_node(request.user, node),
            "can_add_child": permissions.can_add_child(request.user, node),
            "add_child_label": ADD_KIND_LABELS.get(node.child_kind, ""),
            **_agenda(request, node),
        },
    )
