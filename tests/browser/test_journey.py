"""A councillor's journey: from the start page down the röd tråd to an
activity, reading its assessment, and back up by the breadcrumbs — with the
mouse, with the keyboard alone, and with JavaScript turned off."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from tests.browser import pages
from tests.browser.drivers import WAYS, Keyboard

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("way", WAYS)
def test_councillor_follows_the_red_thread_to_an_activity_and_back(way, new_page, site):
    driver, context_options = WAYS[way]
    demo = site.demo()
    with translation.override("sv"):
        assessment = demo.assessment(pages.ACTIVITY)
        status = assessment.get_status_display()
    page = new_page(**context_options)
    red_thread = f"Röd tråd {pages.YEAR}"

    def heading() -> str:
        return page.locator("h1").inner_text()

    page.goto(site.url + "/")
    driver.follow(page, page.locator("main").get_by_role("link", name=red_thread, exact=True))
    assert heading() == red_thread

    # Fold away the first direction goal's municipal goals, then open them again.
    tree = page.locator(".tree")
    summary = tree.locator("summary", has_text=re.compile(r"– Kramforsbon upplever"))
    first_goal = tree.locator(".node--municipal_goal a").first
    assert first_goal.is_visible()
    driver.toggle(page, summary, "Enter")
    assert first_goal.is_hidden()
    if isinstance(driver, Keyboard):
        # Tab passes the folded goals by, on to the next perspective.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == pages.PERSPECTIVE
        page.keyboard.press("Shift+Tab")
    driver.toggle(page, summary, "Space")
    assert first_goal.is_visible()

    # The tree shows down to the municipal goals; a link opens one's branch.
    assert tree.get_by_role("link", name=pages.COMMITTEE_GOAL, exact=True).count() == 0
    opens = re.compile(rf"^Visa \d+ underliggande – {re.escape(pages.MUNICIPAL_GOAL)}$")
    driver.follow(page, tree.get_by_role("link", name=opens))
    driver.follow(page, tree.get_by_role("link", name=pages.COMMITTEE_GOAL, exact=True))
    assert heading() == pages.COMMITTEE_GOAL
    underlying = page.locator(".children")
    driver.follow(page, underlying.get_by_role("link", name=pages.ACTIVITY, exact=True))
    assert heading() == pages.ACTIVITY

    # The activity's assessment in the interim report, its status in words.
    interim = page.locator(".assessment", has_text=demo.interim.display_title)
    badge = interim.locator(".badge")
    assert badge.is_visible()
    assert " ".join(badge.text_content().split()) == f"Status: {status}"
    assert assessment.analysis in interim.inner_text()

    # Back up: to the municipal goal the activity serves, then to the röd tråd.
    breadcrumbs = page.get_by_role("navigation", name="Brödsmulor")
    driver.follow(page, breadcrumbs.get_by_role("link", name=pages.MUNICIPAL_GOAL, exact=True))
    assert heading() == pages.MUNICIPAL_GOAL
    assert page.locator(".children").get_by_role("link", name=pages.COMMITTEE_GOAL).is_visible()
    driver.follow(page, breadcrumbs.get_by_role("link", name=red_thread, exact=True))
    assert heading() == red_thread
