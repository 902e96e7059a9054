"""Every page type passes axe-core's WCAG 2.1 A and AA rules, and leaves a
desktop screenshot in test-artifacts/screenshots/ to look at."""

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.browser.pages import PAGE_TYPES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_type_has_no_wcag_violations(name, page, site, screenshots):
    site.visit(page, site.prepare(name))
    page.screenshot(path=screenshots / f"{name}-desktop.png", full_page=True)
    assert_no_axe_violations(page)
