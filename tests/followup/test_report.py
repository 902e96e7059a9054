"""The overview of a period and its printable report: contents, visibility and queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from followup.indicatormodels import Indicator
from followup.models import Assessment
from tests.factories import add_assignments, add_indicator, assess_all, build_tree, grow_tree

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


def test_overview_shows_stacked_bars_per_perspective_and_committee_without_empty_rows(
    councillor_client, plan_year, tree, periods
):
    response = councillor_client.get(_overview_url(plan_year, periods[0]))
    found = response.context["comparison"]
    perspectives = {group.title: group.rows[0].counts for group in found.perspectives}
    assert perspectives["Kramforsbon"] == {"partly_met": 2, "met": 1, "not_met": 1, "missing": 1}
    assert perspectives["Ekonomi"] == {"not_assessed": 1, "missing": 2}
    committees = {group.title: group.rows[0].counts for group in found.committee_goals}
    # KS has no goals: no row for it.
    assert committees == {
        "Barn- och utbildningsnämnden": {"partly_met": 1},
        "Socialnämnden": {"not_met": 1, "missing": 1},
    }
    activities = {group.title: group.rows[0].counts for group in found.committee_activities}
    assert activities == {"Barn- och utbildningsnämnden": {"done": 1}}
    html = response.content.decode()
    assert html.count('class="stack__bar"') == 2 + 2 + 1
    # Every bar leads to the röd tråd filtered to it.
    red_thread = reverse("followup:red_thread", kwargs={"year": 2026})
    kramforsbon = tree["Kramforsbon"].pk
    assert f'href="{red_thread}?period={periods[0].pk}&amp;perspective={kramforsbon}"' in html
    sn = tree["Kortare försörjningsstöd"].committee_id
    assert f'href="{red_thread}?period={periods[0].pk}&amp;committee={sn}"' in html


def test_overview_names_the_goals_not_met_and_partly_met_with_their_analyses(
    councillor_client, plan_year, tree, periods
):
    html = councillor_client.get(_overview_url(plan_year, periods[0])).content.decode()
    assert "Mål som är ej uppfyllt: 1" in html
    assert "Mål som är delvis uppfyllt: 2" in html
    assert "Kortare försörjningsstöd" in html and "Tiderna har blivit längre." in html
    assert "Tryggheten ökar långsamt." in html and "Läsförmågan har ökat." in html
    assert f'href="{tree["Läsa bättre"].get_absolute_url()}"' in html


def test_overview_compares_with_the_period_before_and_the_year_before(
    councillor_client, plan_year, tree, periods
):
    from followup.services import plan_year_start

    interim, annual = periods
    Assessment.objects.filter(period=interim).exclude(status="done").update(status="met")
    Assessment.objects.create(node=tree["Budget i balans"], period=annual, status="not_met")
    from followup import counts

    counts.rebuild(plan_year.pk)
    next_year = plan_year_start(source=plan_year, year=2027)
    response = councillor_client.get(reverse("followup:overview", kwargs={"year": 2027}))
    found = response.context["comparison"]
    assert found.previous == annual and found.last_year.plan_year == plan_year
    economy = next(group for group in found.perspectives if group.title == "Ekonomi")
    # This year nothing is assessed; the annual report before had Budget i
    # balans not met; in the same period a year before it was met.
    assert [row.counts for row in economy.rows] == [
        {"missing": 3},
        {"not_met": 1, "missing": 2},
        {"met": 1, "missing": 2},
    ]
    red_2026 = reverse("followup:red_thread", kwargs={"year": 2026})
    assert economy.rows[1].url == (
        f"{red_2026}?period={annual.pk}&perspective={tree['Ekonomi'].pk}"
    )
    assert next_year.pk != plan_year.pk


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
    # * the periods of this year and the year before
    # * the whole tree, in tree order, with its statuses in two periods
    # * the global goals (Agenda 2030)
    # * the links of the year's goals to them, with their status in the period
    # * the user's groups and committees, in one query (roles, for the menu)
    with django_assert_num_queries(10):
        response = councillor_client.get(_overview_url(plan_year, periods[0]))
    assert response.context["summary"].total == 8


@pytest.mark.parametrize("goals", [3, 30])
def test_report_query_count_does_not_grow_with_the_tree(
    councillor_client, plan_year, committees, periods, goals, django_assert_num_queries
):
    nodes = _big_year(plan_year, committees, periods[0], goals)
    add_assignments(nodes, periods[0], goals)
    # Expect 11 queries:
    # * the session and the user
    # * the period with its plan year
    # * the year's goals in tree order, with their committees
    # * the period's assessments
    # * the indicators with their outcome in the period
    # * the goals for sound financial management with their assessments
    # * the period again, with its evaluation and balance requirement statement
    # * the statement's deficits
    # * the assignments with their committees, goals and status in the period
    # * the user's groups and committees, in one query (roles, for the menu)
    with django_assert_num_queries(11):
        response = councillor_client.get(_report_url(periods[0]))
    assert response.content.decode().count('class="indicator-table"') == Indicator.objects.count()
    assert len(response.context["report"].assignments) == goals
