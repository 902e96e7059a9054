"""Assignments (uppdrag): a year's and a committee's lists, recording, changing
and deleting one, and their follow-up in a period."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from followup import services
from followup.assignment_forms import AssignmentFollowupForm, AssignmentForm
from followup.assignments import assignment_rows, with_followup
from followup.assignmentservices import StaleFollowupError, assignment_followups_save
from followup.forms import PeriodChoiceForm
from followup.models import Period, default_period
from goals import assignments as assignment_services
from goals import conflicts, permissions
from goals.assignmentmodels import Assignment
from goals.forms import VersionForm
from goals.models import Committee, PlanYear
from goals.services import ContentLockedError, StaleEditError


def _list_url(assignment: Assignment) -> str:
    return reverse("followup:assignment_list", kwargs={"year": assignment.plan_year.year})


@permissions.redirects_anonymous
def assignment_list(request: HttpRequest, year: int, slug: str | None = None) -> HttpResponse:
    """A year's assignments, or one committee's, with their status in a period."""
    if not permissions.can_read(request.user):
        permissions.refuse(request)
    plan_year = get_object_or_404(PlanYear, year=year)
    committee = get_object_or_404(Committee, slug=slug) if slug else None
    periods = list(
        Period.objects.for_year(plan_year).visible_to(request.user).select_related("plan_year")
    )
    period_form = PeriodChoiceForm(request.GET or None, periods=periods)
    today = timezone.localdate()
    period = period_form.selection(default_period(periods, today))
    rows = assignment_rows(
        plan_year,
        period,
        committee_ids=frozenset({committee.pk}) if committee else None,
        today=today,
    )
    return render(
        request,
        "followup/assignment_list.html",
        {
            "plan_year": plan_year,
            "committee": committee,
            "period": period,
            "period_form": period_form,
            "rows": rows,
            "overdue": sum(row.overdue for row in rows),
            "can_manage": permissions.can_manage_assignments(request.user),
        },
    )


def _year_for_new(request: HttpRequest, year: int) -> PlanYear:
    if not permissions.can_manage_assignments(request.user):
        permissions.refuse(request)
    return get_object_or_404(PlanYear, year=year)


def _assignment_for_edit(request: HttpRequest, pk: int) -> Assignment:
    """The assignment if the user may keep it: login page, 403, then 404."""
    if not permissions.can_manage_assignments(request.user):
        permissions.refuse(request)
    return get_object_or_404(Assignment.objects.select_related("plan_year"), pk=pk)


def _posted(request: HttpRequest):
    """The sent form, even when empty: an empty form is bad input, not a new page."""
    return request.POST if request.method == "POST" else None


@permissions.redirects_anonymous
def assignment_create(request: HttpRequest, year: int) -> HttpResponse:
    plan_year = _year_for_new(request, year)
    form = AssignmentForm(_posted(request), plan_year=plan_year)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = assignment_services.assignment_create(
                plan_year=plan_year, values=form.values(), user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The assignment “%(title)s” was recorded.") % {"title": assignment}
            )
            return redirect(_list_url(assignment))
    return render(
        request,
        "followup/assignment_form.html",
        {"form": form, "plan_year": plan_year},
        status=400 if form.errors else 200,
    )


@permissions.redirects_anonymous
def assignment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment_for_edit(request, pk)
    form = AssignmentForm(_posted(request), instance=assignment, plan_year=assignment.plan_year)
    status = 200
    conflict = None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                assignment_services.assignment_update(
                    assignment=assignment,
                    values=form.values(),
                    expected_version=form.cleaned_data["version"] or 0,
                    user=request.user,
                )
            except StaleEditError as stale:
                conflict = stale.current
                conflicts.keep_input(form, version=conflict.version)
                status = 409
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The assignment was saved."))
                return redirect(_list_url(assignment))
    return render(
        request,
        "followup/assignment_form.html",
        {
            "form": form,
            "plan_year": assignment.plan_year,
            "assignment": assignment,
            "conflict": conflict,
        },
        status=status,
    )


@permissions.redirects_anonymous
def assignment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment_for_edit(request, pk)
    form = VersionForm(request.POST or None, initial={"version": assignment.version})
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            assignment_services.assignment_delete(
                assignment=assignment, expected_version=form.cleaned_data["version"]
            )
        except StaleEditError as stale:
            conflict = True
            assignment.version = stale.current.version
            form = VersionForm(initial={"version": assignment.version})
        else:
            messages.success(
                request, _("The assignment “%(title)s” was deleted.") % {"title": assignment}
            )
            return redirect(_list_url(assignment))
    return render(
        request,
        "followup/assignment_delete.html",
        {"form": form, "assignment": assignment, "conflict": conflict},
        status=409 if conflict else 200,
    )


def followup_context(user, period: Period, data=None) -> dict:
    """The follow-up form of the assignments the user follows up in the period,
    for the entry page and the follow-up page. One query."""
    committee_ids = permissions.assignment_committees(user)
    assignments = Assignment.objects.for_year(period.plan_year_id).select_related("committee")
    if committee_ids is not None:
        assignments = assignments.filter(committee_id__in=committee_ids)
    rows = list(with_followup(assignments.in_order(), period))
    form = AssignmentFollowupForm(
        data, assignments=rows, disabled=period.is_closed and data is None
    )
    return {"assignment_form": form}


@permissions.redirects_anonymous
def assignment_followup(request: HttpRequest, pk: int) -> HttpResponse:
    """The follow-up of the user's committees' assignments in a period; the entry
    page shows the same form and posts it here."""
    if not permissions.can_edit_any(request.user):
        permissions.refuse(request)
    period = get_object_or_404(Period.objects.select_related("plan_year"), pk=pk)
    context = followup_context(
        request.user, period, request.POST if request.method == "POST" else None
    )
    form = context["assignment_form"]
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = assignment_followups_save(
                    period=period, entries=form.entries(), user=request.user
                )
            except services.PeriodClosedError:
                messages.error(
                    request,
                    _(
                        "The period has been closed, so nothing was saved. "
                        "Your text is still below; copy it if you need it."
                    ),
                )
                status = 409
            except ContentLockedError as error:
                messages.error(request, str(error))
                status = 403
            except StaleFollowupError as error:
                conflicts.keep_input(
                    form,
                    **{
                        f"aversion-{pk}": current.version if current else 0
                        for pk, current in error.current.items()
                    },
                )
                messages.error(
                    request,
                    _(
                        "Someone else saved the follow-up of an assignment after you opened "
                        "the page. Nothing was saved; save again to replace it with yours."
                    ),
                )
                status = 409
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if saved:
                    messages.success(
                        request,
                        _("The follow-up of %(count)s assignments was saved.") % {"count": saved},
                    )
                else:
                    messages.info(request, _("Nothing had changed, so nothing was saved."))
                if request.POST.get("back") == "entry":
                    return redirect(period.entry_url() + "#assignments")
                return redirect(reverse("followup:assignment_followup", kwargs={"pk": period.pk}))
    return render(
        request,
        "followup/assignment_followup.html",
        {"period": period, **context},
        status=status,
    )
