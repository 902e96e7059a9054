"""Agenda 2030: the index of the global goals, a page per global goal, and the
pages that link a goal or an indicator to them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from followup import agenda
from followup.agenda_forms import GlobalGoalsForm
from followup.agendalinks import indicator_global_goals_set
from followup.forms import PeriodChoiceForm
from followup.indicatormodels import Indicator, IndicatorGlobalGoal
from followup.models import Period, default_period
from goals import permissions, rules
from goals.agenda import node_global_goals_set
from goals.agendamodels import GlobalGoal, NodeGlobalGoal
from goals.models import Node, PlanYear


def _year_and_period(request: HttpRequest, year: int):
    """The plan year, the periods the user may see, the period chooser and the chosen period."""
    plan_year = get_object_or_404(PlanYear, year=year)
    periods = list(Period.objects.for_year(plan_year).visible_to(request.user))
    form = PeriodChoiceForm(request.GET or None, periods=periods)
    period = form.selection(default_period(periods, timezone.localdate()))
    return plan_year, periods, form, period


def global_goal_index(request: HttpRequest, year: int) -> HttpResponse:
    """The 17 global goals, each with the year's goals linked to it by their status."""
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    plan_year, periods, form, period = _year_and_period(request, year)
    return render(
        request,
        "followup/global_goal_index.html",
        {
            "plan_year": plan_year,
            "periods": periods,
            "period": period,
            "form": form,
            "summary": agenda.agenda_summary(plan_year, period, with_indicators=True),
        },
    )


def global_goal_detail(request: HttpRequest, year: int, number: int) -> HttpResponse:
    """One global goal: the year's goals linked to it with their status in the
    chosen period, and the indicators linked to it with their outcome."""
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    plan_year, periods, form, period = _year_and_period(request, year)
    goal = get_object_or_404(GlobalGoal, number=number)
    return render(
        request,
        "followup/global_goal_detail.html",
        {
            "plan_year": plan_year,
            "periods": periods,
            "period": period,
            "form": form,
            "page": agenda.global_goal_page(plan_year, goal, period),
        },
    )


def _choices(chosen: set[int]) -> list[tuple[GlobalGoal, object, bool]]:
    """(global goal, its swatch, whether chosen) for each of the 17: one query."""
    return [
        (goal, agenda.swatch(goal.colour), goal.number in chosen)
        for goal in GlobalGoal.objects.all()
    ]


def _ticked(request: HttpRequest) -> set[int]:
    values = request.POST.getlist("global_goals")[:100]
    return {
        int(value) for value in values if value.isascii() and value.isdigit() and len(value) < 6
    }


def _link_page(
    request: HttpRequest, *, current: set[int], save, subject: dict, back: str, error: str | None
) -> HttpResponse:
    """The checkboxes of the 17 global goals and their POST: `save(numbers)`
    writes, a refusal is said in Swedish and changes nothing."""
    form = GlobalGoalsForm(request.POST if request.method == "POST" else None)
    status, chosen = 200, current
    if request.method == "POST":
        # What was ticked is kept on the page whatever is refused.
        status, chosen = 400, _ticked(request)
        if error is None and form.is_valid():
            try:
                save(form.cleaned_data["global_goals"])
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                messages.success(request, _("The links to the global goals were saved."))
                return redirect(back)
    return render(
        request,
        "followup/global_goal_links.html",
        {"form": form, "choices": _choices(chosen), "error": error, "back": back, **subject},
        status=status,
    )


@permissions.redirects_anonymous
def node_global_goals(request: HttpRequest, pk: int) -> HttpResponse:
    """Link a municipal or committee goal to the global goals it serves."""
    if not permissions.can_link_global_goals(request.user):
        permissions.refuse(request)
    node = get_object_or_404(Node.objects.select_related("plan_year", "committee"), pk=pk)
    current = set(NodeGlobalGoal.objects.filter(node=node).values_list("global_goal_id", flat=True))

    def save(numbers: list[int]) -> tuple[int, int]:
        try:
            return node_global_goals_set(node=node, numbers=numbers, user=request.user)
        except Node.DoesNotExist:  # deleted while the form was open
            raise Http404 from None

    return _link_page(
        request,
        current=current,
        save=save,
        subject={"node": node, "subject": node.title},
        back=node.get_absolute_url(),
        error=rules.global_goal_link_error(node.kind),
    )


@permissions.redirects_anonymous
def indicator_global_goals(request: HttpRequest, pk: int) -> HttpResponse:
    """Link an indicator to the global goals it measures."""
    if not permissions.can_link_global_goals(request.user):
        permissions.refuse(request)
    indicator = get_object_or_404(Indicator.objects.select_related("node__plan_year"), pk=pk)
    current = set(
        IndicatorGlobalGoal.objects.filter(indicator=indicator).values_list(
            "global_goal_id", flat=True
        )
    )

    def save(numbers: list[int]) -> tuple[int, int]:
        try:
            return indicator_global_goals_set(
                indicator=indicator, numbers=numbers, user=request.user
            )
        except Indicator.DoesNotExist:
            raise Http404 from None

    return _link_page(
        request,
        current=current,
        save=save,
        subject={"node": indicator.node, "indicator": indicator, "subject": indicator.name},
        back=indicator.node.get_absolute_url() + "#indicators",
        error=None,
    )
