"""A committee's approval of its follow-up, in the browser: the secretary marks
it ready for the committee, an official records the committee's decision, and
the secretary can then change nothing — with the mouse, with the keyboard
alone, and with JavaScript turned off; every page on the way passes axe
(where scripts run: axe-core is one)."""

from __future__ import annotations

import pytest

from followup.approvalmodels import CommitteeReport
from followup.models import Assessment, PeriodKind
from goals.approvalmodels import ApprovalState
from goals.models import Node
from tests.browser import pages
from tests.browser.axe import assert_no_axe_violations
from tests.browser.drivers import WAYS

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = pages.YEAR
ANNUAL = f"Årsredovisning {YEAR}"
BUN = "Barn- och utbildningsnämnden"


def _link(page, name: str):
    return page.locator("main").get_by_role("link", name=name, exact=True)


def _button(page, name: str):
    return page.locator("main").get_by_role("button", name=name, exact=True)


def _field(page, name: str):
    return page.locator(f'main [name="{name}"]')


@pytest.mark.parametrize("way", WAYS)
def test_secretary_marks_ready_official_records_the_decision_secretary_is_refused(
    way, new_page, site
):
    driver, context_options = WAYS[way]
    # axe-core runs as a script: checked where the browser runs scripts.
    scripts = context_options.get("java_script_enabled", True)

    def check_axe(page) -> None:
        if scripts:
            assert_no_axe_violations(page)

    site.demo()
    mark_ready = f"Markera uppföljningen för {BUN} klar för nämnd"

    secretary = new_page(**context_options)
    site.log_in(secretary, pages.SECRETARY)
    secretary.goto(site.url + "/")
    driver.follow(secretary, _link(secretary, f"Fyll i bedömningar för {ANNUAL}"))
    entry_url = secretary.url
    driver.follow(secretary, _link(secretary, mark_ready))
    assert secretary.locator("h1").inner_text() == mark_ready
    check_axe(secretary)
    driver.submit(secretary, _button(secretary, mark_ready))
    assert secretary.url == entry_url
    assert "klar för nämnd" in secretary.locator("main").inner_text()
    report = CommitteeReport.objects.get(period__kind=PeriodKind.ANNUAL, committee__name=BUN)
    assert report.state == ApprovalState.READY

    official = new_page(**context_options)
    site.log_in(official, pages.OFFICIAL)
    official.goto(site.url + "/")
    driver.follow(official, _link(official, f"Rapportering {ANNUAL}"))
    check_axe(official)
    driver.follow(official, _link(official, f"Registrera nämndens beslut – {BUN}"))
    check_axe(official)
    driver.fill(official, _field(official, "decided_on"), f"{YEAR}-12-01")
    driver.fill(official, _field(official, "paragraph"), "87")
    driver.fill(official, _field(official, "registration_number"), f"BUN {YEAR}/44")
    driver.submit(
        official,
        _button(official, f"Registrera nämndens beslut om uppföljningen för {BUN}"),
    )
    assert "§ 87" in official.locator("main").inner_text()
    report.refresh_from_db()
    assert report.state == ApprovalState.APPROVED and report.paragraph == "87"

    # The secretary's next save is refused, with the reason in Swedish.
    secretary.goto(entry_url)
    assert "låsta tills en tjänsteperson öppnar dem igen" in secretary.locator("main").inner_text()
    school_goal = Node.objects.get(title=pages.SCHOOL_GOAL)
    driver.choose(secretary, _field(secretary, f"status-{school_goal.pk}"), "uppfyllt")
    response = driver.submit(secretary, _button(secretary, "Spara allt"))
    assert response.status == 403
    assert "beslutad av nämnden och låst" in secretary.locator("main").inner_text()
    assert not Assessment.objects.filter(node=school_goal, period__kind="annual").exists()
    check_axe(secretary)
