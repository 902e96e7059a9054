"""Keyboard use of every page type: the skip link comes first and leads to the
content, and every element that takes focus shows it clearly (WCAG 2.4.1,
2.1.1, 2.4.7, 1.4.11)."""

import pytest

from tests.browser.pages import PAGE_TYPES

pytestmark = pytest.mark.django_db(transaction=True)

# The focused element, described, and whether its focus can be seen: an outline
# of at least 2 px, on the screen, with a contrast of at least 3:1 against what
# lies around it (WCAG 1.4.11). What lies around it is read from the page
# beside the element, since an absolutely placed element (the skip link) sits
# over a background that is not its parent's.
_FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const rgb = value => (value.match(/[\\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
        const linear = c => (c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    };
    const x = box.left > 4 ? box.left - 3 : box.right + 3;
    let around = [255, 255, 255];
    for (const under of document.elementsFromPoint(x, box.top + box.height / 2)) {
        if (under === el || el.contains(under)) continue;
        const background = rgb(getComputedStyle(under).backgroundColor);
        if (background.length === 4 && background[3] === 0) continue;
        around = background.slice(0, 3);
        break;
    }
    const [a, b] = [luminance(rgb(style.outlineColor)), luminance(around)];
    const contrast = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    return {
        element: `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 50)}"`,
        outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`
            + ` on rgb(${around.join(", ")}), contrast ${contrast.toFixed(1)}:1`,
        visible: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
            && contrast >= 3
            && box.width > 1 && box.height > 1
            && box.bottom > 0 && box.top < window.innerHeight,
    };
}"""


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_keyboard_starts_at_the_skip_link_and_shows_focus_everywhere(name, page, site):
    page_type = site.prepare(name)
    site.visit(page, page_type)

    # The first Tab reaches the skip link, shown on the screen; Enter moves
    # focus to the content, and the next Tab goes on from there.
    page.keyboard.press("Tab")
    skip_link = page.locator(".skip-link")
    assert skip_link.evaluate("el => el === document.activeElement")
    assert skip_link.inner_text() == "Hoppa till innehållet"
    box = skip_link.bounding_box()
    assert box is not None and box["y"] >= 0, "the focused skip link is off screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("!document.querySelector('header').contains(document.activeElement)")

    # From the top again, Tab through everything: each element shows its focus.
    site.visit(page, page_type)
    seen, hidden = [], []
    for _press in range(500):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None or (seen and focused["element"] == seen[0]):
            break  # past the last element, or round to the first again
        seen.append(focused["element"])
        if not focused["visible"]:
            hidden.append(f"{focused['element']}: {focused['outline']}")
    else:
        pytest.fail("Tab never left the page")
    assert len(seen) >= 4  # skip link, site name, start, and the footer's statement link
    assert hidden == [], "focus is not visible on: " + "; ".join(hidden)
