"""Before publication, readers who do not keep a committee's follow-up see it
only once the committee has approved it (APPROVED_ONLY_BEFORE_PUBLICATION)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from followup.approvalmodels import CommitteeReport
from followup.models import Assessment
from goals.approvalmodels import ApprovalState
from tests.factories import TWO_PERSPECTIVES, build_tree

NOT_APPROVED = "inte godkänt av nämnden än"
BUN_TEXT = "Lässatsningen gav resultat"
BUN_MARK = "gav resultat"  # the search marks the word searched for
SN_TEXT = "Försörjningsstödet minskade"


@pytest.fixture
def year(settings, committees, periods):
    settings.APPROVED_ONLY_BEFORE_PUBLICATION = True
    nodes = build_tree(periods[0].plan_year, TWO_PERSPECTIVES)
    interim = periods[0]
    for title, text in (("Läsa bättre", BUN_TEXT), ("Kortare försörjningsstöd", SN_TEXT)):
        Assessment.objects.create(
            node=nodes[title], period=interim, status="not_met", analysis=text
        )
    Assessment.objects.create(
        node=nodes["Fler i arbete"], period=interim, status="met", analysis="Kommunens analys"
    )
    for period in periods:
        approve(period, committees["sn"])
    return nodes, interim


def approve(period, committee):
    CommitteeReport.objects.update_or_create(
        period=period,
        committee=committee,
        defaults={"state": ApprovalState.APPROVED, "decided_on": datetime.date(2026, 9, 20)},
    )


def pages(nodes, period) -> dict[str, str]:
    year = period.plan_year.year
    return {
        "red thread": reverse("followup:red_thread", kwargs={"year": year})
        + f"?period={period.pk}&level=activity&analyses=1",
        "node page": reverse("followup:node_detail", kwargs={"pk": nodes["Läsa bättre"].pk}),
        "parent's page": reverse("followup:node_detail", kwargs={"pk": nodes["Fler i arbete"].pk}),
        "report": reverse("followup:period_report", kwargs={"pk": period.pk}),
        "csv": reverse("followup:report_csv", kwargs={"pk": period.pk}),
        "committee report": reverse(
            "followup:committee_report", kwargs={"pk": period.pk, "slug": "bun"}
        ),
        "search": reverse("followup:search") + "?q=Lässatsningen",
        "overview": reverse("followup:overview", kwargs={"year": year}) + f"?period={period.pk}",
        "open data": reverse("followup:api_year", kwargs={"year": year}),
    }


def read(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_councillor_sees_only_approved_committees_before_publication(client, councillor, year):
    nodes, interim = year
    urls = pages(nodes, interim)
    for name in ("red thread", "node page", "report", "csv", "committee report", "search"):
        assert BUN_MARK not in read(client, councillor, urls[name]), name
    for name in ("red thread", "report", "csv"):
        page = read(client, councillor, urls[name])
        assert SN_TEXT in page, name
        assert "Kommunens analys" in page, name
    for name in ("red thread", "node page", "report", "committee report"):
        assert NOT_APPROVED in read(client, councillor, urls[name]).lower(), name
    # BUN's goal is "ej uppfyllt" (not met), SN's too: only SN's is counted or listed.
    api = read(client, councillor, urls["open data"])
    assert SN_TEXT in api and BUN_TEXT not in api


def test_the_node_page_hides_the_roll_up_and_history_of_what_is_withheld(client, councillor, year):
    nodes, interim = year
    page = read(client, councillor, pages(nodes, interim)["node page"])
    assert "ej uppfyllt" not in page.lower()
    assert BUN_TEXT not in page


def test_once_approved_the_councillor_sees_the_committees_follow_up(
    client, councillor, committees, periods, year
):
    nodes, interim = year
    for period in periods:
        approve(period, committees["bun"])
    urls = pages(nodes, interim)
    for name in ("red thread", "node page", "report", "csv", "committee report", "search"):
        page = read(client, councillor, urls[name])
        assert BUN_MARK in page, name
        assert NOT_APPROVED not in page.lower(), name


def test_once_published_everyone_sees_everything(client, councillor, periods, year):
    nodes, interim = year
    for period in periods:
        period.close()
        period.publish()
    urls = pages(nodes, interim)
    for name in ("red thread", "node page", "report", "csv", "committee report", "search"):
        page = read(client, councillor, urls[name])
        assert BUN_MARK in page, name
        assert NOT_APPROVED not in page.lower(), name


@pytest.mark.parametrize("role", ["official", "secretary", "auditor"])
def test_officials_the_committees_secretary_and_auditors_see_everything(
    client, request, role, year
):
    nodes, interim = year
    user = request.getfixturevalue(role)
    urls = pages(nodes, interim)
    for name in ("red thread", "node page", "report", "csv", "committee report", "search"):
        page = read(client, user, urls[name])
        assert BUN_MARK in page, name
        assert NOT_APPROVED not in page.lower(), name


def test_another_committees_secretary_reads_it_as_a_councillor_does(client, secretary2, year):
    nodes, interim = year
    urls = pages(nodes, interim)
    assert BUN_MARK not in read(client, secretary2, urls["red thread"])
    assert SN_TEXT in read(client, secretary2, urls["red thread"])


def test_with_the_setting_off_a_councillor_sees_everything(client, settings, councillor, year):
    settings.APPROVED_ONLY_BEFORE_PUBLICATION = False
    nodes, interim = year
    urls = pages(nodes, interim)
    for name in ("red thread", "node page", "report", "csv", "committee report", "search"):
        page = read(client, councillor, urls[name])
        assert BUN_MARK in page, name
        assert NOT_APPROVED not in page.lower(), name


def test_the_overview_and_start_page_leave_out_a_withheld_committees_statuses(
    client, councillor, year
):
    nodes, interim = year
    overview = read(client, councillor, pages(nodes, interim)["overview"])
    # Both committee goals are "not met"; the councillor is shown SN's alone.
    assert "Kortare försörjningsstöd" in overview
    assert "Läsa bättre" not in overview


def _year_of_size(year: int, committees, goals: int):
    from followup.models import Period, PeriodKind
    from goals.services import plan_year_create
    from tests.factories import assess_all, grow_tree

    plan_year = plan_year_create(year=year)
    cutoff, deadline = Period.default_dates(PeriodKind.INTERIM, year)
    period = Period.objects.create(
        plan_year=plan_year, kind=PeriodKind.INTERIM, cutoff_date=cutoff, deadline=deadline
    )
    nodes = grow_tree(plan_year, committees, goals)
    assess_all(nodes, period)
    approve(period, committees["sn"])
    goal = next(node for node in nodes if node.kind == "municipal_goal")
    return period, goal


def test_the_pages_cost_the_same_queries_at_any_size_for_a_reader_of_approved_content(
    client, settings, committees, councillor
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.APPROVED_ONLY_BEFORE_PUBLICATION = True
    client.force_login(councillor)
    counted = []
    for year, goals in ((2030, 3), (2031, 12)):
        period, goal = _year_of_size(year, committees, goals)
        urls = [
            reverse("followup:red_thread", kwargs={"year": year})
            + f"?period={period.pk}&level=activity&analyses=1",
            goal.get_absolute_url(),
            reverse("followup:period_report", kwargs={"pk": period.pk}),
            reverse("followup:report_csv", kwargs={"pk": period.pk}),
            reverse("followup:committee_report", kwargs={"pk": period.pk, "slug": "bun"}),
            reverse("followup:overview", kwargs={"year": year}) + f"?period={period.pk}",
            reverse("followup:search") + f"?q=Aktivitet&ar={year}",
        ]
        sizes = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            sizes.append(len(queries))
        counted.append(sizes)
    assert counted[0] == counted[1]


def test_the_start_page_counts_only_what_the_councillor_may_see(client, councillor, year):
    from followup.models import WITHHELD

    client.force_login(councillor)
    dashboard = client.get(reverse("followup:start")).context["dashboard"]
    card = next(card for card in dashboard.perspectives if card.title == "Kramforsbon")
    # BUN's "not met" is withheld; SN's, approved, is counted.
    assert card.goal_counts["not_met"] == 1
    assert card.goal_counts[WITHHELD] == 1
