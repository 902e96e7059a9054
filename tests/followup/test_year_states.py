"""The year as a municipality runs it: periods' states and deadline, committee
approval and its lock, the progress and audit pages, the auditor."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from followup import services
from followup.approvalmodels import CommitteeReport
from followup.gehmodels import BalanceDeficit, BalanceStatement, GehEvaluation
from followup.models import Assessment, Period, PeriodState
from goals import services as goal_services
from goals.approvalmodels import ApprovalState
from goals.models import Node, NodeKind, PlanYearState
from goals.services import ContentLockedError
from tests.factories import add_indicator, build_tree, grow_tree

OUTLINE = """
    Vision
      P
        D
          M
            Mål BUN [bun]
              Akt BUN [bun]
            Mål SN [sn]
"""
TODAY = timezone.localdate()


@pytest.fixture
def tree(plan_year, committees, periods):
    return build_tree(plan_year, OUTLINE)


def _save(period, node, user, status="met"):
    entry = services.Entry(node=node, status=status, analysis="Text", version=0)
    return services.assessments_save(period=period, entries=[entry], user=user)


def _approve(period, committee, official, secretary):
    services.committee_report_step(
        period=period, committee=committee, step="mark_ready", expected_version=1, user=secretary
    )
    return services.committee_report_step(
        period=period,
        committee=committee,
        step="approve",
        expected_version=2,
        user=official,
        decision={"decided_on": TODAY, "paragraph": "12", "registration_number": "BUN 2026/1"},
    )


# --- periods -------------------------------------------------------------------------


def test_a_started_year_has_planned_periods_that_refuse_input(committees, secretary):
    plan_year = services.plan_year_start(source=None, year=2027)
    periods = list(Period.objects.for_year(plan_year))
    assert [period.state for period in periods] == [PeriodState.PLANNED] * 2
    assert not Period.objects.open().filter(plan_year=plan_year).exists()


def test_the_start_page_keeps_this_years_open_period_after_next_year_is_started(
    client, tree, periods, secretary
):
    services.plan_year_start(source=periods[1].plan_year, year=2027)
    client.force_login(secretary)
    html = client.get(reverse("followup:start")).content.decode()
    assert periods[1].entry_url() in html
    assert "Röd tråd 2026" in html


@pytest.mark.parametrize(
    ("action", "start", "end"),
    [
        ("open", PeriodState.PLANNED, PeriodState.OPEN),
        ("close", PeriodState.OPEN, PeriodState.CLOSED),
        ("publish", PeriodState.CLOSED, PeriodState.PUBLISHED),
        ("publish", PeriodState.OPEN, PeriodState.PUBLISHED),
        ("unpublish", PeriodState.PUBLISHED, PeriodState.CLOSED),
        ("reopen", PeriodState.CLOSED, PeriodState.OPEN),
    ],
)
def test_each_period_transition(periods, action, start, end):
    period = periods[1]
    Period.objects.filter(pk=period.pk).update(
        state=start, published_at=timezone.now() if start == PeriodState.PUBLISHED else None
    )
    changed = services.period_set_state(
        period=period, action=action, reason="Rättelse", deadline=TODAY
    )
    assert changed.state == end
    assert Period.objects.get(pk=period.pk).state == end


@pytest.mark.parametrize(
    ("action", "start"),
    [
        ("open", PeriodState.OPEN),
        ("close", PeriodState.PLANNED),
        ("publish", PeriodState.PLANNED),
        ("unpublish", PeriodState.CLOSED),
        ("reopen", PeriodState.PLANNED),
    ],
)
def test_a_transition_from_the_wrong_state_is_refused(periods, action, start):
    period = periods[1]
    Period.objects.filter(pk=period.pk).update(state=start)
    with pytest.raises(ValidationError):
        services.period_set_state(period=period, action=action, reason="x", deadline=TODAY)
    assert Period.objects.get(pk=period.pk).state == start


def test_reopening_needs_a_reason_and_a_deadline_not_past(periods):
    period = periods[1]
    services.period_set_state(period=period, action="close")
    with pytest.raises(ValidationError):
        services.period_set_state(period=period, action="reopen", reason="", deadline=TODAY)
    with pytest.raises(ValidationError):
        services.period_set_state(
            period=period, action="reopen", reason="x", deadline=TODAY - datetime.timedelta(1)
        )
    services.period_set_state(period=period, action="reopen", reason="Sen rättelse", deadline=TODAY)
    assert period.history.first().history_change_reason == "Sen rättelse"


def test_a_period_past_its_deadline_refuses_input_without_anyone_closing_it(
    settings, tree, periods, secretary
):
    settings.PERIODS_CLOSE_AT_DEADLINE = True
    period = periods[1]
    Period.objects.filter(pk=period.pk).update(deadline=TODAY - datetime.timedelta(days=1))
    period.refresh_from_db()
    assert period.state == PeriodState.OPEN and period.is_closed
    with pytest.raises(services.PeriodClosedError):
        _save(period, tree["Mål BUN"], secretary)
    assert not Assessment.objects.exists()
    assert period not in Period.objects.open()


def test_the_setting_turns_the_deadline_rule_off(settings, tree, periods, secretary):
    settings.PERIODS_CLOSE_AT_DEADLINE = False
    period = periods[1]
    Period.objects.filter(pk=period.pk).update(deadline=TODAY - datetime.timedelta(days=1))
    period.refresh_from_db()
    assert _save(period, tree["Mål BUN"], secretary) == 1


def test_the_daily_command_records_the_closing_in_the_history(settings, periods):
    settings.PERIODS_CLOSE_AT_DEADLINE = True
    past, future = periods
    Period.objects.filter(pk=past.pk).update(deadline=TODAY - datetime.timedelta(days=1))
    Period.objects.filter(pk=future.pk).update(deadline=TODAY)
    call_command("close_periods", stdout=io.StringIO())
    past.refresh_from_db()
    future.refresh_from_db()
    assert (past.state, future.state) == (PeriodState.CLOSED, PeriodState.OPEN)
    record = past.history.first()
    assert record.state == PeriodState.CLOSED
    assert record.history_change_reason == "Stängd vid sista dag"


def test_closing_with_unassessed_items_shows_them_and_asks_first(client, official, tree, periods):
    client.force_login(official)
    url = reverse("followup:period_action", kwargs={"pk": periods[1].pk})
    html = client.get(url, {"action": "close"}).content.decode()
    assert "Det finns fortfarande obedömda poster" in html
    assert "Barn- och utbildningsnämnden" in html
    periods[1].refresh_from_db()
    assert periods[1].state == PeriodState.OPEN  # the GET changed nothing
    assert client.post(url, {"action": "close"}).status_code == 302
    periods[1].refresh_from_db()
    assert periods[1].state == PeriodState.CLOSED


# --- committee approval ----------------------------------------------------------------


def test_approved_follow_up_is_locked_for_the_secretary_with_a_clear_message(
    client, tree, periods, committees, secretary, official
):
    period = periods[1]
    _approve(period, committees["bun"], official, secretary)
    node = tree["Mål BUN"]
    with pytest.raises(ContentLockedError):
        _save(period, node, secretary)
    client.force_login(secretary)
    response = client.post(
        period.entry_url(),
        {f"status-{node.pk}": "met", f"analysis-{node.pk}": "Sent", f"version-{node.pk}": 0},
    )
    assert response.status_code == 403
    assert "är beslutad av nämnden och låst" in response.content.decode()
    assert not Assessment.objects.exists()


def test_another_committees_approval_does_not_lock_the_secretary(
    tree, periods, committees, secretary, secretary2, official
):
    _approve(periods[1], committees["sn"], official, secretary2)
    assert _save(periods[1], tree["Mål BUN"], secretary) == 1


def test_reopening_needs_a_reason_and_unlocks(tree, periods, committees, secretary, official):
    period = periods[1]
    report = _approve(period, committees["bun"], official, secretary)
    assert report.decision_summary == f"{TODAY.isoformat()} § 12, dnr BUN 2026/1"
    with pytest.raises(ValidationError):
        services.committee_report_step(
            period=period, committee=committees["bun"], step="reopen", expected_version=3
        )
    services.committee_report_step(
        period=period,
        committee=committees["bun"],
        step="reopen",
        expected_version=3,
        user=official,
        reason="Fel siffra",
    )
    report = CommitteeReport.objects.get()
    assert report.state == ApprovalState.IN_PROGRESS and report.reopen_reason == "Fel siffra"
    assert _save(period, tree["Mål BUN"], secretary) == 1


@pytest.mark.parametrize(
    ("step", "start"),
    [
        ("unmark_ready", ApprovalState.IN_PROGRESS),
        ("approve", ApprovalState.IN_PROGRESS),
        ("reopen", ApprovalState.READY),
        ("mark_ready", ApprovalState.APPROVED),
    ],
)
def test_an_approval_step_from_the_wrong_state_is_refused(periods, committees, step, start):
    CommitteeReport.objects.create(
        period=periods[1], committee=committees["bun"], state=start, decided_on=TODAY
    )
    with pytest.raises(ValidationError):
        services.committee_report_step(
            period=periods[1],
            committee=committees["bun"],
            step=step,
            expected_version=1,
            decision={"decided_on": TODAY},
            reason="x",
        )
    assert CommitteeReport.objects.get().state == start


def test_the_approval_journey_through_the_pages(
    client, tree, periods, committees, secretary, official
):
    period = periods[1]

    def url(step):
        return reverse(
            "followup:committee_report_step",
            kwargs={"pk": period.pk, "slug": "bun", "step": step},
        )

    client.force_login(secretary)
    assert client.post(url("klar"), {"version": 1}).status_code == 302
    assert client.post(url("beslut"), {"decided_on": TODAY}).status_code == 403
    client.force_login(official)
    response = client.post(url("beslut"), {"version": 2, "decided_on": "", "paragraph": "1"})
    assert response.status_code == 400
    assert "Ange beslutsdatum" in response.content.decode()
    response = client.post(url("beslut"), {"version": 2, "decided_on": TODAY, "paragraph": "7"})
    assert response.status_code == 302
    assert CommitteeReport.objects.get().state == ApprovalState.APPROVED
    progress_html = client.get(
        reverse("followup:period_progress", kwargs={"pk": period.pk})
    ).content.decode()
    assert "beslutad" in progress_html and "§ 7" in progress_html


def test_an_adopted_operational_plan_locks_the_committees_goals(
    tree, plan_year, committees, secretary, official
):
    goal_services.operational_plan_step(
        plan_year=plan_year, committee=committees["bun"], step="mark_ready", expected_version=1
    )
    goal_services.operational_plan_step(
        plan_year=plan_year,
        committee=committees["bun"],
        step="approve",
        expected_version=2,
        decision={"decided_on": TODAY},
    )
    with pytest.raises(ContentLockedError):
        goal_services.node_update(
            node=tree["Akt BUN"], expected_version=1, title="Ändrad", description=""
        )
    with pytest.raises(ContentLockedError):
        goal_services.node_create(
            plan_year=plan_year,
            parent=tree["Mål BUN"],
            kind=NodeKind.ACTIVITY,
            title="Ny",
            committee=committees["bun"],
        )
    # Another committee's goals stay open.
    goal_services.node_update(node=tree["Mål SN"], expected_version=1, title="Ny", description="")


def test_the_plan_year_is_adopted_with_the_councils_decision(plan_year):
    adopted = goal_services.plan_year_adopt(
        plan_year=plan_year,
        decision_body="Kommunfullmäktige",
        decided_on=datetime.date(2025, 11, 24),
        paragraph="112",
        registration_number="KS 2025/301",
    )
    assert adopted.state == PlanYearState.ADOPTED
    assert adopted.decision_summary == "2025-11-24 § 112, dnr KS 2025/301"
    with pytest.raises(ValidationError):
        goal_services.plan_year_adopt(
            plan_year=plan_year, decision_body="KF", decided_on=datetime.date(2025, 11, 24)
        )


# --- activities as plans ------------------------------------------------------------------


def test_only_activities_have_plan_fields_and_end_after_they_start(tree, plan_year):
    with pytest.raises(ValidationError):
        goal_services.node_update(
            node=tree["Mål BUN"], expected_version=1, title="x", description="", responsible="A"
        )
    with pytest.raises(ValidationError):
        goal_services.node_update(
            node=tree["Akt BUN"],
            expected_version=1,
            title="x",
            description="",
            start_date=datetime.date(2026, 5, 1),
            end_date=datetime.date(2026, 4, 1),
        )
    activity = goal_services.node_update(
        node=tree["Akt BUN"],
        expected_version=1,
        title="x",
        description="",
        responsible="Rektor",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 6, 30),
        cost_estimate=50000,
    )
    assert activity.responsible == "Rektor"


# --- the progress and audit pages -----------------------------------------------------------


@pytest.mark.parametrize("goals", [3, 30])
def test_the_progress_page_costs_the_same_queries_at_any_size(
    client, official, plan_year, committees, periods, goals, django_assert_num_queries
):
    grow_tree(plan_year, committees, goals)
    client.force_login(official)
    # Expect 8 queries:
    # * the session, the user, the user's roles
    # * the period with its plan year
    # * the nodes to assess per committee, the assessed per committee, the committees
    # * the assignments followed up per committee
    # * the committees' reports
    with django_assert_num_queries(9):
        response = client.get(reverse("followup:period_progress", kwargs={"pk": periods[1].pk}))
    assert response.status_code == 200


@pytest.mark.parametrize("goals", [3, 30])
def test_the_audit_page_costs_the_same_queries_at_any_size(
    client, auditor, plan_year, committees, periods, goals, django_assert_num_queries
):
    nodes = grow_tree(plan_year, committees, goals)
    period = periods[1]
    # Everything below is saved after the deadline: the goals and activities
    # just grown, an assessment, an indicator and its outcome, a committee's
    # approval, and the period's sound financial management.
    Period.objects.filter(pk=period.pk).update(deadline=TODAY - datetime.timedelta(days=3))
    goal = next(node for node in nodes if node.kind == NodeKind.COMMITTEE_GOAL)
    Assessment.objects.create(node=goal, period=period, status="met")
    add_indicator(goal, "Andel", target=80, outcomes={period: 75})
    CommitteeReport.objects.create(period=period, committee=goal.committee)
    GehEvaluation.objects.create(period=period, verdict="reached", justification="Ja.")
    statement = BalanceStatement.objects.create(period=period, result=1000)
    BalanceDeficit.objects.create(statement=statement, arose_in=2024, amount=5, restore_by=2027)
    _follow_up_assignment(period, goal.committee)
    client.force_login(auditor)
    # Expect 19 queries:
    # * the session, the user, the user's roles
    # * the period with its plan year
    # * the goals and activities; the period's first deadline (its history);
    # * the changes after it, each with who made them: the assessments, the
    #   outcomes, the committees' approvals, the goals and activities (and
    #   their records before), the indicators, the evaluation of sound
    #   financial management, the balance requirement statement, its deficits,
    #   the assignments' follow-up
    # * the statuses and analyses; the indicators' statuses; the goals with indicators
    with django_assert_num_queries(19):
        response = client.get(reverse("followup:period_audit", kwargs={"pk": periods[1].pk}))
    assert response.status_code == 200


def _follow_up_assignment(period, committee, title="Utred skolskjutsarna"):
    """An assignment to `committee`, followed up in `period` through the service (with history)."""
    from followup.assignmentservices import FollowupEntry, assignment_followups_save
    from goals.assignmentmodels import Assignment

    assignment = Assignment.objects.create(
        plan_year_id=period.plan_year_id, committee=committee, title=title
    )
    entry = FollowupEntry(assignment=assignment, status="in_progress", analysis="", version=0)
    assignment_followups_save(period=period, entries=[entry], user=None)
    return assignment


def test_the_progress_page_counts_each_committees_assignments_followed_up(
    client, official, tree, periods, committees
):
    from goals.assignmentmodels import Assignment

    period = periods[1]
    _follow_up_assignment(period, committees["bun"])
    _follow_up_assignment(periods[0], committees["bun"], title="Utred lokalerna")  # another period
    Assignment.objects.create(plan_year=period.plan_year, committee=committees["sn"], title="Nytt")
    client.force_login(official)
    response = client.get(reverse("followup:period_progress", kwargs={"pk": period.pk}))
    rows = {row.committee.short_name: row for row in response.context["progress"].committees}
    assert (rows["BUN"].assignments_followed_up, rows["BUN"].assignments) == (1, 2)
    assert (rows["SN"].assignments_followed_up, rows["SN"].assignments) == (0, 1)
    url = reverse(
        "followup:committee_assignments",
        kwargs={"year": period.plan_year.year, "slug": committees["bun"].slug},
    )
    html = response.content.decode()
    assert "Uppdrag följda upp" in html
    assert f'<a href="{url}?period={period.pk}">1 / 2' in html


def test_the_audit_page_shows_late_changes_divergences_and_gaps(
    client, auditor, tree, periods, secretary
):
    period = periods[1]
    _save(period, tree["Akt BUN"], secretary, status="not_started")
    _save(period, tree["Mål BUN"], secretary, status="met")  # its activity suggests otherwise
    Period.objects.filter(pk=period.pk).update(deadline=TODAY - datetime.timedelta(days=3))
    # The tree was built before the deadline.
    Node.history.update(history_date=timezone.now() - datetime.timedelta(days=10))
    client.force_login(auditor)
    response = client.get(reverse("followup:period_audit", kwargs={"pk": period.pk}))
    audit = response.context["audit"]
    assert {change.what for change in audit.late_changes} == {"Akt BUN", "Mål BUN"}
    assert [item.title for item in audit.divergences] == ["Mål BUN"]
    assert "M" in {item.title for item in audit.without_indicators}
    assert "Mål SN" in {item.title for item in audit.without_analysis}
    assert "Mål BUN" not in {item.title for item in audit.without_analysis}


def test_the_auditor_reads_but_cannot_assess(client, auditor, tree, periods):
    node = tree["Mål BUN"]
    client.force_login(auditor)
    assert client.get(node.get_absolute_url()).status_code == 200
    response = client.post(
        periods[1].entry_url(), {f"status-{node.pk}": "met", f"version-{node.pk}": 0}
    )
    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_the_public_start_page_leads_with_the_latest_year_with_published_follow_up(
    client, settings, tree, periods
):
    settings.PUBLIC_ACCESS = True
    services.plan_year_start(source=periods[1].plan_year, year=2027)
    html = client.get(reverse("followup:start")).content.decode()
    assert "Ingen uppföljning har publicerats än." in html
    Period.objects.filter(pk=periods[0].pk).update(
        state=PeriodState.PUBLISHED, published_at=timezone.now()
    )
    response = client.get(reverse("followup:start"))
    assert response.context["current_year"].year == 2026
    assert "Röd tråd 2026" in response.content.decode()


def test_the_audit_counts_changes_after_the_first_deadline_even_once_reopened(
    auditor, tree, periods, secretary
):
    from followup.progress import period_audit

    period = periods[1]
    Period.objects.filter(pk=period.pk).update(deadline=TODAY - datetime.timedelta(days=3))
    Node.history.update(history_date=timezone.now() - datetime.timedelta(days=10))
    period.refresh_from_db()
    services.period_set_state(period=period, action="close")
    services.period_set_state(
        period=period, action="reopen", reason="Sent inkommet", deadline=TODAY
    )
    _save(period, tree["Mål BUN"], secretary)
    period.refresh_from_db()
    assert period.deadline == TODAY
    assert [change.what for change in period_audit(period).late_changes] == ["Mål BUN"]


def test_an_operational_plan_goes_draft_ready_adopted_and_back_with_a_reason(
    plan_year, committees, secretary, official
):
    from goals.approvalmodels import OperationalPlan

    bun = committees["bun"]

    def step(name, version, **extra):
        return goal_services.operational_plan_step(
            plan_year=plan_year, committee=bun, step=name, expected_version=version, **extra
        )

    assert step("mark_ready", 1, user=secretary).state == ApprovalState.READY
    assert step("unmark_ready", 2, user=secretary).state == ApprovalState.IN_PROGRESS
    assert step("mark_ready", 3, user=secretary).state == ApprovalState.READY
    with pytest.raises(ValidationError):
        step("approve", 4, decision={})  # no decision date
    adopted = step("approve", 4, user=official, decision={"decided_on": TODAY, "paragraph": "9"})
    assert adopted.state == ApprovalState.APPROVED and adopted.updated_by == official
    with pytest.raises(goal_services.StaleEditError):
        step("reopen", 4, reason="x")
    with pytest.raises(ValidationError):
        step("reopen", 5, reason=" ")
    reopened = step("reopen", 5, user=official, reason="Nytt uppdrag från KF")
    assert reopened.state == ApprovalState.IN_PROGRESS
    assert OperationalPlan.history.filter(history_change_reason="Nytt uppdrag från KF").exists()


def test_a_planned_periods_entry_page_says_it_is_not_yet_open(client, secretary, tree, periods):
    Period.objects.filter(pk=periods[1].pk).update(state=PeriodState.PLANNED)
    client.force_login(secretary)
    html = client.get(periods[1].entry_url()).content.decode()
    assert "Perioden är inte öppen för inmatning än" in html
    assert "Spara allt" not in html


def test_the_audit_lists_approvals_goal_changes_indicators_and_geh_saved_after_the_deadline(
    client, auditor, official, secretary, tree, periods, committees
):
    from followup.gehmodels import GehEvaluation

    period = periods[1]
    Node.history.update(history_date=timezone.now() - datetime.timedelta(days=10))
    Period.objects.filter(pk=period.pk).update(deadline=TODAY - datetime.timedelta(days=3))
    period.refresh_from_db()
    goal = tree["Mål BUN"]
    goal_services.node_update(
        node=goal,
        expected_version=goal.version,
        title="Mål BUN, omskrivet",
        description="Ny text",
    )
    add_indicator(tree["Mål SN"], "Väntetid", target=10)
    _approve(period, committees["bun"], official, secretary)
    GehEvaluation.objects.create(period=period, verdict="reached", justification="Ja.")
    _follow_up_assignment(period, committees["sn"])
    client.force_login(auditor)
    response = client.get(reverse("followup:period_audit", kwargs={"pk": period.pk}))
    changes = {}  # the newest change of each thing: the list is newest first
    for change in response.context["audit"].late_changes:
        changes.setdefault(change.what, change)
    assert changes["Mål BUN, omskrivet"].status == "titel, beskrivning"
    assert changes["Mål BUN, omskrivet"].node_id == goal.pk
    assert "Mål SN – Väntetid" in changes
    approval = changes["Barn- och utbildningsnämnden: nämndens del av perioden"]
    assert approval.status == f"beslutad ({TODAY.isoformat()})"
    assert approval.who == "Official"
    assert changes[str(GehEvaluation._meta.verbose_name)].status == "uppnådd"
    assert changes["Uppdrag: Utred skolskjutsarna"].status == "pågår"
    page = response.content.decode()
    assert "nämndens del av perioden" in page and "Väntetid" in page
    assert "Uppdrag: Utred skolskjutsarna" in page
