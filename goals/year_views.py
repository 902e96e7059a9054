"""The plan year's decisions: the council's adoption of the year's goals, and each
committee's adoption of its operational plan.

Every change of state is a page: GET shows what will happen, POST does it, so
it works without JavaScript and nothing changes on one click.
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goals import approvalsteps, permissions, services
from goals.approvalmodels import OperationalPlan, plan_state_label
from goals.forms import PlanYearAdoptForm, ReasonForm
from goals.models import Committee, Node, PlanYear


@permissions.officials_only
def plan_year_adopt(request: HttpRequest, year: int) -> HttpResponse:
    """Record the council's decision adopting the year's goals: draft → adopted."""
    plan_year = get_object_or_404(PlanYear, year=year)
    form = PlanYearAdoptForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.plan_year_adopt(
                    plan_year=plan_year,
                    decision_body=form.cleaned_data["decision_body"],
                    **form.decision(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("The plan year %(year)s is adopted.") % {"year": plan_year.year}
                )
                return redirect("followup:plan_year_list")
    return render(
        request,
        "goals/state_change.html",
        {
            "heading": _("Adopt the plan year %(year)s") % {"year": plan_year.year},
            "consequences": [
                _("The decision is recorded with the year's goals and shown with them."),
                _("The year stays open for the committees' operational plans."),
            ],
            "form": form,
            "submit_label": _("Record the decision"),
            "cancel_url": "followup:plan_year_list",
            "refused": plan_year.is_adopted,
            "refused_text": _("The plan year has already been adopted."),
        },
        status=status,
    )


@permissions.officials_only
def plan_year_reopen(request: HttpRequest, year: int) -> HttpResponse:
    """Back to draft, with the reason recorded."""
    plan_year = get_object_or_404(PlanYear, year=year)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.plan_year_reopen(plan_year=plan_year, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The plan year %(year)s is a draft again.") % {"year": plan_year.year},
                )
                return redirect("followup:plan_year_list")
    return render(
        request,
        "goals/state_change.html",
        {
            "heading": _("Reopen the plan year %(year)s") % {"year": plan_year.year},
            "consequences": [
                _("The recorded decision (%(decision)s) no longer marks the year as adopted.")
                % {"decision": plan_year.decision_summary or "–"},
                _("The reason is kept in the year's history."),
            ],
            "form": form,
            "submit_label": _("Reopen"),
            "cancel_url": "followup:plan_year_list",
            "refused": not plan_year.is_adopted,
            "refused_text": _("The plan year is not adopted."),
        },
        status=status,
    )


def plan_context(user, plan_year: PlanYear, committee: Committee) -> dict:
    """What the operational plan page shows of the plan's approval and its
    activities' plans, and the steps the user may take. Two queries."""
    plan = OperationalPlan.of(plan_year, committee)
    steps = [
        (slug, PLAN_STEP_HEADINGS[step] % {"committee": committee.name})
        for slug, step in PLAN_STEPS.items()
        if services.APPROVAL_STEPS[step][0] == plan.state
        and (
            permissions.can_mark_ready(user, committee.pk)
            if services.APPROVAL_STEPS[step][2] == "secretary"
            else permissions.can_record_approval(user)
        )
    ]
    return {
        "plan": plan,
        "plan_steps": steps,
        "activity_plans": Node.objects.for_year(plan_year).activity_plans(committee.pk),
    }


# The operational plan's steps in the URL, Swedish as the other URLs.
PLAN_STEPS = {
    "klar": "mark_ready",
    "ej-klar": "unmark_ready",
    "beslut": "approve",
    "ateroppna": "reopen",
}


@permissions.redirects_anonymous
def operational_plan_step(request: HttpRequest, year: int, slug: str, step: str) -> HttpResponse:
    """Mark a committee's operational plan ready (its secretary), unmark it, record
    the committee's adoption or reopen it (officials)."""
    if step not in PLAN_STEPS:
        return render(request, "404.html", status=404)
    step = PLAN_STEPS[step]
    approvalsteps.refuse_unless_some_step_allowed(request, step)
    plan_year = get_object_or_404(PlanYear, year=year)
    committee = get_object_or_404(Committee, slug=slug)
    approvalsteps.refuse_unless_step_allowed(request, step, committee.pk)
    heading = PLAN_STEP_HEADINGS[step] % {"committee": committee.name}
    return approvalsteps.approval_step_page(
        request,
        step=step,
        approval=OperationalPlan.objects.filter(plan_year=plan_year, committee=committee).first(),
        take=partial(
            services.operational_plan_step, plan_year=plan_year, committee=committee, step=step
        ),
        texts=approvalsteps.StepTexts(
            heading=heading,
            consequences=PLAN_STEP_CONSEQUENCES[step],
            done=_("The operational plan of %(committee)s is now “%(state)s”.")
            % {
                "committee": committee.name,
                "state": plan_state_label(services.APPROVAL_STEPS[step][1]),
            },
            stale=_("Someone else changed the plan's state meanwhile. Nothing was saved."),
        ),
        state_label=plan_state_label,
        back=committee.plan_url(plan_year.year),
    )


PLAN_STEP_HEADINGS = {
    "mark_ready": gettext_lazy(
        "Mark the operational plan of %(committee)s ready for the committee"
    ),
    "unmark_ready": gettext_lazy("Take back the operational plan of %(committee)s for more work"),
    "approve": gettext_lazy("Record the adoption of the operational plan of %(committee)s"),
    "reopen": gettext_lazy("Reopen the operational plan of %(committee)s"),
}
PLAN_STEP_CONSEQUENCES = {
    "mark_ready": [
        gettext_lazy("The officials see that the plan is ready for the committee's decision."),
        gettext_lazy("The secretaries can still change the plan until the committee adopts it."),
    ],
    "unmark_ready": [gettext_lazy("The plan is a draft again.")],
    "approve": [
        gettext_lazy(
            "The committee's goals and activities of the year are locked: nobody can change "
            "them until an official reopens the plan."
        ),
    ],
    "reopen": [
        gettext_lazy("The committee's goals and activities can be changed again."),
        gettext_lazy("The reason is kept in the plan's history."),
    ],
}
