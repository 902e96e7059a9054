"""The report as CSV, Excel and Word: contents checked against the tree, and queries."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from followup.models import Assessment
from goals import services
from goals.models import Node
from tests.factories import add_assignments, add_indicator, assess_all, build_tree, grow_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
              Lovskola [bun]
            Kortare försörjningsstöd [sn]
      Ekonomi
        Ekonomi i balans
          Budget i balans
"""


@pytest.fixture
def tree(plan_year, committees, periods):
    nodes = build_tree(plan_year, OUTLINE)
    interim = periods[0]
    for title, status, analysis in [
        ("Trygg kommun", "partly_met", "Tryggheten ökar; ”citat”; och semikolon."),
        ("Fler i arbete", "met", "Fler har fått arbete.\n\nArbetslösheten är den lägsta."),
        ("Läsa bättre", "partly_met", "Läsförmågan har ökat."),
        ("Kortare försörjningsstöd", "not_met", "Tiderna har blivit längre."),
        ("Budget i balans", "not_assessed", ""),
    ]:
        Assessment.objects.create(
            node=nodes[title], period=interim, status=status, analysis=analysis
        )
    add_indicator(
        nodes["Fler i arbete"],
        "Andel invånare 20–64 år som förvärvsarbetar",
        target="80",
        baseline="78.2",
        unit="%",
        kolada_kpi="N00914",
        outcomes={interim: "79.5"},
    )
    add_indicator(nodes["Budget i balans"], "Resultat", target=2, unit="%", outcomes={interim: 3})
    return nodes


def _get(client, name, period):
    return client.get(reverse(name, kwargs={"pk": period.pk}))


def _goal_statuses(plan_year, period) -> dict[str, str]:
    """Each goal's status label in the period, straight from the database."""
    from followup.models import status_label
    from goals.models import Node

    statuses = dict(Assessment.objects.for_period(period).values_list("node_id", "status"))
    return {
        node.title: status_label(statuses.get(node.pk, "missing"))
        for node in Node.objects.for_year(plan_year).filter(
            kind__in=["direction_goal", "municipal_goal", "committee_goal"]
        )
    }


HEADER = [
    "Perspektiv",
    "Inriktningsmål",
    "Nivå",
    "Mål",
    "Nämnd",
    "Status",
    "Analys",
    "Nyckeltal",
    "Enhet",
    "Utgångsvärde",
    "Målvärde",
    "Utfall",
    "Nyckeltalets status",
    "Kolada-id (KPI)",
    "Prognos helår",
    "Prognosvärde helår",
    "Jämförelse (källa: Kolada)",
    "Ansvarig",
    "Startdatum",
    "Slutdatum",
    "Kostnadsberäkning (kr)",
    "Stödjer även",
]


def test_csv_is_utf8_with_bom_and_semicolons_and_matches_the_tree(
    councillor_client, plan_year, tree, periods
):
    response = _get(councillor_client, "followup:report_csv", periods[0])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="uppfoljning-delarsrapport-2026.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADER
    goals = {row[3]: row for row in rows[1:] if row[2] not in ("Nyckeltal", "Aktivitet")}
    assert {title: row[5] for title, row in goals.items()} == _goal_statuses(plan_year, periods[0])
    assert goals["Trygg kommun"][:3] == ["Kramforsbon", "Trygg kommun", "Inriktningsmål"]
    assert goals["Trygg kommun"][6] == "Tryggheten ökar; ”citat”; och semikolon."
    assert goals["Läsa bättre"][4] == "Barn- och utbildningsnämnden"
    assert goals["Fler i arbete"][6] == "Fler har fått arbete.\n\nArbetslösheten är den lägsta."
    assert "Lovskola" not in goals
    indicator = next(row for row in rows if row[7] == "Andel invånare 20–64 år som förvärvsarbetar")
    assert indicator[2:4] == ["Nyckeltal", "Fler i arbete"]
    assert indicator[8:17] == ["%", "78,2", "80", "79,5", "delvis uppfyllt", "N00914", "", "", ""]
    # Goal rows come in tree order, each indicator right after its goal (the
    # activities after theirs: test_activities_follow_their_goal_with_their_plans).
    titles = [row[3] for row in rows[1:] if row[2] != "Aktivitet"]
    assert titles == [
        "Trygg kommun",
        "Fler i arbete",
        "Fler i arbete",
        "Läsa bättre",
        "Kortare försörjningsstöd",
        "Ekonomi i balans",
        "Budget i balans",
        "Budget i balans",
    ]


