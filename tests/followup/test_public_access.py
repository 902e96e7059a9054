"""Residents read published follow-up without logging in, only where PUBLIC_ACCESS is on.

Unpublished periods and every way to edit stay hidden from them on the röd
tråd, the node page, the open data and the search.
"""

import pytest
from django.urls import reverse

from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.models import Assessment, Period
from goals.models import Node
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
    """The interim report is published (partly met); the annual report is not (met)."""
    interim, annual = periods
    interim.publish()
    nodes = build_tree(plan_year, OUTLINE)
    reading = nodes["Läsa bättre"]
    Assessment.objects.create(
        node=reading, period=interim, status="partly_met", analysis="Publicerad analys."
    )
    Assessment.objects.create(
        node=reading, period=annual, status="met", analysis="Hemlig utkastanalys."
    )
    indicator = Indicator.objects.create(node=reading, name="Godkända elever", target=90)
    IndicatorOutcome.objects.create(indicator=indicator, period=interim, value=80)
    IndicatorOutcome.objects.create(indicator=indicator, period=annual, value=85)
    return nodes


def _reading_pages(tree) -> list[str]:
    return [
        reverse("followup:red_thread", kwargs={"year": 2026}),
        tree["Läsa bättre"].get_absolute_url(),
        reverse("goals:operational_plan", kwargs={"year": 2026, "slug": "bun"}),
        reverse("followup:search") + "?q=analys",
    ]


# --- public access off -------------------------------------------------------


def test_without_public_access_residents_are_sent_to_log_in(client, settings, tree):
    settings.PUBLIC_ACCESS = False
    for url in _reading_pages(tree):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_without_public_access_the_open_data_is_closed(client, settings, tree):
    settings.PUBLIC_ACCESS = False
    for url in [reverse("followup:api_years"), reverse("followup:api_year", kwargs={"year": 2026})]:
        response = client.get(url)
        assert response.status_code == 403
        assert response.json()["error"].startswith("Logga in för att läsa uppföljningen")


def test_without_public_access_logged_in_readers_see_everything(
    councillor_client, settings, tree, periods
):
    settings.PUBLIC_ACCESS = False
    _interim, annual = periods
    html = councillor_client.get(tree["Läsa bättre"].get_absolute_url()).content.decode()
    assert "Publicerad analys." in html and "Hemlig utkastanalys." in html
    data = councillor_client.get(reverse("followup:api_year", kwargs={"year": 2026})).json()
    assert annual.pk in {period["id"] for period in data["periods"]}


# --- public access on --------------------------------------------------------


@pytest.fixture
def public(settings):
    settings.PUBLIC_ACCESS = True


def test_residents_read_every_reading_page(client, public, tree):
    for url in _reading_pages(tree):
        assert client.get(url).status_code == 200, url


def test_red_thread_shows_residents_only_published_statuses(client, public, tree, periods):
    interim, annual = periods
    url = reverse("followup:red_thread", kwargs={"year": 2026})
    response = client.get(url)
    assert response.context["period"] == interim
    assert [period.pk for period in response.context["periods"]] == [interim.pk]
    html = response.content.decode()
    assert "delvis uppfyllt" in html
    assert "Årsredovisning 2026" not in html
    # Asking for the unpublished period by its id shows the published one instead.
    response = client.get(f"{url}?period={annual.pk}")
    assert response.context["period"] == interim
    assert "badge--met" not in response.context["tree"].html


def test_red_thread_shows_residents_no_statuses_before_anything_is_published(
    client, public, tree, periods
):
    Period.objects.update(state="closed", published_at=None)
    response = client.get(reverse("followup:red_thread", kwargs={"year": 2026}))
    assert response.context["period"] is None
    assert "badge--partly_met" not in response.content.decode()


def test_node_page_shows_residents_only_published_follow_up_and_no_editing(client, public, tree):
    reading = tree["Läsa bättre"]
    response = client.get(reading.get_absolute_url())
    html = response.content.decode()
    assert "Publicerad analys." in html
    assert "Hemlig utkastanalys." not in html
    assert "Årsredovisning 2026" not in html
    assert response.context["history"] is None and "Historik" not in html
    assert reverse("goals:node_edit", kwargs={"pk": reading.pk}) not in html
    assert reverse("goals:node_add", kwargs={"pk": reading.pk}) not in html
    assert "Logga in" in html


