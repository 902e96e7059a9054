"""Sound financial management (god ekonomisk hushållning): the balance requirement
statement's sums, the evaluation, the page, its forms and their bad input."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from followup import geh
from followup.gehmodels import BalanceDeficit, BalanceStatement, GehEvaluation
from followup.indicatormodels import IndicatorOutcome
from followup.models import Assessment
from followup.services import PeriodClosedError
from goals import services as goal_services
from goals.models import GehRole, Node
from goals.services import StaleEditError
from tests.factories import add_assignments, add_indicator, assess_all, build_tree, grow_tree
from tests.linkclient import LinkClient

MILLION = 1_000_000

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
      Ekonomi
        Ekonomi i balans
          Resultatet minst 2 procent
          Soliditeten ökar
          Hemtjänsten inom budget
"""


@pytest.fixture
def tree(plan_year, committees, periods):
    nodes = build_tree(plan_year, OUTLINE)
    goal_services.nodes_geh_roles_set(
        plan_year=plan_year,
        roles={
            nodes["Resultatet minst 2 procent"].pk: GehRole.FINANCIAL,
            nodes["Soliditeten ökar"].pk: GehRole.FINANCIAL,
            nodes["Hemtjänsten inom budget"].pk: GehRole.OPERATIONAL,
        },
        versions={
            nodes[title].pk: 1
            for title in (
                "Resultatet minst 2 procent",
                "Soliditeten ökar",
                "Hemtjänsten inom budget",
            )
        },
    )
    interim, annual = periods
    for title, status, forecast in [
        ("Resultatet minst 2 procent", "partly_met", "met"),
        ("Soliditeten ökar", "met", "met"),
        ("Hemtjänsten inom budget", "not_met", "not_met"),
    ]:
        Assessment.objects.create(
            node=nodes[title], period=interim, status=status, forecast_status=forecast
        )
    Assessment.objects.create(node=nodes["Resultatet minst 2 procent"], period=annual, status="met")
    return nodes


def _statement(period, **amounts) -> BalanceStatement:
    return BalanceStatement.objects.create(period=period, **amounts)


# --- the sums, against published statements ------------------------------------


def test_balance_sums_match_gothenburgs_annual_report_2018(periods):
    # Göteborgs Stad, Årsredovisning 2018, "Balanskravsutredning för kommunen"
    # (belopp i mnkr), published at arsredovisning.goteborg.se/2018 under
    # "Räkenskaper för kommunen och sammanställd redovisning – Resultaträkning":
    # årets resultat 1 792, avgår samtliga realisationsvinster −739, resultat
    # efter balanskravsjusteringar 1 053, medel till RUR −740, årets
    # balanskravsresultat 313.
    statement = _statement(
        periods[1],
        result=1792 * MILLION,
        capital_gains=739 * MILLION,
        reserve_allocation=740 * MILLION,
    )
    assert statement.adjusted_result == 1053 * MILLION
    assert statement.balance_result == 313 * MILLION
    requirement = geh.BalanceRequirement(statement, [], geh.balance_unit())
    assert requirement.to_restore == 0


@pytest.mark.parametrize(
    ("year", "result", "gains", "to_reserve", "from_reserve", "earlier", "balance", "left"),
    [
        # Malmö stad, Årsredovisning 2015, Förvaltningsberättelse, "Balanskrav"
        # (balanskravsutredning, mnkr; redovisningar.malmo.se/2015): 2014 ended
        # with a deficit of 193 that 2015's result restored. Malmö's line
        # "synnerligt skäl RIPS" is 0 both years and has no line here.
        (2014, -149, 56, 0, 12, 0, -193, 193),
        (2015, 563, 23, 185, 0, 193, 355, 0),
    ],
)
def test_balance_sums_and_deficits_match_malmos_annual_report_2015(
    periods, year, result, gains, to_reserve, from_reserve, earlier, balance, left
):
    statement = _statement(
        periods[1],
        result=result * MILLION,
        capital_gains=gains * MILLION,
        reserve_allocation=to_reserve * MILLION,
        reserve_use=from_reserve * MILLION,
    )
    deficits = []
    if earlier:
        deficits = [
            BalanceDeficit.objects.create(
                statement=statement, arose_in=year - 1, amount=earlier * MILLION, restore_by=2017
            )
        ]
    requirement = geh.BalanceRequirement(statement, deficits, geh.balance_unit())
    assert statement.balance_result == balance * MILLION
    # Malmö's "SUMMA": the result less the deficits from earlier years.
    assert requirement.after_deficits == (balance - earlier) * MILLION
    assert requirement.to_restore == left * MILLION


