from django.core.management import call_command

from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.indicators import indicator_status
from followup.models import Assessment, Period
from goals.integrity import tree_problems
from goals.models import Committee, Node, NodeKind, PlanYear


def _snapshot() -> dict:
    return {
        "years": list(PlanYear.objects.values_list("year")),
        "committees": list(Committee.objects.order_by("pk").values_list("name", "short_name")),
        "nodes": list(
            Node.objects.order_by("tree_id", "lft").values_list(
                "pk", "parent_id", "kind", "title", "description", "committee_id", "lft", "rght"
            )
        ),
        "periods": list(Period.objects.values_list("pk", "kind", "cutoff_date", "state")),
        "assessments": list(
            Assessment.objects.order_by("pk").values_list("node_id", "period_id", "status")
        ),
        "indicators": list(
            Indicator.objects.order_by("pk").values_list(
                "pk", "node_id", "name", "baseline", "target", "direction", "kolada_kpi"
            )
        ),
        "outcomes": list(
            IndicatorOutcome.objects.order_by("pk").values_list(
                "indicator_id", "period_id", "value"
            )
        ),
    }


def test_load_demo_twice_gives_the_same_data(db):
    call_command("load_demo", "--year", "2026")
    first = _snapshot()
    call_command("load_demo", "--year", "2026")
    assert _snapshot() == first


def test_demo_follows_the_steering_model(db):
    call_command("load_demo", "--year", "2026")
    plan_year = PlanYear.objects.get(year=2026)
    assert tree_problems(plan_year) == []
    perspectives = list(
        Node.objects.filter(kind=NodeKind.PERSPECTIVE)
        .order_by("lft")
        .values_list("title", flat=True)
    )
    assert perspectives == ["Kramforsbon", "Processer", "Medarbetare", "Ekonomi"]
    assert Node.objects.filter(kind=NodeKind.DIRECTION_GOAL).count() == 4
    assert 4 <= Committee.objects.count() <= 6
    for perspective in Node.objects.filter(kind=NodeKind.PERSPECTIVE):
        municipal = Node.objects.filter(
            kind=NodeKind.MUNICIPAL_GOAL, parent__parent=perspective
        ).count()
        assert municipal >= 2
    assessable = Node.objects.exclude(kind__in=[NodeKind.VISION, NodeKind.PERSPECTIVE]).count()
    interim = Period.objects.get(kind="interim")
    assert Assessment.objects.filter(period=interim).count() > assessable / 2


def test_demo_red_thread_shows_the_four_perspectives(councillor_client, db):
    call_command("load_demo", "--year", "2026")
    html = councillor_client.get("/rod-trad/2026/").content.decode()
    for title in ["Kramforsbon", "Processer", "Medarbetare", "Ekonomi"]:
        assert title in html
    assert "uppfyllt" in html


def test_demo_has_indicators_with_outcomes_in_the_interim_report(db):
    call_command("load_demo", "--year", "2026")
    interim = Period.objects.get(kind="interim")
    indicators = list(Indicator.objects.select_related("node"))
    assert len(indicators) >= 6
    kinds = {indicator.node.kind for indicator in indicators}
    assert kinds == {NodeKind.MUNICIPAL_GOAL, NodeKind.COMMITTEE_GOAL}
    names = {indicator.name for indicator in indicators}
    assert "Andel elever i åk 9 som är behöriga till yrkesprogram" in names
    assert "Sjukfrånvaro totalt, %" in names
    assert "Resultat före extraordinära poster, % av skatter och bidrag" in names
    assert all(indicator.baseline is not None for indicator in indicators)
    outcomes = {o.indicator_id: o.value for o in IndicatorOutcome.objects.filter(period=interim)}
    assert set(outcomes) == {indicator.pk for indicator in indicators}
    statuses = {indicator_status(i, outcomes[i.pk]) for i in indicators}
    assert statuses == {"met", "partly_met", "not_met"}  # the demo shows every light


