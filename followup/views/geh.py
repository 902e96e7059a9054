"""Pages for sound financial management (god ekonomisk hushållning) and the
reports the council and the committees adopt: as a page for print, as Word and
as PDF."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from followup import approvalmodels, exports, geh, pdf, reports
from followup.geh_forms import BalanceStatementForm, GehEvaluationForm, GehGoalsForm
from followup.gehmodels import BalanceDeficit, BalanceStatement, GehEvaluation
from followup.models import Period
from followup.services import PeriodClosedError
from followup.views.report import visible_period
from goals import conflicts, permissions
from goals.models import Committee, Node, NodeKind, PlanYear
from goals.services import StaleEditError, nodes_geh_roles_set

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _geh_keeper_only(request: HttpRequest) -> HttpResponse | None:
    if not permissions.can_keep_geh(request.user):
        return permissions.deny(request)
    return None


# --- reading -----------------------------------------------------------------


def geh_year(request: HttpRequest, year: int) -> HttpResponse:
    """A plan year's periods, each with its verdict on sound financial management."""
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    plan_year = get_object_or_404(PlanYear, year=year)
    periods = list(
        Period.objects.for_year(plan_year).visible_to(request.user).select_related("geh_evaluation")
    )
    return render(
        request,
        "followup/geh_year.html",
        {
            "plan_year": plan_year,
            "periods": periods,
            "can_keep": permissions.can_keep_geh(request.user),
        },
    )


def geh_period(request: HttpRequest, pk: int) -> HttpResponse:
    """The evaluation, the goals for sound financial management and the balance
    requirement statement of one period."""
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    period = visible_period(request, pk)
    return render(
        request,
        "followup/geh.html",
        {
            "period": period,
            "geh": geh.geh_report(period),
            "can_keep": permissions.can_keep_geh(request.user),
        },
    )


# --- officials' forms ----------------------------------------------------------


def _period_for_edit(pk: int) -> Period:
    return get_object_or_404(Period.objects.select_related("plan_year"), pk=pk)


def _period_record_edit(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[], object],
    *,
    saved_message: str,
    template: str,
    context: dict,
) -> HttpResponse:
    """The edit page of one of a period's records (`context["period"]`'s): on a
    valid POST `save` writes it from `form` and the page goes back to the
    period. A refusal goes on the form: 409 for a closed period and for someone
    else's save meanwhile, whose stored record the page shows as `conflict`
    (the form keeps what was entered, with the stored version, to be saved
    again knowingly); 400 for invalid input."""
    period = context["period"]
    status, conflict = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                save()
            except PeriodClosedError:
                form.add_error(None, _("The period is closed: nothing was saved."))
                status = 409
            except StaleEditError as stale:
                conflict = stale.current
                conflicts.keep_input(form, version=conflict.version if conflict else 0)
                status = 409
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, saved_message)
                return redirect("followup:geh_period", pk=period.pk)
    return render(request, template, {**context, "form": form, "conflict": conflict}, status=status)


def geh_evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if denied := _geh_keeper_only(request):
        return denied
    period = _period_for_edit(pk)
    evaluation = GehEvaluation.objects.filter(period=period).first()
    initial = {"version": evaluation.version if evaluation else 0}
    if evaluation:
        initial.update(verdict=evaluation.verdict, justification=evaluation.justification)
    form = GehEvaluationForm(request.POST or None, initial=initial)
    return _period_record_edit(
        request,
        form,
        lambda: geh.geh_evaluation_save(
            period=period,
            verdict=form.cleaned_data["verdict"],
            justification=form.cleaned_data["justification"],
            expected_version=form.cleaned_data["version"],
            user=request.user,
        ),
        saved_message=_("The evaluation was saved."),
        template="followup/geh_evaluation_form.html",
        context={"period": period},
    )


def balance_statement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if denied := _geh_keeper_only(request):
        return denied
    period = _period_for_edit(pk)
    statement = BalanceStatement.objects.filter(period=period).first()
    deficits = list(BalanceDeficit.objects.filter(statement=statement)) if statement else []
    unit = geh.balance_unit()
    form = BalanceStatementForm(
        request.POST or None,
        unit=unit,
        deficit_rows=len(deficits),
        initial=_statement_initial(statement, deficits, unit),
    )
    return _period_record_edit(
        request,
        form,
        lambda: geh.balance_statement_save(
            period=period,
            entry=form.entry(),
            expected_version=form.cleaned_data["version"],
            user=request.user,
        ),
        saved_message=_("The balance requirement statement was saved."),
        template="followup/balance_statement_form.html",
        context={"period": period, "unit": unit},
    )


