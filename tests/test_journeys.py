"""Each demo role's work, done from the start page by following links and
submitting the forms the pages show, and its result on the röd tråd."""

import pytest
from django.core.management import call_command

from followup.models import Assessment, Period
from goals.models import Node
from tests.linkclient import LinkClient

YEAR = "2026"


@pytest.fixture
def demo(db, settings):
    settings.DEMO = True  # the demo users exist, and log in, only in the demo
    call_command("load_demo", "--year", YEAR)


def _login(username: str) -> LinkClient:
    browser = LinkClient()
    browser.open("/")
    browser.click("Logga in")
    browser.submit(button="Logga in", username=username, password="demo")
    assert f"Logga ut {username}" in browser.html
    return browser


def test_councillor_reads_down_the_red_thread_and_back_up(demo):
    browser = _login("fortroendevald")
    browser.click(f"Röd tråd {YEAR}")
    assert "Kramforsbon" in browser.html
    browser.click("Barn och unga ska ha goda förutsättningar att lyckas i skolan")
    browser.click("Andelen elever som når kunskapskraven i alla ämnen i årskurs 9 ska öka")
    browser.click("Införa gemensam modell för tidiga insatser i läsning i årskurs 1–3")
    assert "Delårsrapport 2026" in browser.html
    assert "ej påbörjad" in browser.html  # its status, as text
    assert "Aktiviteten har inte påbörjats" in browser.html  # its analysis
    browser.click("Kramforsbon")  # a breadcrumb
    assert "<h1>Kramforsbon</h1>" in browser.html


def test_secretary_plans_and_assesses_and_sees_it_on_the_red_thread(demo):
    browser = _login("sekreterare")
    browser.click("Verksamhetsplan 2026 – Barn- och utbildningsnämnden")
    browser.click("Lägg till nämndmål")
    browser.submit(button="Spara", title="Fler elever läser varje dag", description="Läslust.")
    assert "lades till" in browser.html
    browser.click("Lägg till aktivitet under ”Fler elever läser varje dag”")
    browser.submit(button="Spara", title="Läsecirkel på alla skolor")
    goal = Node.objects.get(title="Fler elever läser varje dag")
    activity = Node.objects.get(title="Läsecirkel på alla skolor")
    assert goal.committee.short_name == "BUN" and activity.parent_id == goal.pk

    browser.click("Start")
    browser.click("Fyll i bedömningar för Årsredovisning 2026")
    browser.submit(
        button="Spara allt",
        **{
            f"status-{goal.pk}": "partly_met",
            f"analysis-{goal.pk}": "Läsandet ökar men når inte målnivån.",
            f"status-{activity.pk}": "in_progress",
        },
    )
    assert "2 bedömningar sparades" in browser.html

    annual = Period.objects.get(kind="annual")
    browser.click("Start")
    browser.click(f"Röd tråd {YEAR}")
    browser.click("Alla nivåer")  # the committees' goals and activities too
    browser.submit(button="Visa", period=annual.pk)
    tree = browser.response.context["tree"].html
    assert "Fler elever läser varje dag" in tree and "Läsecirkel på alla skolor" in tree
    after_goal = tree[tree.index("Fler elever läser varje dag") :]
    assert "delvis uppfyllt" in after_goal[:600]


def test_official_adds_a_goal_closes_the_period_and_the_secretary_is_locked_out(demo):
    official = _login("tjansteperson")
    official.click(f"Röd tråd {YEAR}")
    official.click("Kommunen har en god ekonomisk hushållning och en ekonomi i balans")
    official.click("Lägg till kommunövergripande mål")
    official.submit(button="Spara", title="Kostnaderna för lokaler ska minska")
    assert Node.objects.filter(title="Kostnaderna för lokaler ska minska").exists()

    secretary = _login("sekreterare")
    secretary.click("Fyll i bedömningar för Årsredovisning 2026")
    entry_url = secretary.url

    official.click("Planår och perioder")
    official.click("Stäng Årsredovisning 2026")
    official.submit(button="Stäng Årsredovisning 2026")
    assert "Årsredovisning 2026 stängdes" in official.html
    assert Period.objects.get(kind="annual").is_closed

    goal = Node.objects.get(
        title="Andelen elever som når kunskapskraven i alla ämnen i årskurs 9 ska öka"
    )
    response = secretary.client.post(
        entry_url, {f"status-{goal.pk}": "met", f"analysis-{goal.pk}": "För sent"}
    )
    assert response.status_code == 409
    assert not Assessment.objects.filter(node=goal, period__kind="annual").exists()
    secretary.open(entry_url)
    assert "Perioden är stängd" in secretary.html


def test_councillor_reads_the_follow_up_overview_report_downloads_and_search(demo):
    import csv
    import io

    import docx
    import openpyxl

    browser = _login("fortroendevald")
    browser.click(f"Översikt {YEAR}")
    assert "<svg" in browser.html and "<table" in browser.html
    browser.click("Rapport för Delårsrapport 2026")
    assert "Kramforsbon" in browser.html

    report_url = browser.url
    browser.click("Ladda ner som CSV")
    rows = list(
        csv.reader(io.StringIO(browser.response.content.decode("utf-8-sig")), delimiter=";")
    )
    titles = {cell for row in rows for cell in row}
    assert "Fler invånare ska ha en egen försörjning" in titles
    browser.open(report_url)
    browser.click("Ladda ner som Excel")
    sheet = openpyxl.load_workbook(io.BytesIO(browser.response.content)).active
    assert any(
        "Fler invånare ska ha en egen försörjning" in str(cell.value or "")
        for row in sheet.iter_rows()
        for cell in row
    )
    browser.open(report_url)
    browser.click("Ladda ner som Word")
    document = docx.Document(io.BytesIO(browser.response.content))
    assert any("Kramforsbon" in paragraph.text for paragraph in document.paragraphs)

    # A word that occurs only in an analysis finds its goal.
    browser.open("/")
    browser.submit(button="Sök", q="personalbrist")
    assert "Sökresultat" in browser.html or "träff" in browser.html
    goal = Node.objects.filter(
        assessments__analysis__icontains="personalbrist", kind="municipal_goal"
    ).first()
    assert goal is not None and goal.title in browser.html
    browser.click(goal.title)
    assert f"<h1>{goal.title}</h1>" in browser.html

    # A goal's indicators and the roll-up of what lies under it.
    browser.click(f"Röd tråd {YEAR}")
    browser.click("Barn och unga ska ha goda förutsättningar att lyckas i skolan")
    page = browser.html
    assert "Andel elever i åk 9 som är behöriga till yrkesprogram" in page
    assert "88" in page and "85,1" in page  # target and outcome
    assert "Underliggande i Delårsrapport 2026" in page
    assert "uppfyllt" in page[page.index("Underliggande i Delårsrapport 2026") :]