def test_excel_has_one_sheet_with_a_bold_frozen_header_and_the_tree(
    councillor_client, plan_year, tree, periods
):
    response = _get(councillor_client, "followup:report_xlsx", periods[0])
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="uppfoljning-delarsrapport-2026.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 1
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    assert header == HEADER
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["G"].width >= 40  # the analysis
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    goals = {row[3]: row for row in rows if row[2] not in ("Nyckeltal", "Aktivitet")}
    assert {title: row[5] for title, row in goals.items()} == _goal_statuses(plan_year, periods[0])
    indicator = next(row for row in rows if row[7] == "Resultat")
    # Numbers are numbers, not text.
    assert indicator[10] == 2
    assert indicator[11] == 3
    assert indicator[12] == "uppfyllt"
    other = next(row for row in rows if row[7] and row[7].startswith("Andel"))
    assert Decimal(str(other[9])) == Decimal("78.2")


def test_word_has_headings_per_perspective_and_goal_with_status_analysis_and_indicators(
    councillor_client, plan_year, tree, periods
):
    response = _get(councillor_client, "followup:report_docx", periods[0])
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="uppfoljning-delarsrapport-2026.docx"'
    )
    document = Document(io.BytesIO(response.content))
    headings = [
        (paragraph.style.name, paragraph.text)
        for paragraph in document.paragraphs
        if paragraph.style.name.startswith(("Heading", "Title"))
    ]
    assert headings == [
        ("Title", "Måluppfyllelse – Delårsrapport 2026"),
        ("Heading 1", "Kramforsbon"),
        ("Heading 2", "Inriktningsmål: Trygg kommun"),
        ("Heading 3", "Fler i arbete"),
        ("Heading 4", "Läsa bättre (Barn- och utbildningsnämnden)"),
        ("Heading 4", "Kortare försörjningsstöd (Socialnämnden)"),
        ("Heading 1", "Ekonomi"),
        ("Heading 2", "Inriktningsmål: Ekonomi i balans"),
        ("Heading 3", "Budget i balans"),
        ("Heading 1", "God ekonomisk hushållning"),
        ("Heading 2", "Bedömning"),
        ("Heading 2", "Finansiella mål"),
        ("Heading 2", "Verksamhetsmål av betydelse för god ekonomisk hushållning"),
        ("Heading 2", "Balanskravet (prognos för helåret)"),
    ]
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert "Fler har fått arbete." in texts
    assert "Arbetslösheten är den lägsta." in texts  # one paragraph each
    # An interim report: each status with its forecast for the full year.
    assert "Status: ej uppfyllt · Prognos helår: –" in texts
    tables = document.tables
    assert len(tables) == 2
    cells = [[cell.text for cell in row.cells] for row in tables[0].rows]
    assert cells == [
        ["Nyckeltal", "Utgångsvärde", "Målvärde", "Utfall", "Prognos helår", "Status"],
        [
            "Andel invånare 20–64 år som förvärvsarbetar (%)",
            "78,2",
            "80",
            "79,5",
            "–",
            "delvis uppfyllt",
        ],
    ]


def test_annual_report_file_names(councillor_client, tree, periods):
    response = _get(councillor_client, "followup:report_xlsx", periods[1])
    assert 'filename="uppfoljning-arsredovisning-2026.xlsx"' in response["Content-Disposition"]


def test_exports_need_a_reader_and_a_visible_period(client, tree, periods, settings):
    for name in ["followup:report_csv", "followup:report_xlsx", "followup:report_docx"]:
        response = _get(client, name, periods[0])
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    settings.PUBLIC_ACCESS = True
    for name in ["followup:report_csv", "followup:report_xlsx", "followup:report_docx"]:
        assert _get(client, name, periods[0]).status_code == 404  # not published


@pytest.mark.parametrize(
    "name", ["followup:report_csv", "followup:report_xlsx", "followup:report_docx"]
)
@pytest.mark.parametrize("goals", [3, 30])
def test_export_query_count_does_not_grow_with_the_tree(
    councillor_client, plan_year, committees, periods, goals, name, django_assert_num_queries
):
    nodes = grow_tree(plan_year, committees, goals)
    assess_all(nodes, periods[0])
    for node in nodes:
        if node.kind in ("municipal_goal", "committee_goal"):
            add_indicator(node, f"Nyckeltal {node.pk}", outcomes={periods[0]: 85})
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
    # * the goals each node also supports (the column "Stödjer även")
    # * the assignments with their committees, goals and status in the period
    with django_assert_num_queries(11):
        response = _get(councillor_client, name, periods[0])
    assert response.status_code == 200


