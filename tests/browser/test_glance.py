"""The pages read at a glance: screenshots of each at 1,280 and 375 px into
test-artifacts/screenshots/, axe-clean at both, and the röd tråd of the demo
year short enough to scroll at its default level."""

from __future__ import annotations

import pytest

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
            from followup.models import Indicator

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