def test_demo_has_sound_financial_management_in_the_interim_report(db):
    from followup.geh import geh_report

    call_command("load_demo", "--year", "2026")
    call_command("load_demo", "--year", "2026")  # twice: nothing is added again
    interim = Period.objects.get(plan_year__year=2026, kind="interim")
    report = geh_report(interim)
    assert report.financial.total == 3 and report.operational.total == 1
    assert report.evaluation.verdict == "partly_reached"
    assert report.balance.statement.balance_result == 26_600_000
    assert [(row.arose_in, row.restore_by) for row in report.balance.deficit_rows] == [(2024, 2027)]
    financial_ids = [goal.id for goal in report.financial.goals]
    assert Indicator.objects.filter(node_id__in=financial_ids).count() >= 4
    assert IndicatorOutcome.objects.filter(period=interim, forecast__isnull=False).count() >= 4
    assert Assessment.objects.filter(period=interim).exclude(forecast_status="").exists()


def test_demo_reads_like_a_municipalitys_follow_up(db, settings):
    """Each goal's analysis is its own; a goal is never met while one of its
    nyckeltal is not; every perspective has a goal not met; the assessments are
    dated before the cut-off and named by the demo user who made them."""
    settings.DEMO = True
    call_command("load_demo", "--year", "2026")
    interim = Period.objects.get(kind="interim")
    goals = list(
        Assessment.objects.filter(period=interim)
        .exclude(node__kind=NodeKind.ACTIVITY)
        .select_related("node", "updated_by")
    )
    analyses = [assessment.analysis for assessment in goals]
    assert len(set(analyses)) == len(analyses)
    outcomes = {
        outcome.indicator.node_id: indicator_status(outcome.indicator, outcome.value)
        for outcome in IndicatorOutcome.objects.filter(period=interim).select_related("indicator")
    }
    for assessment in goals:
        if outcomes.get(assessment.node_id) == "not_met":
            assert assessment.status != "met", assessment.node.title
    perspectives = Node.objects.filter(kind=NodeKind.PERSPECTIVE)
    for perspective in perspectives:
        assert any(
            assessment.status == "not_met" and assessment.node.is_descendant_of(perspective)
            for assessment in goals
        ), perspective.title
    for assessment in Assessment.objects.filter(period=interim).select_related("updated_by"):
        assert assessment.updated_at.date() < interim.cutoff_date
        assert assessment.updated_by is not None and assessment.updated_by.get_full_name()


def test_demo_year_is_adopted_and_the_interim_report_partly_approved(db, settings):
    from followup.approvalmodels import CommitteeReport
    from goals.approvalmodels import ApprovalState
    from goals.models import PlanYearState

    settings.DEMO = True
    call_command("load_demo", "--year", "2026")
    plan_year = PlanYear.objects.get(year=2026)
    assert plan_year.state == PlanYearState.ADOPTED and plan_year.decided_on is not None
    interim = Period.objects.get(plan_year=plan_year, kind="interim")
    states = dict(
        CommitteeReport.objects.filter(period=interim).values_list("committee__short_name", "state")
    )
    assert sorted(states.values()) == [
        ApprovalState.APPROVED,
        ApprovalState.APPROVED,
        ApprovalState.READY,
    ]
    # Two of the five committees have no report yet: in progress.
    assert Committee.objects.count() - len(states) == 2
    from django.contrib.auth.models import User

    revisor = User.objects.get(username="revisor")
    assert sorted(revisor.groups.values_list("name", flat=True)) == ["auditor", "demo"]


def test_demo_has_four_assignments_one_done_and_one_shown_overdue(client, db):
    from django.urls import reverse

    from followup.assignmentmodels import AssignmentFollowup
    from goals.assignmentmodels import Assignment

    call_command("load_demo", "--year", "2026")
    assert Assignment.objects.count() == 4
    assert list(
        AssignmentFollowup.objects.filter(status="done").values_list("assignment__title", flat=True)
    ) == ["Utred framtidens skolstruktur"]
    assert all(a.goal is not None for a in Assignment.objects.select_related("goal"))
    client.force_login(_councillor())
    response = client.get(reverse("followup:assignment_list", kwargs={"year": 2026}))
    overdue = [row.assignment.title for row in response.context["rows"] if row.overdue]
    assert overdue == ["Ta fram en plan för platser i särskilt boende"]
    assert 'class="badge badge--overdue"' in response.content.decode()
    # Loading again adds none.
    call_command("load_demo", "--year", "2026")
    assert Assignment.objects.count() == 4


def _councillor():
    from django.contrib.auth.models import User

    return User.objects.create_user("las", password="x")
