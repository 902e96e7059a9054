"""The pages read at a glance: screenshots of each at 1,280 and 375 px into
test-artifacts/screenshots/, axe-clean at both, and the röd tråd of the demo
year short enough to scroll at its default level."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.axe import assert_no_axe_violations
from tests.browser.pages import YEAR, PageType

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812}


def _glance_page(name: str, demo) -> PageType:
    from django.urls import reverse

    match name:
        case "dashboard":
            return PageType("/", f"Så går det för kommunen {YEAR}", "Kramforsbon")
        case "red-thread-default":
            return PageType(demo.red_thread(), f"Röd tråd {YEAR}", "Status per perspektiv")
        case "red-thread-expanded":
            return PageType(demo.red_thread(level="activity"), f"Röd tråd {YEAR}", "Aktivitet")
        case "overview":
            path = reverse("followup:overview", kwargs={"year": YEAR})
            return PageType(path, f"Översikt {YEAR}", "Mål per perspektiv")
        case "indicator-chart":
            from followup.indicatormodels import Indicator

            goal = Indicator.objects.filter(node__plan_year__year=YEAR).first().node
            return PageType(goal.get_absolute_url(), goal.title, "Över tid")
    raise ValueError(name)


GLANCE_PAGES = [
    "dashboard",
    "red-thread-default",
    "red-thread-expanded",
    "overview",
    "indicator-chart",
]


@pytest.mark.parametrize("name", GLANCE_PAGES)
def test_glance_page_at_desktop_and_phone_width(name, new_page, site, screenshots):
    page_type = _glance_page(name, site.demo())
    for width, viewport in (("1280", None), ("375", PHONE)):
        page = new_page(viewport=viewport) if viewport else new_page()
        site.visit(page, page_type)
        page.screenshot(path=screenshots / f"glance-{name}-{width}.png", full_page=True)
        if name == "indicator-chart":
            page.locator(".trend-figure").first.screenshot(
                path=screenshots / f"glance-indicator-chart-only-{width}.png"
            )
        assert_no_axe_violations(page)
        # Nothing wider than the screen: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_red_thread_of_the_demo_year_is_short_at_its_default_level(page, site):
    site.visit(page, _glance_page("red-thread-default", site.demo()))
    assert page.evaluate("document.documentElement.scrollHeight") < 2000


def test_header_keeps_one_row_at_desktop_width(page, site):
    site.visit(page, _glance_page("dashboard", site.demo()))
    height = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
    assert height < 80


# Each component of docs/design.md, photographed where a page uses it.
COMPONENTS = [
    ("dashboard", ".page-header", "page-header"),
    ("dashboard", ".goal-row .badge", "status-tag"),
    ("dashboard", ".card__bars", "stacked-bar"),
    ("dashboard", ".card", "card"),
    ("overview", ".summary-table", "table"),
]


def test_component_screenshots(new_page, site, screenshots):
    folder = screenshots / "components"
    folder.mkdir(exist_ok=True)
    demo = site.demo()
    for page_name, selector, name in COMPONENTS:
        page = new_page()
        site.visit(page, _glance_page(page_name, demo))
        page.locator(selector).first.screenshot(path=folder / f"{name}.png")
    # A form row, and a button beside a link, on the form a secretary edits a goal with.
    from tests.browser.pages import SCHOOL_GOAL, SECRETARY

    goal = demo.node(SCHOOL_GOAL)
    page = new_page()
    site.log_in(page, SECRETARY)
    page.goto(site.url + reverse("goals:node_edit", kwargs={"pk": goal.pk}))
    page.locator(".stacked-form").screenshot(path=folder / "form-row.png")
    page.locator(".stacked-form .actions").screenshot(path=folder / "button-and-link.png")
    page.screenshot(path=screenshots / "glance-form-1280.png", full_page=True)
    assert_no_axe_violations(page)


def _tab_to(page, text: str) -> None:
    """Press Tab until the focused element's text begins with `text`."""
    for _press in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate("(document.activeElement.textContent || '').trim()")
        if focused.startswith(text):
            return
    pytest.fail(f"Tab never reached {text!r}")


def test_keyboard_journey_from_the_dashboard_to_an_indicator_chart(page, site):
    """Dashboard → a perspective → one of its goals → the goal's indicator chart,
    by keyboard alone."""
    demo = site.demo()
    site.visit(page, _glance_page("dashboard", demo))
    goal = "Barn och unga ska ha goda förutsättningar att lyckas i skolan"
    _tab_to(page, "Kramforsbon")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == f"Röd tråd {YEAR}"
    assert f"perspective={demo.node('Kramforsbon').pk}" in page.url
    _tab_to(page, goal)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == goal
    chart = page.locator(".trend-chart").first
    assert chart.get_attribute("role") == "img"
    # Its table of values scrolls on a narrow screen; the keyboard reaches it.
    page.locator("#indicators").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('table-wrap')")
    assert "Andel elever i åk 9 som är behöriga till yrkesprogram" in chart.inner_html()
    assert_no_axe_violations(page)
