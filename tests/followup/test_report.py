"""The overview of a period and its printable report: contents, visibility and queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from followup.models import Assessment, Indicator
from tests.factories import add_indicator, assess_all, build_tree, grow_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
              Lovskola [bun]
            Kortare försörjningsstöd [sn]
          Trygga miljöer
      Ekonomi
        Ekonomi i balans
          Budget i balans
            Hålla budgetramen [sn]
"""


@pytest.fixture
def tree(plan_year, committees, periods):
    nodes = build_tree(plan_year, OUTLINE)
    interim = periods[0]
    for title, status, analysis in [
        ("Trygg kommun", "partly_met", "Tryggheten ökar långsamt."),
        (
            "Fler i arbete",
            "met",
            "Fler har fått arbete.\n\nArbetslösheten är den lägsta på tio år.",
        ),
        ("Läsa bättre", "partly_met", "Läsförmågan har ökat."),
        ("Lovskola", "done", ""),
        ("Kortare försörjningsstöd", "not_met", "Tiderna har blivit längre."),
        ("Budget i balans", "not_assessed", ""),
    ]:
        Assessment.objects.create(
            node=nodes[title], period=interim, status=status, analysis=analysis
        )
    add_indicator(
        nodes["Fler i arbete"],
        "Andel invånare 20–64 år som förvärvsarbetar",
        target=80,
        baseline=78,
        unit="%",
        kolada_kpi="N00914",
        outcomes={interim: "79.5"},
    )
    add_indicator(
        nodes["Läsa bättre"], "Sjukfrånvaro totalt, %", target=6, direction="lower", unit="%"
    )
    return nodes


def _report_url(period):
    return reverse("followup:period_report", kwargs={"pk": period.pk})


def _overview_url(plan_year, period=None):
    url = reverse("followup:overview", kwargs={"year": plan_year.year})
    return f"{url}?period={period.pk}" if period else url


# --- the overview ------------------------------------------------------------


def test_overview_counts_the_municipal_goals_for_the_annual_report(
    councillor_client, plan_year, tree, periods
):
    response = councillor_client.get(_overview_url(plan_year, periods[0]))
    assert response.status_code == 200
    summary = response.context["summary"]
    # Fler i arbete: met; Trygga miljöer: no assessment; Budget i balans: not assessed.
    assert (summary.met, summary.partly_met, summary.not_met, summary.not_assessed) == (1, 0, 0, 2)
    assert summary.total == 3


def test_overview_charts_are_svg_images_with_a_table_beside(
    councillor_client, plan_year, tree, periods
):
    html = councillor_client.get(_overview_url(plan_year, periods[0])).content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 3
    assert 'role="img"' in html
    assert '<title id="chart-perspectives-title">Mål per perspektiv</title>' in html
    assert '<th scope="row">Kramforsbon</th>' in html
    assert '<th scope="row">Socialnämnden</th>' in html
    charts = {
        chart["id"]: chart
        for chart in councillor_client.get(_overview_url(plan_year, periods[0])).context["charts"]
    }
    perspectives = dict((label, counts) for label, counts, _total in charts["perspectives"]["rows"])
    # met, partly met, not met, not assessed, not reported
    assert perspectives["Kramforsbon"] == [1, 2, 1, 0, 1]
    assert perspectives["Ekonomi"] == [0, 0, 0, 1, 2]
    committees = {label: counts for label, counts, _t in charts["committee-goals"]["rows"]}
    assert committees["Socialnämnden"] == [0, 0, 1, 0, 1]


def test_overview_of_another_period(councillor_client, plan_year, tree, periods):
    response = councillor_client.get(_overview_url(plan_year, periods[1]))
    assert response.context["period"] == periods[1]
    assert response.context["summary"].not_assessed == 3


def test_overview_is_linked_from_the_red_thread_and_the_start_page(
    councillor_client, plan_year, tree
):
    url = reverse("followup:overview", kwargs={"year": plan_year.year})
    assert (
        url
        in councillor_client.get(
            reverse("followup:red_thread", kwargs={"year": 2026})
        ).content.decode()
    )
    assert url in councillor_client.get(reverse("followup:start")).content.decode()


