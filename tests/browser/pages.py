"""Every kind of page that exists, with the data it needs, for the browser tests.

`Site.prepare(name)` puts in the data one page type needs and gives its path;
`Site.visit()` opens it and checks that it is the page meant, in the state
meant, styled.

The data is the demo plan year. Loading it through `load_demo` writes each
node under the tree lock and takes seconds on PostgreSQL, so the suite loads it
once per session, keeps a dump, and each test puts the dump back with
`loaddata` (the live server needs committed data, and each test starts empty).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from followup.models import Assessment, Period, PeriodKind
from goals import services
from goals.models import Committee, Node, NodeKind, PlanYear

YEAR = 2026

# The councillor's path through the demo year: in the second perspective, down
# to one of a committee's activities.
PERSPECTIVE = "Processer"
MUNICIPAL_GOAL = "Service och bemötande ska hålla hög kvalitet"
COMMITTEE_GOAL = "Fler ska få svar på sina frågor vid första kontakten med kommunen"
ACTIVITY = "Inrätta ett kontaktcenter för hela kommunen"


@dataclass(frozen=True)
class Demo:
    plan_year: PlanYear
    interim: Period

    def node(self, title: str) -> Node:
        return Node.objects.get(plan_year=self.plan_year, title=title)

    def vision(self) -> Node:
        return Node.objects.get(plan_year=self.plan_year, kind=NodeKind.VISION)

    def committee(self, short_name: str) -> Committee:
        return Committee.objects.get(short_name=short_name)

    def assessment(self, title: str) -> Assessment:
        """The interim assessment of a node, which the demo must have written."""
        node = self.node(title)
        assessment = Assessment.objects.filter(node=node, period=self.interim).first()
        assert assessment and assessment.analysis, f"the demo leaves {title!r} unassessed"
        return assessment

    def red_thread(self, **params: object) -> str:
        url = reverse("red_thread", kwargs={"year": self.plan_year.year})
        return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def demo_dump(path: Path) -> None:
    """Write the demo plan year, and an earlier plan year with no goals yet, to
    a fixture file, leaving the database as it was."""
    with transaction.atomic():
        call_command("load_demo", "--year", str(YEAR), stdout=io.StringIO())
        services.plan_year_create(year=YEAR - 1)
        call_command("dumpdata", "goals", "followup", output=str(path), verbosity=0)
        transaction.set_rollback(True)


@dataclass(frozen=True)
class PageType:
    path: str
    heading: str  # the page's h1
    shows: str = ""  # text that proves the page is in the state meant
    status: int = 200


class Site:
    """The live server, and the demo data to put in it."""

    def __init__(self, live_server, demo_fixture: Path) -> None:
        self.url = live_server.url
        self.demo_fixture = demo_fixture

    def demo(self) -> Demo:
        call_command("loaddata", str(self.demo_fixture), verbosity=0)
        plan_year = PlanYear.objects.get(year=YEAR)
        return Demo(plan_year, Period.objects.get(plan_year=plan_year, kind=PeriodKind.INTERIM))

    def prepare(self, name: str) -> PageType:
        """Put in the data a page type needs; its path and what it should show."""
        if name == "start-without-plan-year":
            return PageType("/", "Mål och uppföljning", "Inget planår har startats ännu")
        with translation.override("sv"):
            return _page_type(name, self.demo())

    def visit(self, page, page_type: PageType) -> None:
        response = page.goto(self.url + page_type.path)
        assert response is not None and response.status == page_type.status, page_type.path
        assert page.locator("h1").inner_text() == page_type.heading
        if page_type.shows:
            text = page.locator("main").inner_text()
            assert page_type.shows in text, f"{page_type.shows!r} not on {page_type.path}:\n{text}"
        assert page.evaluate(_STYLESHEETS_LOADED), f"a stylesheet of {page_type.path} did not load"


def _page_type(name: str, demo: Demo) -> PageType:
    red_thread = f"Röd tråd {YEAR}"
    match name:
        case "start":
            return PageType("/", "Mål och uppföljning", f"Röd tråd {YEAR - 1}")
        case "red-thread":
            return PageType(demo.red_thread(), red_thread, "Status per perspektiv")
        case "red-thread-filtered":
            path = demo.red_thread(
                period=demo.interim.pk,
                committee=demo.committee("BUN").pk,
                perspective=demo.node("Kramforsbon").pk,
                status="in_progress",
            )
            return PageType(path, red_thread, "Visar 7 av 77")
        case "red-thread-invalid-filters":
            path = demo.red_thread(committee=999999, status="bogus", period="abc")
            return PageType(path, red_thread, "Några val var ogiltiga")
        case "red-thread-empty-year":
            path = reverse("red_thread", kwargs={"year": YEAR - 1})
            return PageType(path, f"Röd tråd {YEAR - 1}", "Planåret har inga mål ännu")
        case "red-thread-no-match":
            path = demo.red_thread(
                committee=demo.committee("MBHN").pk, perspective=demo.node("Medarbetare").pk
            )
            return PageType(path, red_thread, "Inget matchar filtren")
        case "node-vision":
            vision = demo.vision()
            return PageType(vision.get_absolute_url(), vision.title, "Underliggande")
        case "node-goal":
            assessment = demo.assessment(COMMITTEE_GOAL)
            return PageType(assessment.node.get_absolute_url(), COMMITTEE_GOAL, assessment.analysis)
        case "node-activity":
            assessment = demo.assessment(ACTIVITY)
            return PageType(assessment.node.get_absolute_url(), ACTIVITY, assessment.analysis)
        case "not-found":
            return PageType("/finns-inte/", "Sidan hittades inte", "Gå till startsidan", 404)
        case "accessibility-statement":
            return PageType(
                reverse("accessibility_statement"), "Tillgänglighetsredogörelse", "Tillsyn"
            )
    raise ValueError(f"no page type {name!r}")


PAGE_TYPES = [
    "start",
    "start-without-plan-year",
    "red-thread",
    "red-thread-filtered",
    "red-thread-invalid-filters",
    "red-thread-empty-year",
    "red-thread-no-match",
    "node-vision",
    "node-goal",
    "node-activity",
    "not-found",
    "accessibility-statement",
]

# Every stylesheet the page links to has loaded: a missing one would let the
# colour-contrast and reflow checks pass on an unstyled page.
_STYLESHEETS_LOADED = """() => {
    const linked = document.querySelectorAll('link[rel="stylesheet"]').length;
    const loaded = [...document.styleSheets].filter(sheet => sheet.cssRules.length > 0).length;
    return linked > 0 && loaded === linked;
}"""
