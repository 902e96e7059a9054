"""The plan year's adoption and the committees' approvals in a plan year backup:
written, checked and restored like the rest of the year."""

from __future__ import annotations

import copy
import datetime
import json

import pytest
from django.contrib.auth.models import User

from followup import services as followup_services
from followup.approvalmodels import CommitteeReport
from followup.backup import reader as backup_reader
from followup.backup import year_export, year_import
from followup.models import Period
from goals import services
from goals.approvalmodels import ApprovalState, OperationalPlan
from goals.models import PlanYear
from tests.followup.test_backup import _refused, _wipe, acting_as, two_years  # noqa: F401

DECISION = {
    "decided_on": datetime.date(2026, 2, 10),
    "paragraph": "§ 7",
    "registration_number": "BUN 2026/3",
    "minutes_url": "",
}


@pytest.fixture
def approved(two_years, committees, official, secretary):  # noqa: F811
    """2026 adopted by the council; BUN's operational plan adopted, KS's (a
    committee without goals in the year) ready; BUN's part of the annual report
    approved, reopened and approved again."""
    _year_2025, year_2026 = two_years
    annual = Period.objects.for_year(year_2026).order_by("cutoff_date").last()
    with acting_as(official):
        services.plan_year_adopt(
            plan_year=year_2026,
            decision_body="Kommunfullmäktige",
            decided_on=datetime.date(2025, 11, 24),
            paragraph="§ 112",
        )
    bun, ks = committees["bun"], committees["ks"]
    steps = [
        (bun, "mark_ready", secretary, None),
        (bun, "approve", official, DECISION),
        (ks, "mark_ready", official, None),
    ]
    for version, (committee, step, user, decision) in enumerate(steps):
        with acting_as(user):
            services.operational_plan_step(
                plan_year=year_2026,
                committee=committee,
                step=step,
                expected_version=1 if committee == ks else version + 1,
                user=user,
                decision=decision,
            )
    report_steps = [
        ("mark_ready", secretary, None, ""),
        ("approve", official, DECISION, ""),
        ("reopen", official, None, "Fel i siffrorna"),
        ("mark_ready", secretary, None, ""),
        ("approve", official, DECISION, ""),
    ]
    for version, (step, user, decision, reason) in enumerate(report_steps, start=1):
        with acting_as(user):
            followup_services.committee_report_step(
                period=annual,
                committee=bun,
                step=step,
                expected_version=version,
                user=user,
                decision=decision,
                reason=reason,
            )
    return year_2026


def _document(year: int) -> dict:
    return json.loads(year_export(year=year))


def test_the_export_holds_the_adoption_and_the_committees_approvals(approved):
    document = _document(2026)
    assert document["format_version"] == 3
    plan_year = document["plan_year"]
    assert plan_year["state"] == "adopted" and plan_year["paragraph"] == "§ 112"
    plans = {plan["committee"]: plan for plan in document["operational_plans"]}
    committees = {committee["ref"]: committee["slug"] for committee in document["committees"]}
    assert {committees[ref]: plan["state"] for ref, plan in plans.items()} == {
        "bun": "approved",
        "ks": "ready",
    }
    bun_plan = next(plan for plan in plans.values() if plan["state"] == "approved")
    assert bun_plan["decided_on"] == "2026-02-10" and bun_plan["updated_by"] == "official"
    (report,) = document["committee_reports"]
    assert report["state"] == "approved" and report["registration_number"] == "BUN 2026/3"
    assert report["period"] == 2  # the annual report, the year's second period
    reasons = [record["reopen_reason"] for record in document["history"]["committee_reports"]]
    assert "Fel i siffrorna" in reasons
    # Each step of each plan is in the plan's history, with who took it.
    records = document["history"]["operational_plans"]
    assert {(committees[r["committee"]], r["state"]) for r in records} >= {
        ("bun", "ready"),
        ("bun", "approved"),
        ("ks", "ready"),
    }
    assert {r["history_user"] for r in records} == {"official", "secretary"}


def test_the_approvals_survive_a_round_trip_unchanged(approved):
    before = {year: year_export(year=year) for year in (2025, 2026)}
    _wipe()
    year_import(data=before[2025])
    year_import(data=before[2026])
    assert year_export(year=2026) == before[2026]
    plan_year = PlanYear.objects.get(year=2026)
    assert plan_year.is_adopted and plan_year.decision_body == "Kommunfullmäktige"
    plan = OperationalPlan.objects.get(plan_year=plan_year, committee__slug="bun")
    assert plan.state == ApprovalState.APPROVED and plan.decided_on == DECISION["decided_on"]
    assert plan.updated_by == User.objects.get(username="official")
    assert OperationalPlan.objects.get(committee__slug="ks").state == ApprovalState.READY
    report = CommitteeReport.objects.get()
    (exported,) = json.loads(before[2026])["committee_reports"]
    assert report.state == ApprovalState.APPROVED and report.version == exported["version"]
    assert report.period.kind == "annual" and report.period.plan_year == plan_year
    assert "Fel i siffrorna" in set(report.history.values_list("reopen_reason", flat=True))


@pytest.fixture
def exported_approvals(approved) -> dict:
    document = _document(2026)
    _wipe()
    return document


def test_a_bad_approval_state_is_refused(exported_approvals):
    exported_approvals["committee_reports"][0]["state"] = "stamped"
    _refused(exported_approvals, r"committee_reports\[0\]: ”state”")


def test_an_approval_of_an_unknown_committee_is_refused(exported_approvals):
    exported_approvals["operational_plans"][0]["committee"] = 99
    _refused(exported_approvals, r"operational_plans\[0\]: ”committee” hänvisar till nämnd 99")


def test_an_approval_of_an_unknown_period_is_refused(exported_approvals):
    exported_approvals["committee_reports"][0]["period"] = 99
    _refused(
        exported_approvals, r"committee_reports\[0\]: ”period” hänvisar till uppföljningsperiod 99"
    )


def test_an_approval_without_a_decision_date_is_refused(exported_approvals):
    exported_approvals["committee_reports"][0]["decided_on"] = None
    _refused(exported_approvals, "Ange datum för nämndens beslut")


def test_a_committee_approved_twice_for_one_period_is_refused(exported_approvals):
    twice = copy.deepcopy(exported_approvals["committee_reports"][0])
    twice["ref"] = 2
    exported_approvals["committee_reports"].append(twice)
    _refused(exported_approvals, "finns två gånger i filen")


def test_a_version_2_document_is_read_with_no_approvals(exported_approvals):
    document = copy.deepcopy(exported_approvals)
    document["format_version"] = 2
    for key in ("operational_plans", "committee_reports"):
        del document[key]
        del document["history"][key]
    upgraded = backup_reader._upgraded(document)
    assert upgraded["format_version"] == 3
    assert upgraded["committee_reports"] == [] and upgraded["history"]["operational_plans"] == []
    result = year_import(data=json.dumps(document).encode())
    assert result.plan_year.year == 2026
    assert not CommitteeReport.objects.exists() and not OperationalPlan.objects.exists()
