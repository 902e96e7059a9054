"""An official, following links only, picks a key figure from Kolada's list for a
goal, imports Kolada's values and sees the municipality beside similar
municipalities and the whole country, with women and men, on the goal's page."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from followup.indicatormodels import Indicator, IndicatorOutcome
from tests.linkclient import LinkClient

YEAR = "2026"
RECORDED = Path(__file__).resolve().parent / "followup" / "kolada" / "comparison.json"
GOAL = "Barn och unga ska ha goda förutsättningar att lyckas i skolan"


@pytest.fixture
def demo(db, settings):
    settings.DEMO = True  # the demo users exist, and log in, only in the demo
    call_command("load_demo", "--year", YEAR)
    settings.KOLADA_MUNICIPALITY_ID = "2282"
    settings.KOLADA_SIMILAR_MUNICIPALITIES = ["2283", "2260", "2161", "2313"]
    settings.KOLADA_COMPARISON_AREAS = ["0000"]


def test_official_adds_a_kolada_key_figure_imports_it_and_compares(demo):
    official = LinkClient()
    official.open("/")
    official.click("Logga in")
    official.submit(button="Logga in", username="tjansteperson", password="demo")
    official.click(f"Röd tråd {YEAR}")
    official.click(GOAL)
    official.click("Lägg till ett nyckeltal")
    official.submit(button="Sök", containing="Sök bland Koladas nyckeltal", sok="förvärvsarbetande")
    official.click("Invånare 20-64 år som förvärvsarbetar, andel (%)")
    assert "Ifyllt från Kolada" in official.html
    official.submit(button="Spara", target="80")
    indicator = Indicator.objects.get(node__title=GOAL, kolada_kpi="N00914")
    assert indicator.name == "Invånare 20-64 år som förvärvsarbetar, andel (%)"
    assert indicator.unit == "%" and indicator.definition.startswith("Antal förvärvsarbetande")

    official.click("Planår och perioder")
    official.click("Importera utfall för nyckeltal från Kolada")
    official.submit(
        button="Importera",
        file=[SimpleUploadedFile("kolada.json", RECORDED.read_bytes(), "application/json")],
    )
    assert IndicatorOutcome.objects.get(indicator=indicator).value == 66

    official.click(GOAL)  # the import's report links to the goal
    html = official.html
    assert "Kramfors 66 · liknande kommuner 71 · Riket 73" in html
    assert "Plats 5 av 5 bland liknande kommuner." in html
    assert ">Kvinnor</th>" in html and ">Män</th>" in html
    assert '<td class="number">64</td><td class="number">68</td>' in html  # Kramfors' women, men
    assert "Källa: Kolada" in html
    assert "Antal förvärvsarbetande invånare 20-64 år" in html  # the definition
