"""The forecast for the full year: entered in an interim period only, and shown
wherever the period's follow-up is read."""

import csv
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from followup import indicators, services
from followup.forms import AssessmentEntryForm
from followup.indicator_forms import OutcomeForm
from followup.indicatormodels import IndicatorOutcome
from followup.models import Assessment
from tests.factories import add_indicator, build_tree

OUTLINE = """
    Vision
      Ekonomi
        Ekonomi i balans
          Resultatet är minst två procent
            Hålla budgetramen [bun]
              Månadsuppföljning [bun]
"""


@pytest.fixture
def tree(plan_year, committees, periods):
    return build_tree(plan_year, OUTLINE)


@pytest.fixture
def forecast(tree, periods, official):
    """An interim assessment with a forecast, and an outcome with a forecast value."""
    goal = tree["Resultatet är minst två procent"]
    services.assessments_save(
        period=periods[0],
        entries=[
            services.Entry(
                node=goal,
                status="partly_met",
                analysis="Svagt första halvår.",
                version=0,
                forecast_status="met",
            )
        ],
        user=official,
    )
    indicator = add_indicator(goal, "Resultat av skatter och bidrag", target=2, unit="%")
    indicators.outcome_save(
        indicator=indicator,
        period=periods[0],
        value=Decimal("1.4"),
        forecast=Decimal("2.35"),
        expected_version=0,
        user=official,
    )
    return goal


# --- writes ---------------------------------------------------------------------


def test_forecast_is_saved_kept_and_changed(forecast, periods, official):
    assessment = Assessment.objects.get(node=forecast, period=periods[0])
    assert assessment.forecast_status == "met"
    # None leaves the forecast as it is; a value replaces it.
    services.assessments_save(
        period=periods[0],
        entries=[services.Entry(node=forecast, status="met", analysis="", version=1)],
        user=official,
    )
    assessment.refresh_from_db()
    assert (assessment.status, assessment.forecast_status) == ("met", "met")
    services.assessments_save(
        period=periods[0],
        entries=[
            services.Entry(
                node=forecast, status="met", analysis="", version=2, forecast_status="not_met"
            )
        ],
        user=official,
    )
    assessment.refresh_from_db()
    assert assessment.forecast_status == "not_met"
    assert assessment.history.first().forecast_status == "not_met"


def test_forecast_in_an_annual_period_is_refused_and_nothing_is_saved(tree, periods, official):
    goal = tree["Resultatet är minst två procent"]
    with pytest.raises(ValidationError) as error:
        services.assessments_save(
            period=periods[1],
            entries=[
                services.Entry(
                    node=goal, status="met", analysis="", version=0, forecast_status="met"
                )
            ],
            user=official,
        )
    assert "bara anges i en delårsrapport" in str(error.value)
    assert not Assessment.objects.exists()
    indicator = add_indicator(goal, "Resultat", target=2)
    with pytest.raises(ValidationError):
        indicators.outcome_save(
            indicator=indicator,
            period=periods[1],
            value=Decimal(2),
            forecast=Decimal(2),
            expected_version=0,
        )
    assert not IndicatorOutcome.objects.exists()


def test_an_activity_gets_no_forecast(tree, periods, official):
    with pytest.raises(ValidationError):
        services.assessments_save(
            period=periods[0],
            entries=[
                services.Entry(
                    node=tree["Månadsuppföljning"],
                    status="done",
                    analysis="",
                    version=0,
                    forecast_status="met",
                )
            ],
            user=official,
        )
    assert not Assessment.objects.exists()


def test_an_outcome_saved_without_a_forecast_keeps_it(forecast, periods):
    outcome = IndicatorOutcome.objects.get()
    indicators.outcome_save(
        indicator=outcome.indicator,
        period=periods[0],
        value=Decimal("1.5"),
        expected_version=outcome.version,
    )
    outcome.refresh_from_db()
    assert (outcome.value, outcome.forecast) == (Decimal("1.5"), Decimal("2.35"))


# --- the forms ---------------------------------------------------------------------


def _entry_form(tree, data=None, **kwargs) -> AssessmentEntryForm:
    nodes = [tree["Resultatet är minst två procent"], tree["Månadsuppföljning"]]
    assessments = {a.node_id: a for a in Assessment.objects.filter(node__in=nodes)}
    return AssessmentEntryForm(data, nodes=nodes, assessments=assessments, **kwargs)


def test_entry_form_asks_goals_only_for_a_forecast_in_an_interim_period(tree, forecast):
    goal, activity = forecast, tree["Månadsuppföljning"]
    form = _entry_form(tree, forecasts=True)
    assert f"forecast-{goal.pk}" in form.fields
    assert f"forecast-{activity.pk}" not in form.fields
    html = form.rows_html({})
    assert f'name="forecast-{goal.pk}"' in html and "Prognos helår" in html
    assert '<option value="met" selected>' in html
    assert "forecast-" not in _entry_form(tree).rows_html({})


def test_entry_form_saves_a_changed_forecast_alone(tree, forecast, periods, official):
    goal = forecast
    data = {
        f"status-{goal.pk}": "partly_met",
        f"analysis-{goal.pk}": "Svagt första halvår.",
        f"forecast-{goal.pk}": "not_met",
        f"version-{goal.pk}": "1",
    }
    form = _entry_form(tree, data, forecasts=True)
    assert form.is_valid(), form.errors
    [entry] = form.entries()
    assert (entry.node, entry.forecast_status) == (goal, "not_met")
    services.assessments_save(period=periods[0], entries=form.entries(), user=official)
    assert Assessment.objects.get(node=goal).forecast_status == "not_met"


