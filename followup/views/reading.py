"""The start page and the röd tråd."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone

from followup import assignmentmarkup, assignments, dashboard, redthread
from followup.agendalinks import with_global_goal
from followup.due import due_for, featured_year
from followup.forms import RedThreadFilterForm
from followup.linkmarkup import year_links
from followup.models import Period, default_period
from followup.redthread import build_red_thread, tree_rows
from goals import permissions
from goals.models import Committee, NodeKind, PlanYear


def start(request: HttpRequest) -> HttpResponse:
    plan_years = list(PlanYear.objects.all())
    roles = permissions.roles_of(request.user)
    due, open_periods, own_committees = [], [], []
    if roles.editor or roles.auditor:
        # Every open period of every year: starting next year leaves this year's
        # annual report on the list until it closes.
        open_periods = list(Period.objects.open().select_related("plan_year"))
    if roles.editor and open_periods:
        due = due_for(periods=open_periods, scope=permissions.assessable_by(request.user))
    current = featured_year(
        plan_years, open_periods, public=not permissions.can_see_unpublished(request.user)
    )
    if roles.committee_ids:
        own_committees = list(Committee.objects.filter(pk__in=roles.committee_ids))
    audit_periods = (
        list(Period.objects.select_related("plan_year").order_by("-cutoff_date"))
        if roles.auditor
        else []
    )
    return render(
        request,
        "followup/start.html",
        {
            "audit_periods": audit_periods,
            "plan_years": plan_years,
            "current_year": current,
            "roles": roles,
            "due": due,
            "open_periods": open_periods,
            "own_committees": own_committees,
            "dashboard": (
                dashboard.dashboard_for(request.user, plan_years, featured=current)
                if permissions.can_read(request.user)
                else None
            ),
        },
    )


# The tree's HTML can be megabytes; passing it through the template engine
# costs time and peak memory, so the page is rendered around this placeholder
# and the tree is put in its place (docs/performance.md).
TREE_PLACEHOLDER = "<!-- red thread tree -->"


def red_thread(request: HttpRequest, year: int) -> HttpResponse:
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    # The periods with their plan year in one query; the year alone when it has none.
    periods = list(
        Period.objects.filter(plan_year__year=year)
        .select_related("plan_year")
        .visible_to(request.user)
    )
    plan_year = periods[0].plan_year if periods else get_object_or_404(PlanYear, year=year)
    committees = list(Committee.objects.all())
    form = RedThreadFilterForm(request.GET or None, periods=periods, committees=committees)
    period = form.period_choice(default_period(periods, timezone.localdate()))
    rows = tree_rows(plan_year, period, request.user)
    filters = form.filters(
        perspectives=[
            (row[redthread.ID], row[redthread.TITLE])
            for row in rows
            if row[redthread.KIND] == NodeKind.PERSPECTIVE
        ]
    )
    filters = with_global_goal(filters, plan_year)
    labels = {committee.pk: committee.label for committee in committees}
    # The assignments under their goals: one query, always run.
    goal_assignments = assignmentmarkup.goal_rows_html(
        assignments.goal_assignments(plan_year, period, committee_id=filters.committee_id),
        labels,
        plan_year.year,
    )
    tree = build_red_thread(
        rows,
        labels,
        filters,
        period=period,
        links=year_links(plan_year.pk),
        assignments=goal_assignments,
    )
    has_rows = bool(rows)
    del rows  # tens of megabytes in the largest years: not kept while the page is written
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
            "can_add_vision": not has_rows
            and permissions.can_edit_kind(request.user, NodeKind.VISION, None),
        },
        request,
    )
    before, placeholder, after = page.partition(TREE_PLACEHOLDER)
    if not placeholder:  # the template shows no tree: nothing matched, or no goals
        return HttpResponse(page)
    return HttpResponse([before.encode(), *tree.chunks, after.encode()])
