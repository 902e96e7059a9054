from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone

from followup.forms import RedThreadFilterForm
from followup.models import Assessment, Period, default_period
from followup.redthread import build_red_thread, render_node_list
from goals.models import ASSESSABLE_KINDS, Committee, Node, NodeKind, PlanYear


def start(request: HttpRequest) -> HttpResponse:
    plan_years = list(PlanYear.objects.all())
    current = plan_years[0] if plan_years else None
    return render(
        request,
        "followup/start.html",
        {"plan_years": plan_years, "current_year": current},
    )


# The tree's HTML runs to megabytes for a big year. Passed through the template
# engine it would be copied at every level of template nesting, costing time
# and peak memory; the page is rendered around this placeholder instead, and
# the tree goes into the response as it is.
TREE_PLACEHOLDER = "<!-- red thread tree -->"


def red_thread(request: HttpRequest, year: int) -> HttpResponse:
    plan_year = get_object_or_404(PlanYear, year=year)
    periods = list(Period.objects.for_year(plan_year))
    committees = list(Committee.objects.all())
    rows = Node.objects.for_year(plan_year).in_tree_order().rows()
    perspectives = [(row.id, row.title) for row in rows if row.kind == NodeKind.PERSPECTIVE]
    form = RedThreadFilterForm(
        request.GET or None, periods=periods, committees=committees, perspectives=perspectives
    )
    period, filters = form.selection(default_period(periods, timezone.localdate()))
    statuses = Assessment.objects.for_period(period).status_by_node() if period else {}
    tree = build_red_thread(
        rows, statuses, {committee.pk: committee.label for committee in committees}, filters
    )
    page = render_to_string(
        "followup/red_thread.html",
        {
            "plan_year": plan_year,
            "periods": periods,
            "period": period,
            "form": form,
            "filters": filters,
            "tree": tree,
            "tree_placeholder": TREE_PLACEHOLDER,
        },
        request,
    )
    before, placeholder, after = page.partition(TREE_PLACEHOLDER)
    if not placeholder:  # the template shows no tree: nothing matched, or no goals
        return HttpResponse(page)
    return HttpResponse([before, tree.html, after])


def node_detail(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_object_or_404(Node.objects.select_related("plan_year", "committee"), pk=pk)
    ancestors = Node.objects.ancestors_of(node)
    children = Node.objects.children_of(node).in_tree_order().listed()
    periods = list(Period.objects.for_year(node.plan_year_id))
    period = default_period(periods, timezone.localdate())
    assessments = {
        assessment.period_id: assessment
        for assessment in Assessment.objects.filter(node=node).select_related("updated_by")
    }
    child_statuses = (
        # By a subquery: a list of hundreds of ids is slow to send to
        # PostgreSQL, and a join on the parent is slow on SQLite.
        Assessment.objects.for_period(period)
        .filter(node__in=Node.objects.children_of(node).values("pk"))
        .status_by_node()
        if period and children
        else {}
    )
    return render(
        request,
        "followup/node_detail.html",
        {
            "node": node,
            "ancestors": ancestors,
            "children": children,
            "children_html": render_node_list(children, child_statuses),
            "period": period,
            "period_assessments": [(each, assessments.get(each.pk)) for each in periods]
            if node.kind in ASSESSABLE_KINDS
            else [],
        },
    )