def test_activities_follow_their_goal_with_their_plans(councillor_client, tree, periods):
    activity = Node.objects.filter(kind="activity").first()
    services.node_update(
        node=activity,
        expected_version=activity.version,
        title=activity.title,
        description="",
        responsible="Rektor",
        start_date=datetime.date(2026, 1, 15),
        end_date=datetime.date(2026, 6, 30),
        cost_estimate=Decimal(25000),
    )
    response = councillor_client.get(reverse("followup:report_csv", kwargs={"pk": periods[0].pk}))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    index = next(index for index, row in enumerate(rows) if row[3] == activity.title)
    row = rows[index]
    assert row[2] == "Aktivitet"
    goal_row = next(each for each in reversed(rows[:index]) if each[2] != "Aktivitet")
    assert goal_row[3] == activity.parent.title
    assert row[-5:-1] == ["Rektor", "2026-01-15", "2026-06-30", "25000"]


def test_the_exports_name_what_each_node_also_supports(councillor_client, tree, periods):
    from goals import links

    links.link_add(source=tree["Läsa bättre"], target_id=tree["Budget i balans"].pk)
    response = _get(councillor_client, "followup:report_csv", periods[0])
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    by_title = {row[3]: row for row in rows[1:] if row[2] == "Nämndmål"}
    assert by_title["Läsa bättre"][-1] == "Budget i balans"
    assert all(row[-1] == "" for title, row in by_title.items() if title != "Läsa bättre")
    response = _get(councillor_client, "followup:report_docx", periods[0])
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Stödjer även: Budget i balans" in text


def test_the_assignments_are_in_every_export(councillor_client, tree, periods, committees):
    from followup.assignmentmodels import AssignmentFollowup
    from goals.assignmentmodels import Assignment

    interim = periods[0]
    assignment = Assignment.objects.create(
        plan_year=interim.plan_year, committee=committees["bun"], title="Utred skolskjutsarna"
    )
    AssignmentFollowup.objects.create(
        assignment=assignment, period=interim, status="done", analysis="Redovisat i juni."
    )
    csv_text = _get(councillor_client, "followup:report_csv", interim).content.decode("utf-8-sig")
    [line] = [line for line in csv_text.splitlines() if "Utred skolskjutsarna" in line]
    assert line.split(";")[2:7] == [
        "Uppdrag",
        "Utred skolskjutsarna",
        "Barn- och utbildningsnämnden",
        "genomfört",
        "Redovisat i juni.",
    ]
    workbook = load_workbook(
        io.BytesIO(_get(councillor_client, "followup:report_xlsx", interim).content)
    )
    values = [cell.value for row in workbook.active.iter_rows() for cell in row]
    assert "Utred skolskjutsarna" in values and "genomfört" in values
    document = Document(
        io.BytesIO(_get(councillor_client, "followup:report_docx", interim).content)
    )
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert "Uppdrag" in texts
    assert "Utred skolskjutsarna (Barn- och utbildningsnämnden)" in texts
    report = councillor_client.get(reverse("followup:period_report", kwargs={"pk": interim.pk}))
    assert 'id="assignments-heading"' in report.content.decode()


def test_the_committee_report_in_word_names_what_goals_and_activities_also_support(
    councillor_client, plan_year, committees, periods
):
    from goals import links

    nodes = build_tree(
        plan_year,
        """
        Vision
          Kramforsbon
            Trygg kommun
              Fler i arbete
                Läsa bättre [bun]
                  Lovskola [bun]
                Förskola [bun]
              Trygghet
        """,
    )
    links.link_add(source=nodes["Läsa bättre"], target_id=nodes["Trygghet"].pk)
    links.link_add(source=nodes["Lovskola"], target_id=nodes["Förskola"].pk)
    url = reverse("followup:committee_report_docx", kwargs={"pk": periods[0].pk, "slug": "bun"})
    document = Document(io.BytesIO(councillor_client.get(url).content))
    lines = [paragraph.text for paragraph in document.paragraphs]
    assert "Stödjer även: Trygghet" in lines
    assert "Stödjer även: Förskola" in lines
