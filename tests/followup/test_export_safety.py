"""The exports carry no formulas and never fail on stored text, whatever it holds."""

import csv
import io

import pytest
from django.db import connection
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from followup.exports import cell_text, writable
from followup.models import Assessment
from goals.models import Node
from tests.factories import add_indicator, build_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
"""

DANGEROUS = {
    "Trygg kommun": '=HYPERLINK("http://x.example","y")',
    "Fler i arbete": "+1+2",
    "Läsa bättre": "@SUM(A1:A2)",
}
ANALYSES = {
    "Trygg kommun": "-2+3",
    "Fler i arbete": "\tstarts with a tab",
    "Läsa bättre": "\rstarts with a carriage return",
}


def _download(client, name, period) -> bytes:
    response = client.get(reverse(name, kwargs={"pk": period.pk}))
    assert response.status_code == 200, name
    return response.content


def _csv_cells(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def dangerous_tree(plan_year, committees, periods):
    nodes = build_tree(plan_year, OUTLINE)
    for title, text in DANGEROUS.items():
        Node.objects.filter(pk=nodes[title].pk).update(title=text)
        Assessment.objects.create(
            node=nodes[title], period=periods[0], status="met", analysis=ANALYSES[title]
        )
    add_indicator(
        nodes["Fler i arbete"], "=1+1", target="-5", unit="-", outcomes={periods[0]: "-7.5"}
    )
    return nodes


def test_csv_cells_that_would_start_a_formula_get_a_leading_apostrophe(
    councillor_client, dangerous_tree, periods
):
    rows = _csv_cells(_download(councillor_client, "followup:report_csv", periods[0]))
    cells = {cell for row in rows[1:] for cell in row}
    for text in [*DANGEROUS.values(), *ANALYSES.values(), "=1+1", "-"]:
        assert "'" + text in cells
        assert text not in cells
    indicator = next(row for row in rows if row[7] == "'=1+1")
    # Numbers stay numbers: a negative one is not taken for a formula.
    assert indicator[10:12] == ["-5", "-7,5"]


def test_excel_holds_no_formula_and_text_as_text_numbers_as_numbers(
    councillor_client, dangerous_tree, periods
):
    content = _download(councillor_client, "followup:report_xlsx", periods[0])
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if cell.data_type == "s"}
    assert "'" + DANGEROUS["Trygg kommun"] in texts
    assert "'" + ANALYSES["Trygg kommun"] in texts
    numbers = [cell.value for cell in cells if cell.data_type == "n"]
    assert sorted(numbers) == [-7.5, -5]
    assert b"<f>" not in content


def test_every_control_character_stored_still_downloads_in_every_format(
    councillor_client, plan_year, committees, periods
):
    # Old data may hold what today's validation refuses: written past it here.
    nodes = build_tree(plan_year, OUTLINE)
    # PostgreSQL cannot store NUL at all; SQLite can.
    first = 1 if connection.vendor == "postgresql" else 0
    controls = "".join(chr(code) for code in [*range(first, 0x20), 0x7F, *range(0x80, 0xA0)])
    for node in nodes.values():
        Node.objects.filter(pk=node.pk).update(title=f"A{controls}B", description=controls)
    Assessment.objects.create(
        node=nodes["Trygg kommun"], period=periods[0], status="met", analysis=f"x{controls}y"
    )
    add_indicator(nodes["Fler i arbete"], f"N{controls}", target="1", unit=controls[:40])
    rows = _csv_cells(_download(councillor_client, "followup:report_csv", periods[0]))
    assert len(rows) > 1
    sheet = load_workbook(
        io.BytesIO(_download(councillor_client, "followup:report_xlsx", periods[0]))
    ).active
    assert sheet.max_row > 1
    document = Document(
        io.BytesIO(_download(councillor_client, "followup:report_docx", periods[0]))
    )
    assert any(p.text.startswith("A") and p.text.endswith("B") for p in document.paragraphs)


def test_writable_keeps_words_line_breaks_as_newlines():
    assert writable("ett\x0btvå\x0ctre\tfyra\r\nfem") == "ett\ntvå\ntre\tfyra\r\nfem"
    assert writable("a\x01b\x9fc") == "a\ufffdb\ufffdc"


def test_cell_text_leaves_ordinary_text_alone():
    assert cell_text("Budget i balans") == "Budget i balans"
    assert cell_text("Kostnad -5 %") == "Kostnad -5 %"
    assert cell_text("-5 %") == "'-5 %"