def test_amounts_are_shown_in_thousands_by_default_and_rounded(periods, settings):
    statement = _statement(periods[1], result=1_234_567, capital_gains=500)
    rows = geh.BalanceRequirement(statement, [], geh.balance_unit()).rows
    assert rows[0].text == "1\xa0235"
    assert rows[1].text == "1"  # 500 kr rounds half away from zero
    settings.BALANCE_UNIT = "kr"
    rows = geh.BalanceRequirement(statement, [], geh.balance_unit()).rows
    assert rows[0].text == "1\xa0234\xa0567"


# --- the report the page shows -------------------------------------------------


def test_interim_counts_goals_reached_by_their_forecast(tree, periods):
    report = geh.geh_report(periods[0])
    assert [goal.title for goal in report.financial.goals] == [
        "Resultatet minst 2 procent",
        "Soliditeten ökar",
    ]
    assert (report.financial.reached, report.financial.total) == (2, 2)
    assert (report.operational.reached, report.operational.total) == (0, 1)


def test_annual_counts_goals_reached_by_their_status(tree, periods):
    report = geh.geh_report(periods[1])
    assert (report.financial.reached, report.financial.total) == (1, 2)
    assert report.financial.goals[1].status == "missing"


# --- writes ---------------------------------------------------------------------


def test_evaluation_is_saved_versioned_and_in_the_history(periods, official):
    first = geh.geh_evaluation_save(
        period=periods[0],
        verdict="partly_reached",
        justification="  Två av tre mål.  ",
        expected_version=0,
        user=official,
    )
    assert (first.version, first.justification, first.updated_by) == (
        1,
        "Två av tre mål.",
        official,
    )
    second = geh.geh_evaluation_save(
        period=periods[0], verdict="reached", justification="Alla.", expected_version=1
    )
    assert second.version == 2
    with pytest.raises(StaleEditError):
        geh.geh_evaluation_save(
            period=periods[0], verdict="not_reached", justification="x", expected_version=1
        )
    assert GehEvaluation.objects.get().verdict == "reached"
    assert [h.verdict for h in GehEvaluation.history.order_by("history_date")] == [
        "partly_reached",
        "reached",
    ]


def test_nothing_is_written_to_a_closed_period(periods):
    periods[0].close()
    with pytest.raises(PeriodClosedError):
        geh.geh_evaluation_save(
            period=periods[0], verdict="reached", justification="x", expected_version=0
        )
    with pytest.raises(PeriodClosedError):
        geh.balance_statement_save(
            period=periods[0],
            entry=geh.BalanceEntry(amounts=_amounts(result=1)),
            expected_version=0,
        )
    assert not GehEvaluation.objects.exists() and not BalanceStatement.objects.exists()


def _amounts(**given) -> dict[str, int]:
    return {line.name: given.get(line.name, 0) for line in geh.ENTERED_LINES}


def test_statement_deficits_are_updated_added_and_removed(periods):
    save = geh.balance_statement_save
    statement = save(
        period=periods[1],
        entry=geh.BalanceEntry(
            amounts=_amounts(result=-5000),
            deficits=[geh.DeficitEntry(2024, 3000, 2027), geh.DeficitEntry(2025, 1000, 2028)],
        ),
        expected_version=0,
    )
    save(
        period=periods[1],
        entry=geh.BalanceEntry(
            amounts=_amounts(result=-5000), deficits=[geh.DeficitEntry(2025, 2000, 2027)]
        ),
        expected_version=1,
    )
    assert list(statement.deficits.values_list("arose_in", "amount", "restore_by")) == [
        (2025, 2000, 2027)
    ]


def test_a_deficit_restored_too_late_is_refused_and_nothing_changes(periods):
    with pytest.raises(ValidationError) as error:
        geh.balance_statement_save(
            period=periods[1],
            entry=geh.BalanceEntry(
                amounts=_amounts(result=-5000), deficits=[geh.DeficitEntry(2024, 3000, 2030)]
            ),
            expected_version=0,
        )
    assert "senast 2027" in str(error.value)
    assert not BalanceStatement.objects.exists()


