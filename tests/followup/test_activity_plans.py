"""An activity's plan (responsible, start and end, cost estimate) in the
verksamhetsplan and in every export that lists activities."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from goals import services
from tests.factories import build_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
              Lovskola [bun]
"""
PLAN = ["Rektor Lind", "2026-01-15", "2026-06-30"]


@pytest.fixture
def activity(plan_year, committees, periods):
    nodes = build_tree(plan_year, OUTLINE)
    node = nodes["Lovskola"]
    services.node_update(
        node=node,
        expected_version=node.version,
        title=node.title,
        description="",
        responsible="Rektor Lind",
        start_date=datetime.date(2026, 1, 15),
        end_date=datetime.date(2026, 6, 30),
        cost_estimate=Decimal(125000),
    )
    return node


def _shows_plan(text: str) -> bool:
    cost = "125\u00a0000" in text or "125 000" in text or "125000" in text
    return all(part in text for part in PLAN) and cost


def test_the_operational_plan_shows_the_plan(councillor_client, activity):
    url = reverse("goals:operational_plan", kwargs={"year": 2026, "slug": "bun"})
    page = councillor_client.get(url).content.decode()
    plan = page.split('class="plan-item__plan">', 1)[1].split("</p>", 1)[0]
    assert "Ansvarig: Rektor Lind" in plan
    assert "15 januari 2026" in plan and "30 juni 2026" in plan
    assert "125000" in plan.replace("\u00a0", "").replace(" ", "") and "kr" in plan


def test_the_excel_export_has_the_plan_in_the_activitys_row(councillor_client, activity, periods):
    response = councillor_client.get(reverse("followup:report_xlsx", kwargs={"pk": periods[0].pk}))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    row = dict(zip(header, next(row for row in rows if row[3] == "Lovskola"), strict=True))
    assert row["Ansvarig"] == "Rektor Lind"
    assert str(row["Startdatum"]).startswith("2026-01-15")
    assert str(row["Slutdatum"]).startswith("2026-06-30")
    assert row["Kostnadsberäkning (kr)"] == 125000


def _committee_url(name: str, period) -> str:
    return reverse(name, kwargs={"pk": period.pk, "slug": "bun"})


def test_the_committees_word_report_gives_each_activitys_plan(councillor_client, activity, periods):
    response = councillor_client.get(_committee_url("followup:committee_report_docx", periods[0]))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Ansvarig: Rektor Lind" in text
    assert "Startdatum: 2026-01-15" in text and "Slutdatum: 2026-06-30" in text
    assert _shows_plan(text)


def test_the_committees_report_page_gives_each_activitys_plan(councillor_client, activity, periods):
    response = councillor_client.get(_committee_url("followup:committee_report", periods[0]))
    assert _shows_plan(response.content.decode())


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (pdftotext)")
def test_the_committees_pdf_gives_each_activitys_plan(
    councillor_client, activity, periods, tmp_path
):
    response = councillor_client.get(_committee_url("followup:committee_report_pdf", periods[0]))
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert _shows_plan(" ".join(text.split()))