def test_entry_form_wants_a_status_with_a_forecast(tree, periods):
    goal = tree["Resultatet är minst två procent"]
    form = _entry_form(
        tree, {f"forecast-{goal.pk}": "met", f"version-{goal.pk}": "0"}, forecasts=True
    )
    assert not form.is_valid()
    assert form.errors[f"status-{goal.pk}"] == ["Välj en status som hör till prognosen."]


def test_outcome_form_has_a_forecast_only_when_asked():
    without = OutcomeForm({"value": "1,4", "version": "0"})
    assert "forecast" not in without.fields and without.is_valid()
    assert without.forecast_to_save() is indicators.KEEP
    with_forecast = OutcomeForm(
        {"value": "1,4", "forecast": "2,1", "version": "0"}, with_forecast=True
    )
    assert with_forecast.is_valid() and with_forecast.forecast_to_save() == Decimal("2.1")
    form = OutcomeForm({"value": "1,4", "forecast": "två", "version": "0"}, with_forecast=True)
    assert not form.is_valid()
    assert "forecast" in form.errors


# --- where it shows ---------------------------------------------------------------


def _get(client, name: str, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    return response


def test_forecast_shows_in_the_red_thread_and_on_the_node_page(
    councillor_client, forecast, periods
):
    page = _get(councillor_client, "followup:red_thread", year=2026).content.decode()
    assert "Prognos:" in page and 'badge--met">uppfyllt' in page
    node_page = _get(councillor_client, "followup:node_detail", pk=forecast.pk).content.decode()
    assert "Prognos helår:" in node_page and "2,35" in node_page


def test_forecast_shows_in_the_report_and_its_files(councillor_client, forecast, periods):
    pk = periods[0].pk
    page = _get(councillor_client, "followup:period_report", pk=pk).content.decode()
    assert "Prognos helår: uppfyllt" in page and "2,35" in page
    rows = list(
        csv.reader(
            io.StringIO(
                _get(councillor_client, "followup:report_csv", pk=pk).content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    forecast_status = rows[0].index("Prognos helår")
    forecast_value = rows[0].index("Prognosvärde helår")
    goal_row = next(row for row in rows if row[3] == forecast.title and row[7] == "")
    assert goal_row[forecast_status] == "uppfyllt"
    indicator_row = next(row for row in rows if row[7] == "Resultat av skatter och bidrag")
    assert indicator_row[forecast_value] == "2,35"
    sheet = load_workbook(
        io.BytesIO(_get(councillor_client, "followup:report_xlsx", pk=pk).content)
    ).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert any(row[forecast_value] in (Decimal("2.35"), 2.35) for row in values)
    document = Document(io.BytesIO(_get(councillor_client, "followup:report_docx", pk=pk).content))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert "Status: delvis uppfyllt · Prognos helår: uppfyllt" in texts
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "2,35" in cells


def test_forecast_shows_in_the_open_data(councillor_client, forecast, periods):
    data = _get(councillor_client, "followup:api_year", year=2026).json()
    node = next(node for node in data["nodes"] if node["id"] == forecast.pk)
    [assessment] = node["assessments"]
    assert (assessment["forecast_status"], assessment["forecast_label"]) == ("met", "uppfyllt")
    assert node["indicators"][0]["outcomes"][0]["forecast"] == "2.350"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_forecast_shows_in_the_pdf(councillor_client, forecast, periods, tmp_path):
    response = _get(councillor_client, "followup:report_pdf", pk=periods[0].pk)
    path = tmp_path / "rapport.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Prognos helår: uppfyllt" in text and "2,35" in text


# --- entered through the pages -------------------------------------------------------


@pytest.fixture
def official_client(client, official):
    client.force_login(official)
    return client


def test_official_enters_a_forecast_on_the_entry_page_of_an_interim_period(
    official_client, tree, periods
):
    goal = tree["Resultatet är minst två procent"]
    url = reverse("followup:assessment_entry", kwargs={"pk": periods[0].pk})
    assert f'name="forecast-{goal.pk}"' in official_client.get(url).content.decode()
    response = official_client.post(
        url,
        {
            f"status-{goal.pk}": "partly_met",
            f"analysis-{goal.pk}": "Svagt första halvår.",
            f"forecast-{goal.pk}": "met",
            f"version-{goal.pk}": "0",
        },
    )
    assert response.status_code == 302
    assert Assessment.objects.get(node=goal, period=periods[0]).forecast_status == "met"


def test_the_annual_entry_page_asks_for_no_forecast(official_client, tree, periods):
    goal = tree["Resultatet är minst två procent"]
    url = reverse("followup:assessment_entry", kwargs={"pk": periods[1].pk})
    assert f'name="forecast-{goal.pk}"' not in official_client.get(url).content.decode()


def test_official_enters_an_outcomes_forecast_on_its_page(official_client, tree, periods):
    goal = tree["Resultatet är minst två procent"]
    indicator = add_indicator(goal, "Resultat av skatter och bidrag", target=2, unit="%")
    url = reverse("followup:outcome_edit", kwargs={"pk": indicator.pk, "period_pk": periods[0].pk})
    assert 'name="forecast"' in official_client.get(url).content.decode()
    response = official_client.post(url, {"value": "1,4", "forecast": "2,1", "version": "0"})
    assert response.status_code == 302
    outcome = IndicatorOutcome.objects.get(indicator=indicator, period=periods[0])
    assert (outcome.value, outcome.forecast) == (Decimal("1.4"), Decimal("2.1"))
    annual = reverse(
        "followup:outcome_edit", kwargs={"pk": indicator.pk, "period_pk": periods[1].pk}
    )
    assert 'name="forecast"' not in official_client.get(annual).content.decode()