def test_geh_role_only_on_municipal_goals(tree, plan_year):
    with pytest.raises(ValidationError):
        Node(
            plan_year=plan_year, kind="direction_goal", title="x", geh_role="financial"
        ).validate_structure()
    with pytest.raises(ValidationError):
        goal_services.nodes_geh_roles_set(
            plan_year=plan_year,
            roles={tree["Trygg kommun"].pk: GehRole.FINANCIAL},
            versions={tree["Trygg kommun"].pk: 1},
        )
    assert Node.objects.get(pk=tree["Trygg kommun"].pk).geh_role == ""


def test_a_forecast_belongs_to_an_interim_period_only(tree, periods):
    annual_assessment = Assessment.objects.get(
        node=tree["Resultatet minst 2 procent"], period=periods[1]
    )
    annual_assessment.forecast_status = "met"
    with pytest.raises(ValidationError) as error:
        annual_assessment.full_clean()
    assert "bara anges i en delårsrapport" in str(error.value)
    indicator = add_indicator(tree["Resultatet minst 2 procent"], "Resultat", target=2)
    outcome = IndicatorOutcome(
        indicator=indicator, period=periods[1], value=Decimal("2.1"), forecast=Decimal("2")
    )
    with pytest.raises(ValidationError):
        outcome.full_clean()


# --- the pages -------------------------------------------------------------------


def _geh_url(period) -> str:
    return reverse("followup:geh_period", kwargs={"pk": period.pk})


def test_councillor_reaches_the_geh_page_and_its_pdf_by_links_from_the_start_page(
    tree, periods, councillor, official
):
    geh.geh_evaluation_save(
        period=periods[0],
        verdict="partly_reached",
        justification="Resultatmålet nås enligt prognosen.",
        expected_version=0,
        user=official,
    )
    _statement(periods[0], result=42 * MILLION, reserve_allocation=10 * MILLION)
    browser = LinkClient()
    browser.client.force_login(councillor)
    browser.open("/")
    browser.click("God ekonomisk hushållning 2026")
    browser.click("God ekonomisk hushållning – Delårsrapport 2026")
    page = browser.html
    assert "God ekonomisk hushållning delvis uppnådd" in page
    assert "Resultatmålet nås enligt prognosen." in page
    assert "2 av 2 beräknas uppnås för helåret." in page
    assert "0 av 1 beräknas uppnås för helåret." in page
    assert f'href="/nod/{tree["Soliditeten ökar"].pk}/"' in page
    assert "Årets balanskravsresultat" in page and "32\xa0000" in page
    browser.click("Rapporten som PDF")
    assert browser.response["Content-Type"] == "application/pdf"


def test_only_officials_see_the_edit_links(tree, periods, client, councillor, official):
    client.force_login(councillor)
    assert "Skriv bedömningen" not in client.get(_geh_url(periods[0])).content.decode()
    client.force_login(official)
    assert "Skriv bedömningen" in client.get(_geh_url(periods[0])).content.decode()


@pytest.mark.parametrize("goals", [3, 30])
def test_geh_page_query_count_does_not_grow_with_the_tree(
    councillor_client, plan_year, committees, periods, goals, django_assert_num_queries
):
    nodes = grow_tree(plan_year, committees, goals)
    municipal = [node for node in nodes if node.kind == "municipal_goal"]
    goal_services.nodes_geh_roles_set(
        plan_year=plan_year,
        roles={node.pk: GehRole.FINANCIAL for node in municipal},
        versions={node.pk: node.version for node in municipal},
    )
    assess_all(nodes, periods[0])
    statement = _statement(periods[0], result=1000)
    BalanceDeficit.objects.create(statement=statement, arose_in=2025, amount=10, restore_by=2027)
    # Expect 7 queries:
    # * the session and the user
    # * the period with its plan year
    # * the goals for sound financial management with their assessments
    # * the period with its evaluation and balance requirement statement
    # * the statement's deficits
    # * the user's groups and committees, in one query (roles, for the menu)
    with django_assert_num_queries(7):
        response = councillor_client.get(_geh_url(periods[0]))
    assert response.context["geh"].financial.total == len(municipal)


def test_geh_year_query_count(councillor_client, tree, periods, django_assert_num_queries):
    # Expect 5 queries:
    # * the session and the user
    # * the plan year
    # * its periods with their evaluations
    # * the user's groups and committees, in one query (roles, for the menu)
    with django_assert_num_queries(5):
        response = councillor_client.get(reverse("followup:geh_year", kwargs={"year": 2026}))
    assert response.status_code == 200


