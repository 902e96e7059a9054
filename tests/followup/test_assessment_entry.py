"""Follow-up entry: every node a user may assess in a period, saved together."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from followup import counts, services
from followup.models import Assessment
from tests.factories import add_assignments, build_tree, grow_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
              Lovskola [bun]
            Kortare bidrag [sn]
"""


@pytest.fixture
def tree(plan_year, committees, periods):
    return build_tree(plan_year, OUTLINE)


@pytest.fixture
def annual(periods):
    return periods[1]


def _url(period):
    return reverse("followup:assessment_entry", kwargs={"pk": period.pk})


def _row(node, status, analysis="", version=0):
    return {
        f"status-{node.pk}": status,
        f"analysis-{node.pk}": analysis,
        f"version-{node.pk}": version,
    }


def test_secretary_sees_only_own_committees_goals_and_activities(client, secretary, tree, annual):
    client.force_login(secretary)
    page = client.get(_url(annual)).content.decode()
    assert "Läsa bättre" in page and "Lovskola" in page
    assert "Kortare bidrag" not in page
    assert f'name="status-{tree["Fler i arbete"].pk}"' not in page  # the officials' to assess


def test_official_sees_the_municipal_levels(client, official, tree, annual):
    client.force_login(official)
    page = client.get(_url(annual)).content.decode()
    assert "Fler i arbete" in page and "Trygg kommun" in page
    assert "Läsa bättre" not in page


def test_saving_several_assessments_together(client, secretary, tree, annual):
    client.force_login(secretary)
    data = _row(tree["Läsa bättre"], "partly_met", "Halvvägs") | _row(
        tree["Lovskola"], "done", "Klar"
    )
    response = client.post(_url(annual), data)
    assert response.status_code == 302
    saved = dict(Assessment.objects.values_list("node__title", "status"))
    assert saved == {"Läsa bättre": "partly_met", "Lovskola": "done"}
    assert Assessment.objects.get(node=tree["Lovskola"]).updated_by == secretary
    # The röd tråd shows them.
    client.force_login(secretary)
    page = client.get(
        reverse("followup:red_thread", kwargs={"year": 2026}) + f"?period={annual.pk}"
    )
    assert "genomförd" in page.context["tree"].html


def test_an_activity_status_on_a_goal_is_refused(client, secretary, tree, annual):
    client.force_login(secretary)
    response = client.post(_url(annual), _row(tree["Läsa bättre"], "done"))
    assert response.status_code == 400
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not Assessment.objects.exists()


def test_an_analysis_without_status_is_refused(client, secretary, tree, annual):
    client.force_login(secretary)
    response = client.post(_url(annual), _row(tree["Läsa bättre"], "", "Text utan status"))
    assert response.status_code == 400
    assert "Välj en status till analysen" in response.content.decode()
    assert not Assessment.objects.exists()


def test_overlong_analysis_is_refused_and_nothing_saved(client, secretary, tree, annual):
    client.force_login(secretary)
    data = _row(tree["Läsa bättre"], "met", "ok") | _row(tree["Lovskola"], "done", "x" * 20001)
    response = client.post(_url(annual), data)
    assert response.status_code == 400
    assert not Assessment.objects.exists()


def test_a_closed_period_refuses_changes_on_the_page_and_on_the_server(
    client, secretary, tree, annual
):
    annual.close()
    client.force_login(secretary)
    page = client.get(_url(annual)).content.decode()
    assert "Perioden är stängd" in page
    assert "disabled" in page
    assert "Spara allt" not in page
    response = client.post(_url(annual), _row(tree["Läsa bättre"], "met", "För sent"))
    assert response.status_code == 409
    assert "Perioden har stängts" in response.content.decode()
    assert "För sent" in response.content.decode()  # the user's text is shown, not lost
    assert not Assessment.objects.exists()


def test_service_refuses_a_closed_period(tree, annual, secretary):
    annual.close()
    with pytest.raises(services.PeriodClosedError):
        services.assessments_save(
            period=annual,
            entries=[services.Entry(tree["Lovskola"], "done", "", 0)],
            user=secretary,
        )


