"""Kolada's KPI list and areas, the comparison values kept beside the outcomes,
units, and how they show on the indicator form and the goal's page.

The responses are the recorded files under kolada/ (see its README).
"""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from followup import kolada, koladameta
from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.kolada import KoladaError, SkipReason, decode_page, kolada_import
from followup.koladamodels import AreaKind, KoladaArea, KoladaKpi, KpiValue
from followup.models import PeriodState
from tests.factories import build_tree
from tests.test_settings import _load_settings

FILES = Path(__file__).resolve().parent / "kolada"
KPI_PAGE_1 = "https://api.kolada.se/v3/kpi"
KPI_PAGE_2 = "https://api.kolada.se/v3/kpi?page=2&per_page=5"
SIMILAR = ["2283", "2260", "2161", "2313"]

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
"""


def _page(name: str) -> object:
    return decode_page((FILES / name).read_bytes(), source=name)


@pytest.fixture(autouse=True)
def comparison_set(settings):
    settings.KOLADA_MUNICIPALITY_ID = "2282"
    settings.KOLADA_SIMILAR_MUNICIPALITIES = SIMILAR
    settings.KOLADA_COMPARISON_AREAS = ["0000"]
    settings.MUNICIPALITY_NAME = "Kramfors kommun"


@pytest.fixture
def goals(plan_year, committees, periods):
    return build_tree(plan_year, OUTLINE)


@pytest.fixture
def work(goals):
    return Indicator.objects.create(
        node=goals["Fler i arbete"], name="Andel i arbete", target=75, kolada_kpi="N00914"
    )


# --- the KPI list ------------------------------------------------------------


def test_kpi_list_of_two_pages_is_imported_following_next_url(monkeypatch, db):
    pages = {KPI_PAGE_1: "kpi_list_1.json", KPI_PAGE_2: "kpi_list_2.json"}
    monkeypatch.setattr(kolada, "fetch", lambda url: (FILES / pages[url]).read_bytes())
    report = koladameta.kpi_list_import(pages=kolada.fetch_pages(KPI_PAGE_1))
    assert (report.read, report.created, report.updated) == (9, 9, 0)
    kpi = KoladaKpi.objects.get(pk="N00914")
    assert kpi.title == "Invånare 20-64 år som förvärvsarbetar, andel (%)"
    assert kpi.unit == "%"
    assert kpi.is_divided_by_gender and not kpi.has_ou_data
    assert kpi.operating_area == "Arbetsmarknad"
    assert KoladaKpi.objects.get(pk="N01951").unit == "", "no unit in brackets: none"


def test_importing_the_list_again_refreshes_only_what_changed(db):
    pages = [_page("kpi_list_1.json"), _page("kpi_list_2.json")]
    koladameta.kpi_list_import(pages=pages)
    pages[0]["values"][0]["title"] = "Invånare 20-64 år som förvärvsarbetar, nytt namn, andel (%)"
    again = koladameta.kpi_list_import(pages=pages)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 8)
    assert "nytt namn" in KoladaKpi.objects.get(pk="N00914").title
    assert KoladaKpi.objects.matching("nytt namn").get().pk == "N00914"


def test_a_wrong_entry_in_the_list_imports_nothing(db):
    page = _page("kpi_list_1.json")
    page["values"][2]["id"] = 42
    with pytest.raises(KoladaError) as refused:
        koladameta.kpi_list_import(pages=[_page("kpi_list_2.json"), page])
    assert refused.value.messages == ["sida 2, post 3: ”id” måste vara ett id i Kolada."]
    assert not KoladaKpi.objects.exists()


def test_search_finds_swedish_words_in_any_case(db):
    koladameta.kpi_list_import(pages=[_page("kpi_list_1.json"), _page("kpi_list_2.json")])
    found = set(KoladaKpi.objects.matching("FÖRVÄRVSARBETANDE").values_list("pk", flat=True))
    assert found == {"N00914", "N00945"}  # N00914 by its definition, N00945 by its title
    assert list(
        KoladaKpi.objects.matching("behöriga yrkesprogram").values_list("pk", flat=True)
    ) == ["N15428"]
    assert not KoladaKpi.objects.matching("förvärvsarbetande skola").exists()


def test_areas_are_told_apart_by_their_list(db):
    report = koladameta.area_list_import(
        pages=[_page("municipality.json"), _page("municipality_groups.json"), _page("ou.json")]
    )
    assert report.created == 11
    kinds = dict(KoladaArea.objects.values_list("pk", "kind"))
    assert kinds["2282"] == AreaKind.MUNICIPALITY
    assert kinds["0000"] == AreaKind.REGION
    assert kinds["G124000"] == AreaKind.GROUP
    assert kinds["V15E228200101"] == AreaKind.UNIT
    assert KoladaArea.objects.get(pk="V15E228200101").municipality == "2282"


# --- values for comparison ---------------------------------------------------


def test_comparison_values_are_kept_with_women_and_men(work):
    report = kolada_import(pages=[_page("comparison.json")])
    assert IndicatorOutcome.objects.get(indicator=work).value == Decimal("66")
    stored = {
        (value.area, value.gender): value.value
        for value in KpiValue.objects.filter(kpi="N00914", year=2026)
    }
    # Kramfors, four similar municipalities and the whole country, three genders each.
    assert report.compared == len(stored) == 18
    assert stored[("2282", "K")] == Decimal("64") and stored[("2282", "M")] == Decimal("68")
    assert stored[("0000", "T")] == Decimal("73")
    assert not any(area == "1480" for area, _gender in stored)
    skipped = {reason: group.count for reason, group in report.skipped.items()}
    assert skipped == {SkipReason.OTHER_MUNICIPALITY: 1, SkipReason.UNKNOWN_KPI: 1}


def test_importing_comparison_values_again_changes_them_in_place(work):
    kolada_import(pages=[_page("comparison.json")])
    page = _page("comparison.json")
    page["values"][5]["values"][2]["value"] = Decimal("74.5")  # the whole country, total
    kolada_import(pages=[page])
    assert KpiValue.objects.count() == 18
    assert KpiValue.objects.get(area="0000", gender="T").value == Decimal("74.5")


def test_a_dry_run_keeps_no_comparison_values(work):
    report = kolada_import(pages=[_page("comparison.json")], dry_run=True)
    assert report.compared == 18
    assert not KpiValue.objects.exists()


def test_a_closed_period_refuses_the_outcome_and_keeps_the_comparison(work, periods):
    periods[1].state = PeriodState.CLOSED
    periods[1].save()
    report = kolada_import(pages=[_page("comparison.json")])
    assert SkipReason.PERIOD_CLOSED in report.skipped
    assert not IndicatorOutcome.objects.exists()
    assert KpiValue.objects.filter(area="2282").count() == 3


def test_a_unit_gives_its_value_to_the_indicator_that_takes_it(goals):
    school = Indicator.objects.create(
        node=goals["Läsa bättre"],
        name="Behöriga, Gudmundråskolan",
        target=90,
        kolada_kpi="N15428",
        kolada_ou="V15E228200101",
    )
    report = kolada_import(pages=[_page("ou_values.json")])
    assert IndicatorOutcome.objects.get(indicator=school).value == Decimal("88.5")
    assert set(KpiValue.objects.values_list("area", flat=True)) == {"V15E228200101"}
    assert report.skipped[SkipReason.OTHER_MUNICIPALITY].examples[0].municipality == (
        "V15E228200202"
    )


def test_the_municipality_total_does_not_land_on_an_indicator_that_takes_a_unit(goals):
    school = Indicator.objects.create(
        node=goals["Läsa bättre"],
        name="Behöriga, Gudmundråskolan",
        target=90,
        kolada_kpi="N00914",
        kolada_ou="V15E228200101",
    )
    kolada_import(pages=[_page("comparison.json")])
    assert not IndicatorOutcome.objects.filter(indicator=school).exists()


# --- the goal's page ---------------------------------------------------------


def test_the_goal_page_compares_with_similar_municipalities_and_the_country(
    client, councillor, work
):
    koladameta.area_list_import(pages=[_page("municipality.json")])
    kolada_import(pages=[_page("comparison.json")])
    client.force_login(councillor)
    html = client.get(reverse("followup:node_detail", kwargs={"pk": work.node_id})).content.decode()
    assert "Kramfors 66 · liknande kommuner 71 · Riket 73" in html
    assert "Plats 5 av 5 bland liknande kommuner." in html
    assert "Källa: Kolada" in html
    assert html.count("Källa: Kolada") == 2  # beside the outcome, and under the comparison
    assert '<th scope="col" class="number">Kvinnor</th>' in html
    assert "Sollefteå" in html


def test_without_area_names_the_page_names_the_municipality_and_the_country(
    client, councillor, work
):
    kolada_import(pages=[_page("comparison.json")])
    client.force_login(councillor)
    html = client.get(reverse("followup:node_detail", kwargs={"pk": work.node_id})).content.decode()
    assert "Kramfors kommun 66 · liknande kommuner 71 · riket 73" in html


def test_lower_is_better_ranks_the_lowest_first(client, councillor, work):
    work.direction = "lower"
    work.save()
    kolada_import(pages=[_page("comparison.json")])
    client.force_login(councillor)
    html = client.get(reverse("followup:node_detail", kwargs={"pk": work.node_id})).content.decode()
    assert "Plats 1 av 5 bland liknande kommuner." in html


@pytest.mark.parametrize("count", [1, 4])
def test_the_comparison_costs_one_query_whatever_the_number_of_indicators(
    client, councillor, work, count
):
    for number in range(count - 1):
        Indicator.objects.create(
            node=work.node, name=f"Fler {number}", target=1, kolada_kpi="N00945"
        )
    kolada_import(pages=[_page("comparison.json")])
    client.force_login(councillor)
    url = reverse("followup:node_detail", kwargs={"pk": work.node_id})
    with_kolada = _queries(client, url)
    Indicator.objects.update(kolada_kpi="")
    without_kolada = _queries(client, url)
    # One query more than the page without Kolada (whose count test_node_detail pins):
    # * Kolada's values of the indicators' KPIs, with the areas' names
    assert with_kolada == without_kolada + 1


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


# --- the indicator form ------------------------------------------------------


def test_searching_kolada_lists_kpis_as_links_that_fill_in_the_form(client, official, goals):
    koladameta.kpi_list_import(pages=[_page("kpi_list_1.json"), _page("kpi_list_2.json")])
    client.force_login(official)
    url = reverse("followup:indicator_add", kwargs={"pk": goals["Fler i arbete"].pk})
    html = client.get(url, {"sok": "förvärvsarbetande"}).content.decode()
    assert "?sok=f%C3%B6rv%C3%A4rvsarbetande&amp;kpi=N00914" in html
    assert "Invånare 20-64 år som förvärvsarbetar, andel (%)" in html
    picked = client.get(url, {"sok": "förvärvsarbetande", "kpi": "N00914"})
    form = picked.context["form"]
    assert form.initial["name"] == "Invånare 20-64 år som förvärvsarbetar, andel (%)"
    assert form.initial["unit"] == "%"
    assert form.initial["kolada_kpi"] == "N00914"
    assert form.initial["definition"].startswith("Antal förvärvsarbetande invånare")
    html = picked.content.decode()
    assert "https://www.kolada.se/verktyg/fri-sokning/?kpis=N00914&amp;municipals=2282" in html


def test_a_search_that_finds_nothing_says_so(client, official, goals):
    client.force_login(official)
    url = reverse("followup:indicator_add", kwargs={"pk": goals["Fler i arbete"].pk})
    html = client.get(url, {"sok": "xyzzy"}).content.decode()
    assert "Inget nyckeltal i Koladas lista matchar de orden." in html


def test_an_unknown_kpi_fills_in_nothing(client, official, goals):
    client.force_login(official)
    url = reverse("followup:indicator_add", kwargs={"pk": goals["Fler i arbete"].pk})
    response = client.get(url, {"kpi": "N99999"})
    assert response.status_code == 200
    assert response.context["form"].initial == {}


@pytest.mark.parametrize("search", [{}, {"sok": "förvärvsarbetande"}, {"kpi": "N00914"}])
def test_the_form_with_a_search_costs_one_query_more(
    client, official, goals, search, django_assert_num_queries
):
    koladameta.kpi_list_import(pages=[_page("kpi_list_1.json"), _page("kpi_list_2.json")])
    client.force_login(official)
    url = reverse("followup:indicator_add", kwargs={"pk": goals["Fler i arbete"].pk})
    # Expect 4 queries, and one more with a search or a picked KPI:
    # * the session and the user
    # * the user's groups and committees (roles: may the user edit?)
    # * the goal with its plan year and committee
    # * the KPIs found, or the KPI picked
    with django_assert_num_queries(4 + (1 if search else 0)):
        assert client.get(url, search).status_code == 200


def test_the_definition_is_shown_on_the_goal_page(client, councillor, work):
    work.definition = "Antal förvärvsarbetande dividerat med antal invånare."
    work.save()
    client.force_login(councillor)
    html = client.get(reverse("followup:node_detail", kwargs={"pk": work.node_id})).content.decode()
    assert "Antal förvärvsarbetande dividerat med antal invånare." in html


# --- the report and its exports ----------------------------------------------


def test_the_report_and_its_csv_carry_the_comparison(client, councillor, work, periods):
    koladameta.area_list_import(pages=[_page("municipality.json")])
    kolada_import(pages=[_page("comparison.json")])
    client.force_login(councillor)
    expected = (
        "Kramfors 66 · liknande kommuner 71 · Riket 73 "
        "(2026, plats 5 av 5 bland liknande kommuner, källa: Kolada)"
    )
    html = client.get(reverse("followup:period_report", kwargs={"pk": periods[1].pk}))
    assert expected in html.content.decode()
    exported = client.get(reverse("followup:report_csv", kwargs={"pk": periods[1].pk}))
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    comparison = rows[0].index("Jämförelse (källa: Kolada)")
    assert [row[comparison] for row in rows if row[7] == "Andel i arbete"] == [expected]


# --- settings ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KOLADA_COMPARISON_AREAS", "0000,riket"),
        ("KOLADA_SIMILAR_MUNICIPALITIES", "2283,G124000"),
        ("KOLADA_API_URL", "ftp://api.kolada.se/v3/"),
        ("KOLADA_FETCH_DELAY_MS", "-5"),
    ],
)
def test_a_bad_kolada_setting_stops_the_start(name, value):
    result = _load_settings(SECRET_KEY="x", **{name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_the_kolada_settings_take_lists(settings):
    result = _load_settings(
        SECRET_KEY="x", KOLADA_COMPARISON_AREAS="0000,G124000", KOLADA_SIMILAR_MUNICIPALITIES=""
    )
    assert result.returncode == 0, result.stderr


def test_the_comparison_is_drawn_with_women_and_men_labelled(client, councillor, work):
    koladameta.area_list_import(pages=[_page("municipality.json")])
    kolada_import(pages=[_page("comparison.json")])
    client.force_login(councillor)
    html = client.get(reverse("followup:node_detail", kwargs={"pk": work.node_id})).content.decode()
    chart = html[
        html.index(
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="comparison-chart-{work.pk}"'
        ) :
    ]
    chart = chart[: chart.index("</svg>")]
    assert "<title" in chart and "Andel i arbete 2026, jämfört" in chart
    # The description says it all in words.
    assert "Kramfors, totalt 66; Kramfors, kvinnor 64; Kramfors, män 68; Sollefteå" in chart
    assert chart.count("<rect") == 3 * 7  # six areas and the mean: total, women and men each


def test_a_changed_definition_and_unit_id_are_in_the_goals_history(client, official, work):
    client.force_login(official)
    url = reverse("followup:indicator_edit", kwargs={"pk": work.pk})
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(target="75", definition="Andel av invånarna 20–64 år.", kolada_ou="V15E228200101")
    assert client.post(url, data).status_code == 302
    html = client.get(reverse("followup:node_detail", kwargs={"pk": work.node_id})).content.decode()
    history = html[html.index('id="history-heading"') :]
    assert "Andel av invånarna 20–64 år." in history and "V15E228200101" in history


def test_a_kpi_with_unit_data_lists_the_municipalitys_units(client, official, goals):
    koladameta.kpi_list_import(pages=[_page("kpi_list_1.json")])
    koladameta.area_list_import(pages=[_page("ou.json"), _page("municipality.json")])
    client.force_login(official)
    url = reverse("followup:indicator_add", kwargs={"pk": goals["Fler i arbete"].pk})
    html = client.get(url, {"kpi": "N15428"}).content.decode()
    assert "Gudmundråskolan <code>V15E228200101</code>" in html
    assert "Kramfors västra skola <code>V15E228200202</code>" in html
    assert "per enhet också" not in client.get(url, {"kpi": "N00914"}).content.decode()