def test_editing_stays_closed_to_residents(client, public, tree, periods):
    reading = tree["Läsa bättre"]
    _interim, annual = periods
    for url in [
        reverse("goals:node_edit", kwargs={"pk": reading.pk}),
        reverse("goals:node_add", kwargs={"pk": reading.pk}),
        reverse("goals:node_move", kwargs={"pk": reading.pk}),
        reverse("goals:node_delete", kwargs={"pk": reading.pk}),
        reverse("goals:vision_add", kwargs={"year": 2026}),
        annual.entry_url(),
        reverse("followup:plan_year_list"),
        reverse("followup:period_edit", kwargs={"year": 2026, "pk": annual.pk}),
        reverse("goals:committee_list"),
        reverse("goals:user_list"),
        reverse("followup:kolada_upload"),
    ]:
        for response in (client.get(url), client.post(url, {"title": "Ändrad"})):
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url
    response = client.post(
        reverse("followup:period_action", kwargs={"pk": annual.pk}), {"action": "publish"}
    )
    assert response.status_code == 302
    annual.refresh_from_db()
    assert not annual.is_published
    assert Node.objects.get(pk=reading.pk).title == "Läsa bättre"


def test_open_data_gives_residents_only_published_periods(client, public, tree, periods):
    interim, _annual = periods
    index = client.get(reverse("followup:api_years")).json()
    assert [p["id"] for p in index["years"][0]["periods"]] == [interim.pk]
    data = client.get(reverse("followup:api_year", kwargs={"year": 2026})).json()
    assert [p["id"] for p in data["periods"]] == [interim.pk]
    reading = next(node for node in data["nodes"] if node["title"] == "Läsa bättre")
    assert [(a["period_id"], a["analysis"]) for a in reading["assessments"]] == [
        (interim.pk, "Publicerad analys.")
    ]
    [indicator] = reading["indicators"]
    assert indicator["outcomes"] == [
        {"period_id": interim.pk, "value": "80.000", "forecast": None, "source": ""}
    ]
    assert "Hemlig" not in str(data)


def test_open_data_query_count_for_residents(client, public, tree, django_assert_num_queries):
    # Expect 12 queries (no session, no user):
    # * the plan year
    # * its published periods
    # * the number of nodes
    # * the page's nodes with their committees
    # * their assessments
    # * their indicators' outcomes
    # * their global goals
    # * their indicators' global goals
    # * their indicators
    # * the goals they also support
    # * the year's assignments with their committees, and their follow-up (two queries)
    with django_assert_num_queries(12):
        client.get(reverse("followup:api_year", kwargs={"year": 2026}))


def test_search_finds_only_published_analyses_for_residents(client, public, tree):
    response = client.get(reverse("followup:search"), {"q": "analys"})
    html = response.content.decode()
    [hit] = response.context["results"].hits
    assert [match.where for match in hit.matches] == ["Analys, Delårsrapport 2026"]
    assert "utkastanalys" not in html.lower()
    assert client.get(reverse("followup:search"), {"q": "hemlig"}).context["results"].hits == []


@pytest.mark.parametrize("public_access", [True, False])
def test_header_offers_search_only_to_those_who_may_read(client, settings, db, public_access):
    settings.PUBLIC_ACCESS = public_access
    html = client.get(reverse("login")).content.decode()
    assert ('role="search"' in html) == public_access


def test_residents_see_no_suggested_status_but_readers_who_log_in_do(
    client, public, tree, councillor
):
    # Trygg kommun's child Fler i arbete has no assessment; Fler i arbete's
    # child Läsa bättre is partly met, which suggests a status for it.
    goal = tree["Fler i arbete"]
    Assessment.objects.create(node=goal, period=Period.objects.get(kind="interim"), status="met")
    html = client.get(goal.get_absolute_url()).content.decode()
    assert "Förslag utifrån" not in html
    client.force_login(councillor)
    html = client.get(goal.get_absolute_url()).content.decode()
    assert "Förslag utifrån" in html
