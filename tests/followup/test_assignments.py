"""Assignments (uppdrag): recording them, their rules, their follow-up in a
period and the pages that list them."""

import datetime

import pytest
from django.urls import reverse

from followup import services
from followup.assignmentmodels import AssignmentFollowup
from followup.models import PeriodState
from goals.assignmentmodels import Assignment
from goals.services import plan_year_create
from tests.factories import build_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
"""


@pytest.fixture
def tree(plan_year, committees, periods):
    return build_tree(plan_year, OUTLINE)


@pytest.fixture
def annual(periods):
    return periods[1]


def _assignment(plan_year, committee, title="Utred skolskjutsarna", **fields):
    return Assignment.objects.create(
        plan_year=plan_year, committee=committee, title=title, **fields
    )


def _form(given_to, **fields):
    return {
        "title": "Ta fram en plan för lokalerna",
        "description": "",
        "committee": given_to.pk,
        "given_by": "",
        "goal": "",
        "due_date": "2026-10-31",
        "decided_on": "2025-11-24",
        "paragraph": "112",
        "registration_number": "KS 2025/301",
        "minutes_url": "",
        "version": "",
    } | fields


def _create_url(year=2026):
    return reverse("followup:assignment_create", kwargs={"year": year})


# --- recording an assignment ---------------------------------------------------------


def test_official_records_an_assignment_under_a_municipal_goal(client, official, tree, committees):
    client.force_login(official)
    response = client.post(_create_url(), _form(committees["bun"], goal=tree["Fler i arbete"].pk))
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.goal == tree["Fler i arbete"]
    assert assignment.committee == committees["bun"]
    assert assignment.decision_summary == "2025-11-24 § 112, dnr KS 2025/301"
    assert assignment.history.count() == 1


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"due_date": "2027-03-01"}, "Förfallodatumet måste ligga inom planåret 2026."),
        ({"committee": ""}, "Välj den nämnd som uppdraget ges till."),
        ({"title": ""}, "Detta fält måste fyllas i."),
    ],
)
def test_bad_input_is_refused_in_swedish_and_changes_nothing(
    client, official, tree, committees, change, field_message
):
    client.force_login(official)
    response = client.post(_create_url(), _form(committees["bun"], **change))
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert not Assignment.objects.exists()


def test_a_goal_of_another_year_is_refused(client, official, tree, committees):
    other_year = plan_year_create(year=2027)
    other = build_tree(other_year, "Vision\n  Kramforsbon\n    Trygg\n      Annat mål")
    client.force_login(official)
    response = client.post(_create_url(), _form(committees["bun"], goal=other["Annat mål"].pk))
    assert response.status_code == 400
    assert "Målet hör till ett annat planår än uppdraget." in response.content.decode()
    assert not Assignment.objects.exists()


def test_a_committee_goal_is_refused(client, official, tree, committees):
    client.force_login(official)
    response = client.post(_create_url(), _form(committees["bun"], goal=tree["Läsa bättre"].pk))
    assert response.status_code == 400
    assert "Ett uppdrag kan bara placeras under ett kommunövergripande mål." in (
        response.content.decode()
    )


def test_the_secretary_may_not_record_an_assignment(client, secretary, tree, committees):
    client.force_login(secretary)
    assert client.post(_create_url(), _form(committees["bun"])).status_code == 403
    assert not Assignment.objects.exists()


def test_official_edits_and_a_stale_edit_is_refused(client, official, plan_year, committees):
    assignment = _assignment(plan_year, committees["bun"])
    client.force_login(official)
    url = reverse("followup:assignment_edit", kwargs={"pk": assignment.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, _form(committees["sn"], title="Nytt namn", version=1))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.title, assignment.committee, assignment.version) == (
        "Nytt namn",
        committees["sn"],
        2,
    )
    stale = client.post(url, _form(committees["bun"], title="Gammalt", version=1))
    assert stale.status_code == 409
    assert "Gammalt" in stale.content.decode()  # the user's text is kept
    assignment.refresh_from_db()
    assert assignment.title == "Nytt namn"


def test_official_deletes_with_its_follow_ups(client, official, plan_year, committees, annual):
    assignment = _assignment(plan_year, committees["bun"])
    AssignmentFollowup.objects.create(assignment=assignment, period=annual, status="in_progress")
    client.force_login(official)
    url = reverse("followup:assignment_delete", kwargs={"pk": assignment.pk})
    assert client.get(url).status_code == 200
    assert client.post(url, {"version": 1}).status_code == 302
    assert not Assignment.objects.exists() and not AssignmentFollowup.objects.exists()


# --- follow-up -------------------------------------------------------------------------


def _followup_url(period):
    return reverse("followup:assignment_followup", kwargs={"pk": period.pk})


def _row(assignment, status, analysis="", version=0):
    return {
        f"astatus-{assignment.pk}": status,
        f"aanalysis-{assignment.pk}": analysis,
        f"aversion-{assignment.pk}": version,
    }


def test_secretary_follows_up_own_committees_assignments_on_the_entry_page(
    client, secretary, plan_year, committees, annual
):
    mine = _assignment(plan_year, committees["bun"], "Utred skolskjutsarna")
    _assignment(plan_year, committees["sn"], "Utred hemtjänsten")
    client.force_login(secretary)
    page = client.get(annual.entry_url()).content.decode()
    assert "Utred skolskjutsarna" in page and "Utred hemtjänsten" not in page
    assert f'name="astatus-{mine.pk}"' in page
    response = client.post(
        _followup_url(annual), _row(mine, "in_progress", "Påbörjat") | {"back": "entry"}
    )
    assert response.status_code == 302 and response["Location"].startswith(annual.entry_url())
    followup = AssignmentFollowup.objects.get()
    assert (followup.status, followup.analysis, followup.updated_by) == (
        "in_progress",
        "Påbörjat",
        secretary,
    )
    assert followup.history.count() == 1


def test_another_committees_assignment_cannot_be_followed_up(
    client, secretary, plan_year, committees, annual
):
    theirs = _assignment(plan_year, committees["sn"])
    client.force_login(secretary)
    client.post(_followup_url(annual), _row(theirs, "done"))
    assert not AssignmentFollowup.objects.exists()


def test_an_analysis_without_status_is_refused(client, secretary, plan_year, committees, annual):
    mine = _assignment(plan_year, committees["bun"])
    client.force_login(secretary)
    response = client.post(_followup_url(annual), _row(mine, "", "Text"))
    assert response.status_code == 400
    assert "Välj en status till analysen." in response.content.decode()
    assert not AssignmentFollowup.objects.exists()


def test_follow_up_in_a_closed_period_is_refused_with_409(
    client, secretary, plan_year, committees, annual
):
    mine = _assignment(plan_year, committees["bun"])
    client.force_login(secretary)
    page = client.get(_followup_url(annual))  # opened while the period was open
    assert page.status_code == 200
    annual.state = PeriodState.CLOSED
    annual.save()
    response = client.post(_followup_url(annual), _row(mine, "done", "Klart"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Perioden har stängts" in body and "Klart" in body  # the text is kept
    assert not AssignmentFollowup.objects.exists()


def test_follow_up_after_the_committees_approval_is_refused_with_403(
    client, secretary, official, plan_year, committees, annual
):
    mine = _assignment(plan_year, committees["bun"])
    services.committee_report_step(
        period=annual,
        committee=committees["bun"],
        step="mark_ready",
        expected_version=1,
        user=secretary,
    )
    services.committee_report_step(
        period=annual,
        committee=committees["bun"],
        step="approve",
        expected_version=2,
        user=official,
        decision={"decided_on": datetime.date(2026, 11, 20), "paragraph": "12"},
    )
    client.force_login(secretary)
    response = client.post(_followup_url(annual), _row(mine, "done"))
    assert response.status_code == 403
    assert "är beslutad av nämnden och låst" in response.content.decode()
    assert not AssignmentFollowup.objects.exists()


def test_a_stale_follow_up_is_refused(client, secretary, plan_year, committees, annual):
    mine = _assignment(plan_year, committees["bun"])
    client.force_login(secretary)
    assert client.post(_followup_url(annual), _row(mine, "in_progress")).status_code == 302
    response = client.post(_followup_url(annual), _row(mine, "done", "Mitt", version=0))
    assert response.status_code == 409
    assert AssignmentFollowup.objects.get().status == "in_progress"


# --- the lists -------------------------------------------------------------------------


def test_the_year_list_shows_status_and_marks_the_overdue(
    client, councillor, plan_year, committees, annual
):
    late = _assignment(plan_year, committees["bun"], "Sen", due_date=datetime.date(2026, 3, 1))
    done = _assignment(plan_year, committees["sn"], "Klar", due_date=datetime.date(2026, 3, 1))
    AssignmentFollowup.objects.create(assignment=done, period=annual, status="done")
    client.force_login(councillor)
    response = client.get(
        reverse("followup:assignment_list", kwargs={"year": 2026}) + f"?period={annual.pk}"
    )
    assert response.status_code == 200
    rows = {row.assignment.title: row for row in response.context["rows"]}
    assert rows["Sen"].overdue and not rows["Klar"].overdue
    assert rows["Klar"].status_label == "genomfört"
    assert response.context["overdue"] == 1
    assert "försenat" in response.content.decode()
    assert late.pk


def test_the_committee_list_shows_only_its_assignments(client, councillor, plan_year, committees):
    _assignment(plan_year, committees["bun"], "BUN:s uppdrag")
    _assignment(plan_year, committees["sn"], "SN:s uppdrag")
    client.force_login(councillor)
    page = client.get(
        reverse("followup:committee_assignments", kwargs={"year": 2026, "slug": "bun"})
    ).content.decode()
    assert "BUN:s uppdrag" in page and "SN:s uppdrag" not in page


def _many(plan_year, committees, period, number, user=None):
    for index in range(number):
        committee = committees["bun" if index % 2 else "sn"]
        assignment = _assignment(plan_year, committee, f"Uppdrag {index}")
        AssignmentFollowup.objects.create(
            assignment=assignment, period=period, status="in_progress", updated_by=user
        )


@pytest.mark.parametrize("number", [2, 20])
def test_list_query_count(
    client, councillor, plan_year, committees, annual, number, django_assert_num_queries
):
    _many(plan_year, committees, annual, number)
    client.force_login(councillor)
    # Expect 6 queries:
    # * the session and the user
    # * the plan year
    # * the year's periods
    # * the assignments with their committees, givers, goals and follow-up
    # * the user's roles (may the user add one?)
    with django_assert_num_queries(6):
        client.get(reverse("followup:assignment_list", kwargs={"year": 2026}))
    # The committee's list: its committee too.
    with django_assert_num_queries(7):
        client.get(reverse("followup:committee_assignments", kwargs={"year": 2026, "slug": "bun"}))


@pytest.mark.parametrize("number", [2, 20])
def test_form_pages_query_count(
    client, official, secretary, plan_year, committees, annual, number, django_assert_num_queries
):
    _many(plan_year, committees, annual, number, user=secretary)
    first = Assignment.objects.order_by("pk").first()
    client.force_login(official)
    # the session and the user, the roles, the plan year, the goals, the
    # committees for each of the two committee fields
    with django_assert_num_queries(7):
        client.get(_create_url())
    with django_assert_num_queries(7):
        client.get(reverse("followup:assignment_edit", kwargs={"pk": first.pk}))
    with django_assert_num_queries(4):
        client.get(reverse("followup:assignment_delete", kwargs={"pk": first.pk}))
    client.force_login(secretary)
    # the session and the user, the roles, the period, the assignments with their follow-up
    with django_assert_num_queries(5):
        client.get(_followup_url(annual))


# --- across years ----------------------------------------------------------------------


def test_a_new_year_carries_over_the_assignments_not_finished(
    official, tree, plan_year, committees, periods
):
    interim, annual = periods
    goal = tree["Fler i arbete"]
    statuses = {
        "Klart": "done",
        "Avbrutet": "cancelled",
        "Pågår": "in_progress",
        "Ej påbörjat": "not_started",
        "Inte uppföljt": None,
    }
    for title, status in statuses.items():
        assignment = _assignment(
            plan_year, committees["bun"], title, goal=goal, due_date=datetime.date(2026, 6, 30)
        )
        if status:
            AssignmentFollowup.objects.create(assignment=assignment, period=annual, status=status)
        # Done in the interim report counts for nothing: the year's last period decides.
        AssignmentFollowup.objects.create(assignment=assignment, period=interim, status="done")
    new_year = services.plan_year_start(source=plan_year, year=2027, user=official)
    carried = Assignment.objects.for_year(new_year).select_related("goal", "copied_from")
    assert sorted(a.title for a in carried) == ["Ej påbörjat", "Inte uppföljt", "Pågår"]
    for assignment in carried:
        assert assignment.goal.copied_from == goal
        assert assignment.copied_from.title == assignment.title
        assert assignment.due_date is None  # 2026's date cannot be due in 2027
        assert assignment.committee == committees["bun"]
    # The old year keeps its own.
    assert Assignment.objects.for_year(plan_year).count() == 5


def test_the_red_thread_shows_an_assignment_under_its_goal(
    client, councillor, tree, plan_year, committees, annual
):
    assignment = _assignment(
        plan_year, committees["bun"], "Utred skolskjutsarna", goal=tree["Fler i arbete"]
    )
    AssignmentFollowup.objects.create(assignment=assignment, period=annual, status="done")
    client.force_login(councillor)
    response = client.get(
        reverse("followup:red_thread", kwargs={"year": 2026})
        + f"?period={annual.pk}&level=committee_goal"
    )
    page = response.content.decode()
    row = page[page.index('class="node node--assignment"') :]
    row = row[: row.index("</li>")]
    assert '<span class="kind">Uppdrag</span>' in row
    assert "Utred skolskjutsarna" in row and "genomfört" in row and "BUN" in row
    # Under its goal: after the goal's title, before the next goal's.
    assert page.index("Fler i arbete") < page.index("Utred skolskjutsarna")


def test_the_assignment_rules_each_give_their_swedish_message():
    from django.utils import translation

    from goals import rules

    with translation.override("sv"):
        assert rules.assignment_committee_error(None) == "Välj den nämnd som uppdraget ges till."
        assert rules.assignment_committee_error(1) is None
        assert rules.assignment_due_date_error(datetime.date(2026, 12, 31), 2026) is None
        assert rules.assignment_due_date_error(None, 2026) is None
        assert "2026" in rules.assignment_due_date_error(datetime.date(2025, 12, 31), 2026)
        assert rules.assignment_goal_error(None, None, 1) is None
        assert rules.assignment_goal_error("municipal_goal", 1, 1) is None
        assert rules.assignment_goal_error("committee_goal", 1, 1).startswith("Ett uppdrag")
        assert rules.assignment_goal_error("municipal_goal", 2, 1).startswith("Målet hör")


def test_the_form_offers_the_years_municipal_goals_only(client, official, tree):
    other_year = plan_year_create(year=2027)
    build_tree(other_year, "Vision\n  Kramforsbon\n    Trygg\n      Annat mål")
    client.force_login(official)
    page = client.get(_create_url()).content.decode()
    assert f'value="{tree["Fler i arbete"].pk}"' in page
    assert "Annat mål" not in page and "Läsa bättre" not in page


def test_the_red_thread_filtered_by_committee_shows_that_committees_assignments(
    client, councillor, tree, plan_year, committees, annual
):
    goal = tree["Fler i arbete"]
    _assignment(plan_year, committees["bun"], "BUN:s uppdrag", goal=goal)
    _assignment(plan_year, committees["sn"], "SN:s uppdrag", goal=goal)
    client.force_login(councillor)
    url = reverse("followup:red_thread", kwargs={"year": 2026})
    page = client.get(url + f"?committee={committees['bun'].pk}").content.decode()
    assert "BUN:s uppdrag" in page and "SN:s uppdrag" not in page
    page = client.get(url + "?level=committee_goal").content.decode()
    assert "BUN:s uppdrag" in page and "SN:s uppdrag" in page
    # At the default level a goal's assignments, like its committee goals, are
    # out of sight until its branch is opened.
    page = client.get(url).content.decode()
    assert "BUN:s uppdrag" not in page


def test_the_committee_report_has_the_committees_assignments(
    client, councillor, plan_year, committees, annual
):
    import io

    from docx import Document

    mine = _assignment(plan_year, committees["bun"], "BUN:s uppdrag")
    _assignment(plan_year, committees["sn"], "SN:s uppdrag")
    AssignmentFollowup.objects.create(assignment=mine, period=annual, status="cancelled")
    client.force_login(councillor)
    kwargs = {"pk": annual.pk, "slug": "bun"}
    page = client.get(reverse("followup:committee_report", kwargs=kwargs)).content.decode()
    assert "BUN:s uppdrag" in page and "avbrutet" in page and "SN:s uppdrag" not in page
    document = Document(
        io.BytesIO(client.get(reverse("followup:committee_report_docx", kwargs=kwargs)).content)
    )
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert "BUN:s uppdrag (Barn- och utbildningsnämnden)" in texts
    assert not any("SN:s uppdrag" in text for text in texts)