def _statement_initial(statement, deficits, unit: geh.Unit) -> dict:
    if statement is None:
        return {"version": 0}
    initial = {"version": statement.version}
    for line in geh.ENTERED_LINES:
        initial[line.name] = geh.in_unit(getattr(statement, line.name), unit)
    for index, deficit in enumerate(deficits):
        initial[f"deficit-{index}-arose_in"] = deficit.arose_in
        initial[f"deficit-{index}-amount"] = geh.in_unit(deficit.amount, unit)
        initial[f"deficit-{index}-restore_by"] = deficit.restore_by
    return initial


def geh_goals_edit(request: HttpRequest, year: int) -> HttpResponse:
    """Which of the year's municipal goals are financial goals and which are
    operational goals of importance for sound financial management."""
    if denied := _geh_keeper_only(request):
        return denied
    plan_year = get_object_or_404(PlanYear, year=year)
    goals = list(Node.objects.for_year(plan_year).of_kind(NodeKind.MUNICIPAL_GOAL).in_tree_order())
    form = GehGoalsForm(request.POST or None, goals=goals)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                changed = nodes_geh_roles_set(
                    plan_year=plan_year,
                    roles=form.roles(),
                    versions=form.versions(),
                    user=request.user,
                )
            except StaleEditError:
                form.add_error(
                    None,
                    _(
                        "Someone else changed a goal after you opened the page. Nothing was "
                        "saved; open the page again to see the change."
                    ),
                )
                status = 409
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("%(count)s goals were changed.") % {"count": changed})
                return redirect("followup:geh_year", year=plan_year.year)
    return render(
        request,
        "followup/geh_goals_form.html",
        {"plan_year": plan_year, "form": form},
        status=status,
    )


# --- the reports as documents ----------------------------------------------------


def _document_context(period: Period) -> dict:
    plan_year = period.plan_year
    decision = None
    if plan_year.is_adopted:
        decision = _("The goals adopted by %(body)s, %(decision)s.") % {
            "body": plan_year.decision_body or _("the council"),
            "decision": plan_year.decision_summary,
        }
    return {"period": period, "municipality_name": settings.MUNICIPALITY_NAME, "decision": decision}


def _committee_decision(report: reports.CommitteeReport) -> str | None:
    """“Approved by Barn- och utbildningsnämnden, 2026-09-21 § 45, dnr BUN 2026/88.”,
    once the committee has approved its part of the period."""
    approval = (
        approvalmodels.CommitteeReport.objects.approved()
        .filter(period=report.period, committee=report.committee)
        .first()
    )
    if approval is None:
        return None
    return _("Approved by %(committee)s, %(decision)s.") % {
        "committee": report.committee.name,
        "decision": approval.decision_summary,
    }


def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The goal section of the interim or annual report as the council adopts it."""
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    period = visible_period(request, pk)
    context = _document_context(period) | {
        "report": reports.period_report(period, reader=request.user)
    }
    return pdf.pdf_response(
        request,
        "followup/pdf/council_report.html",
        context,
        exports.filename(period, "pdf"),
    )


def _committee_report(request: HttpRequest, pk: int, slug: str) -> reports.CommitteeReport:
    period = visible_period(request, pk)
    committee = get_object_or_404(Committee, slug=slug)
    return reports.committee_report(period, committee, reader=request.user)


def _committee_filename(report: reports.CommitteeReport, extension: str) -> str:
    base = exports.filename(report.period, extension).rsplit(".", 1)[0]
    return f"{base}-{slugify(report.committee.short_name or report.committee.name)}.{extension}"


def committee_report(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """A committee's goals and activities in a period, printable."""
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    report = _committee_report(request, pk, slug)
    return render(
        request,
        "followup/committee_report.html",
        {"period": report.period, "report": report},
    )


def committee_report_docx(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    report = _committee_report(request, pk, slug)
    response = HttpResponse(exports.committee_to_docx(report), content_type=DOCX)
    response["Content-Disposition"] = (
        f'attachment; filename="{_committee_filename(report, "docx")}"'
    )
    return response


def committee_report_pdf(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    report = _committee_report(request, pk, slug)
    context = _document_context(report.period) | {
        "report": report,
        "committee_decision": _committee_decision(report),
    }
    return pdf.pdf_response(
        request,
        "followup/pdf/committee_report.html",
        context,
        _committee_filename(report, "pdf"),
    )