def test_a_concurrent_save_is_refused_showing_the_other_version(
    client, secretary, tree, annual, official
):
    goal = tree["Läsa bättre"]
    # The form was opened while there was no assessment (version 0) ...
    services.assessments_save(
        period=annual,
        entries=[services.Entry(goal, "not_met", "Andras analys", 0)],
        user=official,
    )
    # ... and someone else saved meanwhile.
    client.force_login(secretary)
    data = _row(goal, "met", "Min analys", 0) | _row(tree["Lovskola"], "done", "Klar")
    response = client.post(_url(annual), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Andras analys" in page  # their version
    assert "Min analys" in page  # mine, kept
    assert Assessment.objects.get(node=goal).analysis == "Andras analys"
    assert not Assessment.objects.filter(node=tree["Lovskola"]).exists()  # none saved
    # The refreshed version lets the user knowingly save over it.
    current = Assessment.objects.get(node=goal).version
    data = _row(goal, "met", "Min analys", current) | _row(tree["Lovskola"], "done", "Klar")
    assert client.post(_url(annual), data).status_code == 302
    assert Assessment.objects.get(node=goal).analysis == "Min analys"


def test_unchanged_rows_are_not_saved_again(client, secretary, tree, annual):
    client.force_login(secretary)
    client.post(_url(annual), _row(tree["Lovskola"], "done", "Klar"))
    assessment = Assessment.objects.get()
    client.post(_url(annual), _row(tree["Lovskola"], "done", "Klar", assessment.version))
    assert Assessment.objects.get().version == assessment.version
    assert assessment.history.count() == 1


def test_a_councillor_cannot_open_the_entry_page(client, councillor, annual):
    client.force_login(councillor)
    assert client.get(_url(annual)).status_code == 403


def test_anonymous_is_sent_to_login(client, annual):
    response = client.get(_url(annual))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("goals", [3, 30])
def test_query_count(
    client, secretary, plan_year, committees, periods, goals, django_assert_num_queries
):
    nodes = grow_tree(plan_year, committees, goals)
    # Saved by someone: each row says who saved it last.
    Assessment.objects.bulk_create(
        Assessment(node=node, period=periods[1], status="met", updated_by=secretary)
        for node in nodes
        if node.is_goal
    )
    counts.rebuild(plan_year.pk)  # written in bulk, past the model
    add_assignments(nodes, periods[1], goals)
    client.force_login(secretary)
    # Expect 12 queries:
    # * the session and the user
    # * the period with its plan year
    # * the user's groups and committees, in one query (roles)
    # * for the suggested statuses: the year's tree, the period's statuses,
    #   the indicators' statuses
    # * the nodes the user may assess, with parents and committees
    # * their assessments in the period, with who saved each
    # * the user's committees and their approval of the period
    # * the assignments the user follows up, with their follow-up in the period
    with django_assert_num_queries(12):
        response = client.get(_url(periods[1]))
    assert response.status_code == 200


# The session and the user, the period, the roles, the nodes the user may
# assess, their assessments; then the save: the savepoint, the period locked,
# whether the committees have approved their part (locked), a savepoint and
# the tree locked (the roll-up counts are the tree's), the
# assessments locked, one UPDATE, the history records, the changed nodes'
# ancestors, the counts added to, the savepoints released (what the database
# needs of a transaction).
SECOND_SAVE_QUERIES = 18


@pytest.mark.parametrize("goals", [3, 30])
def test_saving_costs_the_same_queries_however_many_rows(
    client, secretary, plan_year, committees, periods, goals
):
    """Every row of the secretary's committee saved twice (created, then changed):
    the second save updates them all, with the same statements at any size."""
    nodes = grow_tree(plan_year, committees, goals)
    mine = [node for node in nodes if node.committee_id == secretary.committees.get().pk]
    client.force_login(secretary)
    for analysis, goal_status, activity_status in (
        ("Första", "met", "done"),
        ("Andra", "partly_met", "in_progress"),
    ):
        data = {}
        for node in mine:
            current = Assessment.objects.filter(node=node, period=periods[1]).first()
            status = goal_status if node.is_goal else activity_status
            data |= _row(node, status, analysis, version=current.version if current else 0)
        with CaptureQueriesContext(connection) as context:
            assert client.post(_url(periods[1]), data).status_code == 302
    assert Assessment.objects.filter(period=periods[1], analysis="Andra").count() == len(mine)
    assert set(Assessment.objects.filter(period=periods[1]).values_list("version", flat=True)) == {
        2
    }
    assert len(context.captured_queries) == SECOND_SAVE_QUERIES, "\n".join(
        query["sql"][:100] for query in context.captured_queries
    )


@pytest.mark.parametrize("max_params", [None, 10])
def test_the_update_is_one_statement_or_batches_within_the_parameter_limit(
    secretary, plan_year, committees, periods, max_params, monkeypatch
):
    """One UPDATE for all the rows (PostgreSQL takes any number of parameters,
    SQLite 32,766); under a tighter limit (10 here: two rows of four a
    statement, and the user and time), batches within it."""
    nodes = [node for node in grow_tree(plan_year, committees, 3) if node.is_assessable][:5]
    entries = [
        services.Entry(
            node=node, status=("met" if node.is_goal else "done"), analysis="a", version=0
        )
        for node in nodes
    ]
    services.assessments_save(period=periods[1], entries=entries, user=secretary)
    if max_params:
        monkeypatch.setattr(services, "_parameter_limit", lambda: max_params)
    entries = [
        services.Entry(node=entry.node, status=entry.status, analysis=f"ny {index}", version=1)
        for index, entry in enumerate(entries)
    ]
    with CaptureQueriesContext(connection) as context:
        services.assessments_save(period=periods[1], entries=entries, user=secretary)
    updates = [q for q in context.captured_queries if q["sql"].startswith("WITH changed")]
    assert len(updates) == (1 if max_params is None else 3)
    saved = dict(Assessment.objects.filter(period=periods[1]).values_list("node_id", "analysis"))
    assert saved == {entry.node.pk: entry.analysis for entry in entries}
    assert set(Assessment.objects.values_list("version", flat=True)) == {2}
