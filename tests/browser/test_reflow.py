"""Reflow (WCAG 1.4.10) and resize text (1.4.4) for every page type.

At 320 CSS pixels wide a page must not scroll sideways. For 200 % zoom the
tests open the page as a 1280 × 800 window zoomed to 200 % lays it out: a
viewport of 640 × 400 CSS pixels, each drawn as 2 × 2 device pixels
(device_scale_factor=2). Browser zoom works exactly so — it shrinks the CSS
viewport and enlarges each CSS pixel — and media queries see the same width.
Screenshots of both land in test-artifacts/screenshots/.
"""

import pytest

from tests.browser.pages import PAGE_TYPES

pytestmark = pytest.mark.django_db(transaction=True)

NARROW = {"viewport": {"width": 320, "height": 640}}
ZOOMED_200 = {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2}

# Visible controls that stick out of the viewport's width, each described; the
# visually hidden (1 × 1 px) ones are left out, and so are those in a data
# table, which WCAG 1.4.10 lets scroll in two dimensions: it scrolls within its
# .table-wrap, not the page, and Tab scrolls each of its controls into view.
_CONTROLS_OUTSIDE = """() => {
    const width = document.documentElement.clientWidth;
    const outside = [];
    for (const el of document.querySelectorAll("a, button, input, select, textarea, summary, h1")) {
        const box = el.getBoundingClientRect();
        if (box.width <= 1 || box.height <= 1) continue;
        if (el.closest(".table-wrap")) continue;
        if (box.left < -0.5 || box.right > width + 0.5) {
            outside.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}"`
                + ` spans ${Math.round(box.left)}–${Math.round(box.right)} px of ${width}`);
        }
    }
    return outside;
}"""


def assert_fits_the_width(page) -> None:
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width, (
        f"{page.url} scrolls sideways: {scroll_width} px of content in {client_width} px"
    )
    assert page.evaluate(_CONTROLS_OUTSIDE) == []


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_type_reflows_at_320_px_and_at_200_percent_zoom(name, new_page, site, screenshots):
    page_type = site.prepare(name)

    narrow = new_page(**NARROW)
    site.visit(narrow, page_type)
    narrow.screenshot(path=screenshots / f"{name}-320.png", full_page=True)
    assert_fits_the_width(narrow)

    zoomed = new_page(**ZOOMED_200)
    site.visit(zoomed, page_type)
    zoomed.screenshot(path=screenshots / f"{name}-zoom200.png")
    assert_fits_the_width(zoomed)
    # The skip link still leads past the header, which now takes more room.
    zoomed.keyboard.press("Tab")
    zoomed.keyboard.press("Enter")
    assert zoomed.evaluate("document.activeElement.id") == "main"