def _statement_url(period) -> str:
    return reverse("followup:balance_statement_edit", kwargs={"pk": period.pk})


def _statement_post(**values) -> dict:
    data = {"version": "0", "result": "0"}
    data.update(values)
    return data


def test_official_enters_a_statement_in_thousands_with_a_deficit(client, official, periods):
    client.force_login(official)
    response = client.post(
        _statement_url(periods[1]),
        _statement_post(
            result="−12 500",
            capital_gains="300",
            reserve_use="4 000",
            **{
                "deficit-0-arose_in": "2025",
                "deficit-0-amount": "2 000",
                "deficit-0-restore_by": "2028",
            },
        ),
    )
    assert response.status_code == 302
    statement = BalanceStatement.objects.get()
    assert statement.result == -12_500_000
    assert statement.balance_result == (-12_500 - 300 + 4_000) * 1000
    assert list(statement.deficits.values_list("amount", flat=True)) == [2_000_000]
    # The form shows what is stored, in the unit.
    page = client.get(_statement_url(periods[1])).content.decode()
    assert 'value="-12500"' in page and 'value="2025"' in page


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"result": "tolv"}, "Skriv ett heltal"),
        ({"result": "12,5"}, "Skriv ett heltal"),
        ({"balance_result": "999"}, "räknas ut från raderna ovanför och kan inte skrivas in"),
        ({"adjusted_result": "1"}, "räknas ut från raderna ovanför och kan inte skrivas in"),
        ({"capital_gains": "-5"}, "Ange de belopp som utredningen drar av"),
        ({"deficit-0-arose_in": "2025"}, "Ett underskott behöver sitt år"),
        (
            {"deficit-0-arose_in": "2025", "deficit-0-amount": "5", "deficit-0-restore_by": "2031"},
            "senast 2028",
        ),
    ],
)
def test_bad_statement_input_gets_a_swedish_message_and_changes_nothing(
    client, official, periods, values, message
):
    before = _statement(periods[1], result=7000)
    client.force_login(official)
    response = client.post(_statement_url(periods[1]), _statement_post(version="1", **values))
    assert response.status_code == 400
    assert message in response.content.decode()
    after = BalanceStatement.objects.get()
    assert (after.result, after.version) == (before.result, before.version)
    assert not BalanceDeficit.objects.exists()


