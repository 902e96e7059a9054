"""The work of the logged-in roles, done in the browser as
tests/test_journeys.py does it with the test client: a secretary plans and
assesses their committee's goals; an official adds a municipal goal and closes
the period, after which the secretary can change nothing — with the mouse,
with the keyboard alone, and with JavaScript turned off."""

from __future__ import annotations

import re

import pytest

from followup.models import Assessment, Period, PeriodKind
from goals.models import Node
from tests.browser import pages
from tests.browser.drivers import WAYS

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = pages.YEAR
NEW_GOAL = "Fler elever läser varje dag"
NEW_ACTIVITY = "Läsecirkel på alla skolor"
NEW_MUNICIPAL_GOAL = "Kostnaderna för lokaler ska minska"
ECONOMY_DIRECTION_GOAL = "Kommunen har en god ekonomisk hushållning och en ekonomi i balans"
ANNUAL = f"Årsredovisning {YEAR}"


def _link(page, name: str):
    return page.locator("main").get_by_role("link", name=name, exact=True)


def _button(page, name: str):
    return page.locator("main").get_by_role("button", name=name, exact=True)


def _field(page, name: str):
    return page.locator(f'main [name="{name}"]')


def _heading(page) -> str:
    return page.locator("h1").inner_text()


def _log_in_through_the_form(driver, page, site, username: str) -> None:
    page.goto(site.url + "/")
    driver.follow(page, page.get_by_role("link", name="Logga in", exact=True))
    driver.fill(page, _field(page, "username"), username)
    driver.fill(page, _field(page, "password"), "demo")
    driver.submit(page, _button(page, "Logga in"))
    assert page.get_by_role("button", name=f"Logga ut {username}").is_visible()


@pytest.mark.parametrize("way", WAYS)
def test_secretary_plans_and_assesses_and_sees_it_on_the_red_thread(way, new_page, site):
    driver, context_options = WAYS[way]
    site.demo()
    page = new_page(**context_options)
    _log_in_through_the_form(driver, page, site, pages.SECRETARY)

    plan = f"Verksamhetsplan {YEAR} – Barn- och utbildningsnämnden"
    driver.follow(page, _link(page, plan))
    assert _heading(page) == plan
    add_goal = page.locator("main").get_by_role("link", name=re.compile(r"^Lägg till nämndmål"))
    driver.follow(page, add_goal.first)
    assert _heading(page) == "Nytt nämndmål"
    driver.fill(page, _field(page, "title"), NEW_GOAL)
    driver.fill(page, _field(page, "description"), "Läslust.")
    driver.submit(page, _button(page, "Spara"))
    assert _heading(page) == plan
    assert f"”{NEW_GOAL}” lades till." in page.locator("main").inner_text()

    driver.follow(page, _link(page, f"Lägg till aktivitet under ”{NEW_GOAL}”"))
    assert _heading(page) == "Ny aktivitet"
    driver.fill(page, _field(page, "title"), NEW_ACTIVITY)
    driver.submit(page, _button(page, "Spara"))
    goal, activity = Node.objects.get(title=NEW_GOAL), Node.objects.get(title=NEW_ACTIVITY)
    assert goal.committee.short_name == "BUN" and activity.parent_id == goal.pk

    driver.follow(page, page.get_by_role("link", name="Start", exact=True))
    driver.follow(page, _link(page, f"Fyll i bedömningar för {ANNUAL}"))
    assert _heading(page) == f"Uppföljning: {ANNUAL}"
    driver.choose(page, _field(page, f"status-{goal.pk}"), "delvis uppfyllt")
    driver.fill(page, _field(page, f"analysis-{goal.pk}"), "Läsandet ökar men når inte målnivån.")
    driver.choose(page, _field(page, f"status-{activity.pk}"), "pågår")
    driver.submit(page, _button(page, "Spara allt"))
    assert "2 bedömningar sparades." in page.locator("main").inner_text()

    driver.follow(page, page.get_by_role("link", name="Start", exact=True))
    driver.follow(page, _link(page, f"Röd tråd {YEAR}"))
    driver.follow(page, _link(page, "Alla nivåer"))  # the committees' goals and activities
    driver.choose(page, _field(page, "period"), ANNUAL)
    driver.submit(page, _button(page, "Visa"))
    tree = page.locator(".tree")
    for title, status in [(NEW_GOAL, "delvis uppfyllt"), (NEW_ACTIVITY, "pågår")]:
        row = tree.locator(".node-row", has=page.get_by_role("link", name=title, exact=True))
        assert " ".join(row.locator(".badge").text_content().split()) == f"Status: {status}"


@pytest.mark.parametrize("way", WAYS)
def test_official_adds_a_goal_closes_the_period_and_the_secretary_is_locked_out(
    way, new_page, site
):
    driver, context_options = WAYS[way]
    site.demo()
    official = new_page(**context_options)
    _log_in_through_the_form(driver, official, site, pages.OFFICIAL)
    driver.follow(official, _link(official, f"Röd tråd {YEAR}"))
    driver.follow(official, _link(official, ECONOMY_DIRECTION_GOAL))
    driver.follow(official, _link(official, "Lägg till kommunövergripande mål"))
    driver.fill(official, _field(official, "title"), NEW_MUNICIPAL_GOAL)
    driver.submit(official, _button(official, "Spara"))
    new_goal = Node.objects.get(title=NEW_MUNICIPAL_GOAL)
    assert new_goal.parent.title == ECONOMY_DIRECTION_GOAL

    # The secretary opens the entry page and starts on an assessment...
    secretary = new_page(**context_options)
    site.log_in(secretary, pages.SECRETARY)
    secretary.goto(site.url + "/")
    driver.follow(secretary, _link(secretary, f"Fyll i bedömningar för {ANNUAL}"))
    school_goal = Node.objects.get(title=pages.SCHOOL_GOAL)
    driver.choose(secretary, _field(secretary, f"status-{school_goal.pk}"), "uppfyllt")
    driver.fill(secretary, _field(secretary, f"analysis-{school_goal.pk}"), "För sent")

    # ...while the official closes the period.
    driver.follow(official, official.get_by_role("link", name="Planår och perioder", exact=True))
    driver.follow(official, _link(official, f"Stäng {ANNUAL}"))
    driver.submit(official, _button(official, f"Stäng {ANNUAL}"))
    assert f"{ANNUAL} stängdes." in official.locator("main").inner_text()
    assert Period.objects.get(kind=PeriodKind.ANNUAL).is_closed

    # Saving is refused, and the page says why and offers no save button.
    response = driver.submit(secretary, _button(secretary, "Spara allt"))
    assert response.status == 409
    assert not Assessment.objects.filter(node=school_goal, period__kind="annual").exists()
    assert "Perioden har stängts, så inget sparades." in secretary.locator("main").inner_text()
    secretary.reload()
    assert "Perioden är stängd" in secretary.locator("main").inner_text()
    assert _button(secretary, "Spara allt").count() == 0
