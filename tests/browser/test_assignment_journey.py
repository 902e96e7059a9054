"""A secretary follows up the committee's assignment on the entry page, beside
the goals, with the mouse, with the keyboard alone and with JavaScript off."""

from __future__ import annotations

import pytest

from followup.assignmentmodels import AssignmentFollowup
from goals.assignmentmodels import Assignment
from tests.browser import pages
from tests.browser.drivers import WAYS
from tests.browser.test_work_journey import (
    _button,
    _field,
    _heading,
    _link,
    _log_in_through_the_form,
)

pytestmark = pytest.mark.django_db(transaction=True)

ANNUAL = f"Årsredovisning {pages.YEAR}"


@pytest.mark.parametrize("way", WAYS)
def test_secretary_follows_up_an_assignment_beside_the_goals(way, new_page, site):
    driver, context_options = WAYS[way]
    site.demo()
    assignment = Assignment.objects.get(
        title="Ta fram en handlingsplan mot psykisk ohälsa bland unga"
    )
    page = new_page(**context_options)
    _log_in_through_the_form(driver, page, site, pages.SECRETARY)

    driver.follow(page, _link(page, f"Fyll i bedömningar för {ANNUAL}"))
    assert _heading(page) == f"Uppföljning: {ANNUAL}"
    driver.choose(page, _field(page, f"astatus-{assignment.pk}"), "pågår")
    driver.fill(
        page, _field(page, f"aanalysis-{assignment.pk}"), "Arbetet har börjat med regionen."
    )
    driver.submit(page, _button(page, "Spara uppdragen"))
    assert _heading(page) == f"Uppföljning: {ANNUAL}"
    assert "Uppföljningen av 1 uppdrag sparades." in page.locator("main").inner_text()
    followup = AssignmentFollowup.objects.get(assignment=assignment, period__kind="annual")
    assert (followup.status, followup.analysis, followup.updated_by.username) == (
        "in_progress",
        "Arbetet har börjat med regionen.",
        pages.SECRETARY,
    )
