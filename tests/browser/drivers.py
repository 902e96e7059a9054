"""Three ways through the site for the journeys: with the mouse, with the
keyboard alone, and with the mouse in a browser with JavaScript turned off."""

from __future__ import annotations


class Mouse:
    def follow(self, page, link) -> None:
        with page.expect_navigation():
            link.click()

    def toggle(self, page, summary, key: str) -> None:
        summary.click()

    def fill(self, page, field, text: str) -> None:
        field.click()
        field.fill(text)

    def choose(self, page, select, label: str) -> None:
        select.select_option(label=label)

    def submit(self, page, button):
        """Press a form's button; the response to what it sent."""
        with page.expect_navigation() as navigation:
            button.click()
        return navigation.value


class Keyboard:
    """Tab to an element, as far as it takes, then Enter or Space; type into
    fields, and pick options with the arrow keys."""

    def follow(self, page, link) -> None:
        self.tab_to(page, link)
        with page.expect_navigation():
            page.keyboard.press("Enter")

    def toggle(self, page, summary, key: str) -> None:
        if not summary.evaluate("el => el === document.activeElement"):
            self.tab_to(page, summary)
        page.keyboard.press(key)

    def fill(self, page, field, text: str) -> None:
        self.tab_to(page, field)
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.press("Delete")
        if text:
            page.keyboard.type(text)

    def choose(self, page, select, label: str) -> None:
        self.tab_to(page, select)
        labels = select.evaluate("el => [...el.options].map(option => option.text.trim())")
        steps = labels.index(label) - select.evaluate("el => el.selectedIndex")
        for _step in range(abs(steps)):
            page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
        assert select.evaluate("el => el.options[el.selectedIndex].text.trim()") == label

    def submit(self, page, button):
        self.tab_to(page, button)
        with page.expect_navigation() as navigation:
            page.keyboard.press("Space")
        return navigation.value

    @staticmethod
    def tab_to(page, target, limit: int = 400) -> None:
        element = target.element_handle()
        for _press in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("el => el === document.activeElement", element):
                return
        raise AssertionError(f"{limit} presses of Tab never reached {target}")


WAYS = {
    "mouse": (Mouse(), {}),
    "keyboard": (Keyboard(), {}),
    "no-javascript": (Mouse(), {"java_script_enabled": False}),
}