def test_the_public_sees_only_published_periods(client, plan_year, tree, periods, settings):
    settings.PUBLIC_ACCESS = True
    interim, annual = periods
    response = client.get(_overview_url(plan_year, interim))
    assert response.context["period"] is None  # nothing published yet
    annual.state, annual.published_at = "published", timezone.now()
    annual.save()
    response = client.get(_overview_url(plan_year, interim))
    assert response.context["period"] == annual
    assert [p.pk for p in response.context["periods"]] == [annual.pk]
    assert client.get(_report_url(interim)).status_code == 404
    assert client.get(_report_url(annual)).status_code == 200


def test_anonymous_readers_log_in_unless_public_access(client, plan_year, tree, periods):
    for url in [_overview_url(plan_year), _report_url(periods[0])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- the report --------------------------------------------------------------


def test_report_follows_perspective_direction_and_municipal_goals(councillor_client, tree, periods):
    response = councillor_client.get(_report_url(periods[0]))
    assert response.status_code == 200
    html = response.content.decode()
    order = [
        "Kramforsbon",
        "Trygg kommun",
        "Tryggheten ökar långsamt.",
        "Fler i arbete",
        "Arbetslösheten är den lägsta på tio år.",
        "Andel invånare 20–64 år som förvärvsarbetar",
        "Läsa bättre",
        "Läsförmågan har ökat.",
        "Kortare försörjningsstöd",
        "Trygga miljöer",
        "Ekonomi",
        "Hålla budgetramen",
    ]
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions)
    assert "Lovskola" not in html  # activities belong to the committees' own follow-up
    assert "79,5" in html
    assert "delvis uppfyllt" in html
    assert "inget utfall" in html  # Sjukfrånvaro has no outcome
    assert "Av 3 kommunövergripande mål bedöms 1 som uppfyllda" in html


def test_report_has_a_print_stylesheet(councillor_client, tree, periods):
    from django.contrib.staticfiles import finders

    html = councillor_client.get(_report_url(periods[0])).content.decode()
    assert "css/report.css" in html
    with open(finders.find("css/report.css"), encoding="utf-8") as stylesheet:
        assert "@media print" in stylesheet.read()


def test_unknown_period_is_404(councillor_client, db):
    assert (
        councillor_client.get(reverse("followup:period_report", kwargs={"pk": 999})).status_code
        == 404
    )


# --- queries -----------------------------------------------------------------


def _big_year(plan_year, committees, period, goals):
    nodes = grow_tree(plan_year, committees, goals)
    assess_all(nodes, period)
    for node in nodes:
        if node.kind in ("municipal_goal", "committee_goal"):
            add_indicator(node, f"Nyckeltal {node.pk}", outcomes={period: 85})
    return nodes


@pytest.mark.parametrize("goals", [3, 30])
def test_overview_query_count_does_not_grow_with_the_tree(
    councillor_client, plan_year, committees, periods, goals, django_assert_num_queries
):
    _big_year(plan_year, committees, periods[0], goals)
    # Expect 8 queries:
    # * the session and the user
    # * the plan year
    # * its periods
    # * the committees
    # * the whole tree, in tree order
    # * the period's statuses
    # * the user's groups and committees, in one query (roles, for the menu)
    with django_assert_num_queries(8):
        response = councillor_client.get(_overview_url(plan_year, periods[0]))
    assert response.context["summary"].total == 8


@pytest.mark.parametrize("goals", [3, 30])
def test_report_query_count_does_not_grow_with_the_tree(
    councillor_client, plan_year, committees, periods, goals, django_assert_num_queries
):
    _big_year(plan_year, committees, periods[0], goals)
    # Expect 10 queries:
    # * the session and the user
    # * the period with its plan year
    # * the year's goals in tree order, with their committees
    # * the period's assessments
    # * the indicators with their outcome in the period
    # * the goals for sound financial management with their assessments
    # * the period again, with its evaluation and balance requirement statement
    # * the statement's deficits
    # * the user's groups and committees, in one query (roles, for the menu)
    with django_assert_num_queries(10):
        response = councillor_client.get(_report_url(periods[0]))
    assert response.content.decode().count('class="indicator-table"') == Indicator.objects.count()
