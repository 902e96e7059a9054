"""The reports as PDF: text, tags, outline and language, checked with poppler's tools."""

import contextlib
import datetime
import re
import shutil
import subprocess
import zlib

import pytest
from django.urls import reverse

from followup import geh
from followup.approvalmodels import CommitteeReport
from followup.gehmodels import BalanceStatement
from followup.models import Assessment
from goals import services as goal_services
from goals.models import GehRole
from tests.factories import add_indicator, build_tree

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdfinfo")),
    reason="needs poppler-utils (pdftotext, pdfinfo)",
)

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
              Lovskola [bun]
      Ekonomi
        Ekonomi i balans
          Resultatet är minst två procent
"""


@pytest.fixture
def year(plan_year, committees, periods, official):
    nodes = build_tree(plan_year, OUTLINE)
    result_goal = nodes["Resultatet är minst två procent"]
    goal_services.nodes_geh_roles_set(
        plan_year=plan_year,
        roles={result_goal.pk: GehRole.FINANCIAL},
        versions={result_goal.pk: 1},
    )
    interim = periods[0]
    Assessment.objects.create(
        node=result_goal, period=interim, status="partly_met", forecast_status="met"
    )
    Assessment.objects.create(node=nodes["Lovskola"], period=interim, status="in_progress")
    add_indicator(
        result_goal,
        "Resultat i procent av skatteintäkter och generella statsbidrag",
        target=2,
        unit="%",
        outcomes={interim: "1.4"},
    )
    geh.geh_evaluation_save(
        period=interim,
        verdict="partly_reached",
        justification="Prognosen visar att resultatmålet nås.",
        expected_version=0,
        user=official,
    )
    BalanceStatement.objects.create(period=interim, result=31_000_000, capital_gains=1_500_000)
    return nodes


def _pdf(client, name: str, tmp_path, **kwargs) -> tuple[str, str, str]:
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return text, info, _objects(response.content)


STREAM = re.compile(rb"\d+ 0 obj\s*<<(.*?)>>\s*stream\r?\n", re.S)


def _objects(pdf: bytes) -> str:
    """The PDF's objects as text, its compressed object streams inflated. Each
    stream is read by the length its dictionary gives, so that a font's bytes
    (embedded whole) are never mistaken for the document's objects."""
    parts = [pdf]
    position = 0
    while found := STREAM.search(pdf, position):
        length = re.search(rb"/Length (\d+)", found.group(1))
        end = found.end() + int(length.group(1)) if length else found.end()
        with contextlib.suppress(zlib.error):  # an image or a font: nothing to read
            parts.append(zlib.decompress(pdf[found.end() : end]))
        position = end
    return b"\n".join(parts).decode("latin-1")


def _outline_count(objects: str) -> int:
    """How many entries the document's outline (its bookmarks) has: each is a
    dictionary with a title and a destination."""
    return len(re.findall(r"/Title (?:\([^)]*\)|<[0-9a-fA-F]+>)/Dest", objects))


def test_council_report_pdf_has_the_text_tags_outline_and_language(
    councillor_client, year, periods, tmp_path
):
    text, info, raw = _pdf(councillor_client, "followup:report_pdf", tmp_path, pk=periods[0].pk)
    assert "Tagged:          yes" in info
    assert "Pages:" in info and "Kramfors kommun" in info  # the author
    assert "God ekonomisk hushållning" in text
    assert "God ekonomisk hushållning delvis uppnådd" in text  # the verdict
    assert "Årets balanskravsresultat" in text and "29 500" in text
    for title in ("Fler i arbete", "Resultatet är minst två procent"):
        assert title in text
    assert "Innehåll" in text and "Sida 2 av" in text  # contents and page numbers
    assert "Prognos helår" in text
    # The document's language, and an outline (bookmarks) from the headings.
    assert "/Lang (sv)" in raw
    assert _outline_count(raw) >= 4  # the title, the contents, two perspectives, GEH
    assert "/StructTreeRoot" in raw
    assert "pdfuaid:part" in raw  # PDF/UA-1, in the XMP metadata


def test_committee_report_pdf_has_its_goals_and_activities(
    councillor_client, year, periods, tmp_path
):
    text, info, raw = _pdf(
        councillor_client, "followup:committee_report_pdf", tmp_path, pk=periods[0].pk, slug="bun"
    )
    assert "Tagged:          yes" in info
    assert "Barn- och utbildningsnämnden" in text
    assert "Läsa bättre" in text and "Lovskola" in text and "pågår" in text
    assert "/Lang (sv)" in raw


def test_council_report_pdf_names_the_councils_decision_once_recorded(
    councillor_client, year, periods, tmp_path
):
    text, _info, _raw = _pdf(councillor_client, "followup:report_pdf", tmp_path, pk=periods[0].pk)
    assert "antogs av" not in text
    plan_year = periods[0].plan_year
    plan_year.state = "adopted"
    plan_year.decision_body = "kommunfullmäktige"
    plan_year.decided_on = datetime.date(2025, 11, 24)
    plan_year.paragraph = "112"
    plan_year.registration_number = "KS 2025/301"
    plan_year.save()
    text, _info, _raw = _pdf(councillor_client, "followup:report_pdf", tmp_path, pk=periods[0].pk)
    assert "Målen antogs av kommunfullmäktige, 2025-11-24 § 112, dnr KS 2025/301." in text


def test_committee_report_pdf_names_the_committees_approval_once_recorded(
    councillor_client, year, periods, committees, tmp_path
):
    def text() -> str:
        return _pdf(
            councillor_client,
            "followup:committee_report_pdf",
            tmp_path,
            pk=periods[0].pk,
            slug="bun",
        )[0]

    approval = CommitteeReport.objects.create(
        period=periods[0], committee=committees["bun"], state="ready"
    )
    assert "Godkänd av" not in text()  # ready for the committee is not yet its decision
    approval.state = "approved"
    approval.decided_on = datetime.date(2026, 9, 21)
    approval.paragraph = "45"
    approval.registration_number = "BUN 2026/88"
    approval.save()
    assert "Godkänd av Barn- och utbildningsnämnden, 2026-09-21 § 45, dnr BUN 2026/88." in " ".join(
        text().split()
    )


def test_council_report_pdf_has_the_assignments(
    councillor_client, year, periods, committees, tmp_path
):
    from followup.assignmentmodels import AssignmentFollowup
    from goals.assignmentmodels import Assignment

    interim = periods[0]
    assignment = Assignment.objects.create(
        plan_year=interim.plan_year, committee=committees["bun"], title="Utred skolskjutsarna"
    )
    AssignmentFollowup.objects.create(assignment=assignment, period=interim, status="in_progress")
    text, _info, _raw = _pdf(councillor_client, "followup:report_pdf", tmp_path, pk=interim.pk)
    assert "Uppdrag" in text and "Utred skolskjutsarna" in text and "pågår" in text