def test_evaluation_form_needs_a_verdict_and_a_justification(client, official, periods):
    client.force_login(official)
    url = reverse("followup:geh_evaluation_edit", kwargs={"pk": periods[0].pk})
    response = client.post(url, {"version": "0", "verdict": "", "justification": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Välj en bedömning." in page and "Skriv motiveringen till bedömningen." in page
    assert not GehEvaluation.objects.exists()
    response = client.post(url, {"version": "0", "verdict": "reached", "justification": "Ja."})
    assert response.status_code == 302
    assert GehEvaluation.objects.get().updated_by == official


def test_official_marks_the_goals_for_sound_financial_management(client, official, tree, plan_year):
    client.force_login(official)
    url = reverse("followup:geh_goals", kwargs={"year": 2026})
    goal = tree["Fler i arbete"]
    data = {}
    for node in Node.objects.for_year(plan_year).of_kind("municipal_goal"):
        data[f"role-{node.pk}"] = node.geh_role
        data[f"version-{node.pk}"] = str(node.version)
    data[f"role-{goal.pk}"] = "operational"
    response = client.post(url, data)
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.geh_role, goal.version) == ("operational", 2)
    assert goal.history.first().geh_role == "operational"
    # The same form again, with the old versions: refused, nothing changes.
    data[f"role-{goal.pk}"] = ""
    response = client.post(url, data)
    assert response.status_code == 409
    goal.refresh_from_db()
    assert goal.geh_role == "operational"


def test_a_new_year_copied_from_this_one_keeps_the_goals_roles(tree, plan_year):
    from followup.services import plan_year_start

    new_year = plan_year_start(source=plan_year, year=2027)
    roles = dict(
        Node.objects.for_year(new_year).exclude(geh_role="").values_list("title", "geh_role")
    )
    assert roles == {
        "Resultatet minst 2 procent": "financial",
        "Soliditeten ökar": "financial",
        "Hemtjänsten inom budget": "operational",
    }


def _committee_report_url(period, slug="bun") -> str:
    return reverse("followup:committee_report", kwargs={"pk": period.pk, "slug": slug})


def test_committee_report_has_its_goals_and_activities_under_the_municipal_goals(
    councillor_client, plan_year, committees, periods
):
    nodes = build_tree(
        plan_year,
        """
        Vision
          Kramforsbon
            Trygg kommun
              Fler i arbete
                Läsa bättre [bun]
                  Lovskola [bun]
                Kortare försörjningsstöd [sn]
        """,
    )
    Assessment.objects.create(node=nodes["Lovskola"], period=periods[0], status="in_progress")
    report = councillor_client.get(_committee_report_url(periods[0])).context["report"]
    [section] = report.sections
    assert section.municipal_goal_title == "Fler i arbete"
    assert [goal.title for goal in section.goals] == ["Läsa bättre"]
    assert [(a.title, a.status) for a in section.goals[0].children] == [("Lovskola", "in_progress")]
    assert report.activity_summary["in_progress"] == 1
    assert councillor_client.get(_committee_report_url(periods[0], "saknas")).status_code == 404


@pytest.mark.parametrize("goals", [3, 30])
def test_committee_report_query_count_does_not_grow_with_the_tree(
    councillor_client, plan_year, committees, periods, goals, django_assert_num_queries
):
    nodes = grow_tree(plan_year, committees, goals)
    assess_all(nodes, periods[0])
    for node in nodes:
        if node.kind == "committee_goal":
            add_indicator(node, f"Nyckeltal {node.pk}", outcomes={periods[0]: 85})
    add_assignments(nodes, periods[0], goals)
    # Expect 9 queries:
    # * the session and the user
    # * the period with its plan year
    # * the committee
    # * the committee's nodes in tree order, with their parents
    # * its assessments in the period
    # * its indicators with their outcome and forecast
    # * its assignments with their status in the period
    # * the user's groups and committees, in one query (roles, for the menu)
    with django_assert_num_queries(9):
        response = councillor_client.get(_committee_report_url(periods[0]))
    assert response.context["report"].sections
    assert response.context["report"].assignments


@pytest.mark.parametrize("goals", [3, 30])
def test_report_pdf_query_count_does_not_grow_with_the_tree(
    councillor_client, plan_year, committees, periods, goals, django_assert_num_queries
):
    nodes = grow_tree(plan_year, committees, goals)
    assess_all(nodes, periods[0])
    add_assignments(nodes, periods[0], goals)
    # Expect 10 queries:
    # * the session and the user
    # * the period with its plan year
    # * the year's goals in tree order, with their committees
    # * the period's assessments
    # * the indicators with their outcome in the period
    # * the goals for sound financial management with their assessments
    # * the period with its evaluation and balance requirement statement
    # * the statement's deficits
    # * the assignments with their committees, goals and status in the period
    with django_assert_num_queries(10):
        response = councillor_client.get(
            reverse("followup:report_pdf", kwargs={"pk": periods[0].pk})
        )
    assert response["Content-Type"] == "application/pdf"


def test_open_data_gives_each_periods_evaluation_and_statement_in_kronor(
    councillor_client, tree, periods, official
):
    geh.geh_evaluation_save(
        period=periods[0], verdict="reached", justification="Ja.", expected_version=0
    )
    statement = _statement(periods[0], result=42 * MILLION, capital_gains=2 * MILLION)
    BalanceDeficit.objects.create(
        statement=statement, arose_in=2025, amount=5 * MILLION, restore_by=2028
    )
    data = councillor_client.get(reverse("followup:api_year", kwargs={"year": 2026})).json()
    interim, annual = data["periods"]
    assert interim["geh"]["verdict"] == "reached"
    assert interim["geh"]["verdict_label"] == "uppnådd"
    balance = interim["geh"]["balance_requirement"]
    assert (balance["result"], balance["balance_result"]) == (42 * MILLION, 40 * MILLION)
    assert balance["deficits"] == [{"arose_in": 2025, "amount": 5 * MILLION, "restore_by": 2028}]
    assert balance["to_restore"] == 0
    assert annual["geh"] == {
        "verdict": None,
        "verdict_label": None,
        "justification": None,
        "balance_requirement": None,
    }
