"""Officials keep plan years and follow-up periods."""

import pytest
from django.urls import reverse
from django.utils import timezone

from followup.models import Period
from tests.factories import build_tree


@pytest.fixture
def official_client(client, official):
    client.force_login(official)
    return client


def test_create_a_period(official_client, plan_year):
    response = official_client.post(
        reverse("followup:period_add", kwargs={"year": 2026}),
        {
            "kind": "interim",
            "title": "Tertial 1",
            "cutoff_date": "2026-04-30",
            "deadline": "2026-05-20",
        },
    )
    assert response.status_code == 302
    assert Period.objects.get(title="Tertial 1").deadline.isoformat() == "2026-05-20"


def test_the_period_form_offers_its_kinds_in_swedish(official_client, plan_year):
    response = official_client.get(reverse("followup:period_add", kwargs={"year": 2026}))
    kinds = [label for _value, label in response.context["form"].fields["kind"].choices]
    assert kinds == ["– välj –", "Delårsrapport", "Årsredovisning"]


def test_deadline_before_cutoff_is_refused(official_client, plan_year):
    response = official_client.post(
        reverse("followup:period_add", kwargs={"year": 2026}),
        {"kind": "interim", "cutoff_date": "2026-04-30", "deadline": "2026-04-01"},
    )
    assert "kan inte vara före brytdatumet" in response.content.decode()
    assert not Period.objects.exists()


def test_duplicate_cutoff_is_refused(official_client, periods):
    response = official_client.post(
        reverse("followup:period_add", kwargs={"year": 2026}),
        {"kind": "interim", "cutoff_date": "2026-08-31", "deadline": "2026-09-30"},
    )
    assert response.status_code == 200
    assert Period.objects.count() == 2


def test_a_malformed_date_is_refused(official_client, plan_year):
    response = official_client.post(
        reverse("followup:period_add", kwargs={"year": 2026}),
        {"kind": "interim", "cutoff_date": "31/13/2026", "deadline": "x"},
    )
    assert response.content.decode().count("Fyll i ett giltigt datum") >= 2
    assert not Period.objects.exists()


def test_change_the_deadline_and_a_stale_change_is_refused(official_client, periods):
    interim = periods[0]
    url = reverse("followup:period_edit", kwargs={"year": 2026, "pk": interim.pk})
    data = {
        "kind": "interim",
        "cutoff_date": "2026-08-31",
        "deadline": "2026-09-30",
        "version": interim.version,
    }
    assert official_client.post(url, data).status_code == 302
    interim.refresh_from_db()
    assert interim.deadline.isoformat() == "2026-09-30"
    # The same form again: now stale.
    response = official_client.post(url, data | {"deadline": "2026-10-15"})
    assert response.status_code == 409
    interim.refresh_from_db()
    assert interim.deadline.isoformat() == "2026-09-30"


@pytest.mark.parametrize("action", ["close", "reopen", "publish", "unpublish"])
def test_period_life_cycle(official_client, periods, action):
    period = periods[0]
    if action == "reopen":
        period.close()
    if action == "unpublish":
        period.publish()
    data = {"action": action}
    if action == "reopen":
        data.update(reason="Sen rättelse", deadline=timezone.localdate().isoformat())
    official_client.post(reverse("followup:period_action", kwargs={"pk": period.pk}), data)
    period.refresh_from_db()
    expected = {
        "close": period.is_closed,
        "reopen": not period.is_closed,
        "publish": period.is_published,
        "unpublish": not period.is_published,
    }
    assert expected[action]


def test_an_unknown_action_changes_nothing(official_client, periods):
    response = official_client.post(
        reverse("followup:period_action", kwargs={"pk": periods[0].pk}), {"action": "explode"}
    )
    assert response.status_code == 404
    periods[0].refresh_from_db()
    assert not periods[0].is_closed


@pytest.mark.parametrize("years", [1, 3])
def test_plan_year_list_query_count(official_client, years, django_assert_num_queries):
    from followup.services import plan_year_start

    for offset in range(years):
        plan_year_start(source=None, year=2026 + offset)
    # Expect 6 queries: session, user, plan years, their periods, the user's groups and
    # committees (one query), and the plan years again for the form's "copy from" choices
    with django_assert_num_queries(6):
        response = official_client.get(reverse("followup:plan_year_list"))
    assert response.status_code == 200


def test_start_page_shows_what_is_due(client, secretary, plan_year, committees, periods):
    build_tree(plan_year, "Vision\n  P\n    D\n      M\n        Mål [bun]\n          Akt [bun]")
    client.force_login(secretary)
    page = client.get(reverse("followup:start")).content.decode()
    assert "Att göra i öppna perioder" in page
    assert "2 av 2 ännu inte bedömda" in page
    assert periods[1].entry_url() in page
    assert reverse("goals:operational_plan", kwargs={"year": 2026, "slug": "bun"}) in page


@pytest.mark.parametrize("goals", [3, 30])
def test_start_page_query_count(
    client, secretary, plan_year, committees, periods, goals, django_assert_num_queries
):
    from tests.factories import grow_tree

    grow_tree(plan_year, committees, goals)
    client.force_login(secretary)
    # Expect 11 queries:
    # * the session and the user
    # * the plan years
    # * the user's groups and committees, in one query (roles)
    # * the open periods
    # * node counts and assessment counts per committee, their committees
    # * the user's committees
    # * the dashboard: the periods the user may see, and the tree with its statuses
    with django_assert_num_queries(11):
        response = client.get(reverse("followup:start"))
    assert response.status_code == 200
