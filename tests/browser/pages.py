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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from followup.indicatormodels import Indicator
from followup.models import Assessment, Period, PeriodKind
from goals import links, services
from goals.models import Committee, Node, NodeKind, PlanYear

if TYPE_CHECKING:
    from playwright.sync_api import Page

YEAR = 2026

# The councillor's path through the demo year: in the second perspective, down
# to one of a committee's activities.
PERSPECTIVE = "Processer"
MUNICIPAL_GOAL = "Service och bemötande ska hålla hög kvalitet"
COMMITTEE_GOAL = "Fler ska få svar på sina frågor vid första kontakten med kommunen"
ACTIVITY = "Inrätta ett kontaktcenter för hela kommunen"
# A goal of BUN, whose secretary keeps it.
SCHOOL_GOAL = "Andelen elever som når kunskapskraven i alla ämnen i årskurs 9 ska öka"

# A goal of BUN that an activity in another perspective also supports.
LINKED_GOAL = "Alla barn i förskolan ska erbjudas en likvärdig utbildning"

# The demo users, one for each role.
OFFICIAL = "tjansteperson"
SECRETARY = "sekreterare"
COUNCILLOR = "fortroendevald"
AUDITOR = "revisor"


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
        url = reverse("followup:red_thread", kwargs={"year": self.plan_year.year})
        return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def demo_dump(path: Path) -> None:
    """Write the demo plan year, its users, and an earlier plan year with no
    goals yet, to a fixture file, leaving the database as it was.

    The role groups go in too: a transactional test empties every table when it
    ends, the groups that a data migration made among them."""
    with transaction.atomic(), override_settings(DEMO=True):  # demo users only in the demo
        call_command("load_demo", "--year", str(YEAR), stdout=io.StringIO())
        services.plan_year_create(year=YEAR - 1)
        call_command(
            "dumpdata",
            "auth.group",
            "auth.user",
            "goals",
            "followup",
            natural_foreign=True,
            output=str(path),
            verbosity=0,
        )
        transaction.set_rollback(True)


@dataclass(frozen=True)
class PageType:
    path: str
    heading: str  # the page's h1
    shows: str = ""  # text that proves the page is in the state meant
    status: int = 200
    role: str | None = None  # the demo user who looks at it; None: not logged in
    # What the user does on the opened page to bring it to the state meant
    # (fill in and send a form); `status` is then that of the answer.
    act: Callable[[Page], None] | None = None


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

    def log_in(self, page, username: str) -> None:
        """Give the page's browser the session of a demo user logged in; the
        journeys log in through the form instead."""
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.url, "httpOnly": True}]
        )

    def visit(self, page, page_type: PageType) -> None:
        if page_type.role:
            self.log_in(page, page_type.role)
        response = page.goto(self.url + page_type.path)
        if page_type.act:
            assert response is not None and response.status == 200, page_type.path
            with page.expect_navigation() as navigation:
                page_type.act(page)
            response = navigation.value
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
            return PageType("/", f"Så går det för kommunen {YEAR}", f"Röd tråd {YEAR - 1}")
        case "red-thread":
            return PageType(demo.red_thread(), red_thread, "Status per perspektiv")
        case "red-thread-filtered":
            path = demo.red_thread(
                period=demo.interim.pk,
                committee=demo.committee("BUN").pk,
                perspective=demo.node("Kramforsbon").pk,
                status="in_progress",
            )
            return PageType(path, red_thread, "Visar 7 av 79")
        case "red-thread-invalid-filters":
            path = demo.red_thread(committee=999999, status="bogus", period="abc")
            return PageType(path, red_thread, "Några val var ogiltiga")
        case "red-thread-empty-year":
            path = reverse("followup:red_thread", kwargs={"year": YEAR - 1})
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
    return _logged_in_page_type(name, demo)


def _submit(button: str, **fields: str) -> Callable[[Page], None]:
    """Fill in the form's fields, by name, then press the button."""

    def act(page: Page) -> None:
        main = page.locator("main")
        for name, value in fields.items():
            main.locator(f'[name="{name}"]').fill(value)
        main.get_by_role("button", name=button, exact=True).click()

    return act


def _edit_meanwhile(node: Node) -> Callable[[Page], None]:
    """Someone else saves the node while the form is open; then this user saves."""

    def act(page: Page) -> None:
        node.refresh_from_db()
        services.node_update(
            node=node,
            expected_version=node.version,
            title=node.title + " (ändrat)",
            description=node.description,
        )
        _submit("Spara", title=node.title + " – min version")(page)

    return act


def _link_meanwhile(node: Node, submit: Callable[[Page], None]) -> Callable[[Page], None]:
    """Someone else links the goal chosen in the form while it is open; then this user adds it."""

    def act(page: Page) -> None:
        chosen = page.locator("main select[name=target]").input_value()
        links.link_add(source=node, target_id=int(chosen))
        submit(page)

    return act


def _logged_in_page_type(name: str, demo: Demo) -> PageType:
    """The pages of the logged-in roles, each as the role that works on it."""
    bun = demo.committee("BUN")
    plan = reverse("goals:operational_plan", kwargs={"year": YEAR, "slug": bun.slug})
    plan_heading = f"Verksamhetsplan {YEAR} – {bun.name}"
    annual = Period.objects.get(plan_year=demo.plan_year, kind=PeriodKind.ANNUAL)
    goal = demo.node(SCHOOL_GOAL)
    indicator = Indicator.objects.filter(node__plan_year=demo.plan_year).order_by("pk").first()
    match name:
        case "login":
            return PageType(reverse("login"), "Logga in", "Glömt lösenordet?")
        case "login-wrong-password":
            act = _submit("Logga in", username=SECRETARY, password="fel")
            return PageType(reverse("login"), "Logga in", "lösenordet är fel", act=act)
        case "password-reset":
            return PageType(reverse("password_reset"), "Glömt lösenord")
        case "start-secretary":
            return PageType("/", f"Så går det för kommunen {YEAR}", "Ditt arbete", role=SECRETARY)
        case "start-official":
            return PageType(
                "/",
                f"Så går det för kommunen {YEAR}",
                "Inriktningsmål och kommunövergripande mål",
                role=OFFICIAL,
            )
        case "operational-plan-secretary":
            return PageType(plan, plan_heading, "Lägg till nämndmål", role=SECRETARY)
        case "operational-plan-councillor":
            return PageType(plan, plan_heading, SCHOOL_GOAL, role=COUNCILLOR)
        case "entry-open":
            heading = f"Uppföljning: {annual.display_title}"
            return PageType(annual.entry_url(), heading, SCHOOL_GOAL, role=SECRETARY)
        case "entry-closed":
            heading = f"Uppföljning: {demo.interim.display_title}"
            return PageType(demo.interim.entry_url(), heading, "Perioden är stängd", role=SECRETARY)
        case "node-logged-in":
            return PageType(goal.get_absolute_url(), goal.title, "Historik", role=SECRETARY)
        case "node-add":
            path = reverse("goals:node_add", kwargs={"pk": goal.pk})
            return PageType(path, "Ny aktivitet", goal.title, role=SECRETARY)
        case "node-edit":
            path = reverse("goals:node_edit", kwargs={"pk": goal.pk})
            return PageType(path, "Ändra nämndmål", role=SECRETARY)
        case "node-edit-errors":
            path = reverse("goals:node_edit", kwargs={"pk": goal.pk})
            act = _submit("Spara", title="")
            return PageType(path, "Ändra nämndmål", "måste fyllas i", 200, SECRETARY, act)
        case "node-edit-conflict":
            path = reverse("goals:node_edit", kwargs={"pk": goal.pk})
            act = _edit_meanwhile(goal)
            return PageType(path, "Ändra nämndmål", "ändrat", 409, SECRETARY, act)
        case "node-delete":
            path = reverse("goals:node_delete", kwargs={"pk": goal.pk})
            return PageType(path, f"Ta bort ”{goal.title}”?", role=SECRETARY)
        case "node-move":
            path = reverse("goals:node_move", kwargs={"pk": goal.pk})
            return PageType(path, f"Flytta ”{goal.title}”", role=SECRETARY)
        case "node-links":
            path = reverse("goals:node_links", kwargs={"pk": goal.pk})
            heading = f"Vad ”{goal.title}” stödjer även"
            return PageType(
                path, heading, "Lägg till ett mål som den också stödjer", role=SECRETARY
            )
        case "node-links-errors":
            path = reverse("goals:node_links", kwargs={"pk": goal.pk})
            act = _submit("Lägg till länken")
            heading = f"Vad ”{goal.title}” stödjer även"
            # The page's only choice is taken meanwhile: the rule refuses the duplicate.
            return PageType(
                path, heading, "stödjer redan också", 200, SECRETARY, _link_meanwhile(goal, act)
            )
        case "red-thread-links":
            path = demo.red_thread(level="activity")
            return PageType(path, f"Röd tråd {YEAR}", "Stödjer även – hemma under")
        case "node-supported":
            node = demo.node(LINKED_GOAL)
            return PageType(node.get_absolute_url(), node.title, "Stöds även av")
        case "plan-years":
            path = reverse("followup:plan_year_list")
            return PageType(path, "Planår och perioder", annual.display_title, role=OFFICIAL)
        case "period-form":
            path = reverse("followup:period_edit", kwargs={"year": YEAR, "pk": annual.pk})
            return PageType(path, annual.display_title, role=OFFICIAL)
        case "committees":
            return PageType(reverse("goals:committee_list"), "Nämnder", bun.name, role=OFFICIAL)
        case "committee-form":
            path = reverse("goals:committee_edit", kwargs={"pk": bun.pk})
            return PageType(path, bun.name, role=OFFICIAL)
        case "users":
            return PageType(reverse("goals:user_list"), "Användare", SECRETARY, role=OFFICIAL)
        case "user-form":
            secretary = User.objects.get(username=SECRETARY)
            path = reverse("goals:user_edit", kwargs={"pk": secretary.pk})
            return PageType(path, SECRETARY, role=OFFICIAL)
        case "overview":
            path = reverse("followup:overview", kwargs={"year": YEAR})
            return PageType(path, f"Översikt {YEAR}", "Kramforsbon", role=COUNCILLOR)
        case "report":
            path = reverse("followup:period_report", kwargs={"pk": demo.interim.pk})
            heading = f"Måluppfyllelse – {demo.interim.display_title}"
            return PageType(path, heading, SCHOOL_GOAL, role=COUNCILLOR)
        case "search":
            path = reverse("followup:search") + "?q=skolan"
            return PageType(path, "Sök", "för ”skolan” i", role=COUNCILLOR)
        case "search-error":
            path = reverse("followup:search") + "?q=&ar=1999"
            return PageType(path, "Sök", "Skriv ett eller flera ord", 400, COUNCILLOR)
        case "kolada-upload":
            return PageType(
                reverse("followup:kolada_upload"), "Importera från Kolada", role=OFFICIAL
            )
        case "indicator-form":
            path = reverse("followup:indicator_edit", kwargs={"pk": indicator.pk})
            return PageType(path, "Ändra nyckeltal", indicator.node.title, role=OFFICIAL)
        case "indicator-add-kolada":
            path = reverse("followup:indicator_add", kwargs={"pk": goal.parent_id})
            path += "?sok=f%C3%B6rv%C3%A4rvsarbetande&kpi=N00914"
            return PageType(path, "Nytt nyckeltal", "Ifyllt från Kolada", role=OFFICIAL)
        case "node-kolada-comparison":
            path = demo.node("Fler invånare ska ha en egen försörjning").get_absolute_url()
            return PageType(
                path, "Fler invånare ska ha en egen försörjning", "Källa: Kolada", role=COUNCILLOR
            )
        case "outcome-import":
            path = reverse("followup:outcome_import", kwargs={"year": YEAR})
            return PageType(path, f"Importera utfall {YEAR}", "Hämta mallen", role=OFFICIAL)
        case "outcome-form":
            path = reverse(
                "followup:outcome_edit", kwargs={"pk": indicator.pk, "period_pk": annual.pk}
            )
            heading = f"Utfall för {indicator.name} i {annual.display_title}"
            return PageType(path, heading, role=OFFICIAL)
        case "geh-year":
            path = reverse("followup:geh_year", kwargs={"year": YEAR})
            heading = f"God ekonomisk hushållning {YEAR}"
            return PageType(path, heading, "delvis uppnådd", role=COUNCILLOR)
        case "geh-period":
            path = reverse("followup:geh_period", kwargs={"pk": demo.interim.pk})
            heading = f"God ekonomisk hushållning – {demo.interim.display_title}"
            return PageType(path, heading, "Årets balanskravsresultat", role=COUNCILLOR)
        case "geh-evaluation-form":
            path = reverse("followup:geh_evaluation_edit", kwargs={"pk": annual.pk})
            heading = f"Bedömning av god ekonomisk hushållning – {annual.display_title}"
            return PageType(path, heading, "Motivering", role=OFFICIAL)
        case "balance-statement-form":
            path = reverse("followup:balance_statement_edit", kwargs={"pk": annual.pk})
            heading = f"Balanskravsutredning – {annual.display_title}"
            return PageType(path, heading, "Medel till resultatutjämningsreserv", role=OFFICIAL)
        case "balance-statement-errors":
            path = reverse("followup:balance_statement_edit", kwargs={"pk": annual.pk})
            heading = f"Balanskravsutredning – {annual.display_title}"
            act = _submit("Spara", result="tolv")
            return PageType(path, heading, "Skriv ett heltal", 400, OFFICIAL, act)
        case "geh-goals-form":
            path = reverse("followup:geh_goals", kwargs={"year": YEAR})
            heading = f"Mål för god ekonomisk hushållning {YEAR}"
            return PageType(path, heading, "Finansiellt mål", role=OFFICIAL)
        case "committee-report":
            path = reverse(
                "followup:committee_report", kwargs={"pk": demo.interim.pk, "slug": bun.slug}
            )
            heading = f"{bun.name} – {demo.interim.display_title}"
            return PageType(path, heading, SCHOOL_GOAL, role=COUNCILLOR)
        case "progress":
            path = reverse("followup:period_progress", kwargs={"pk": demo.interim.pk})
            heading = f"Rapportering: {demo.interim.display_title}"
            return PageType(path, heading, "klar för nämnd", role=OFFICIAL)
        case "audit":
            path = reverse("followup:period_audit", kwargs={"pk": demo.interim.pk})
            heading = f"Granskning: {demo.interim.display_title}"
            return PageType(path, heading, "Mål utan nyckeltal", role=AUDITOR)
        case "start-auditor":
            return PageType("/", f"Så går det för kommunen {YEAR}", "Granskning", role=AUDITOR)
        case "period-close":
            path = reverse("followup:period_action", kwargs={"pk": annual.pk}) + "?action=close"
            heading = f"Stäng {annual.display_title}"
            return PageType(path, heading, "obedömda", role=OFFICIAL)
        case "plan-step":
            path = reverse(
                "goals:operational_plan_step",
                kwargs={"year": YEAR, "slug": bun.slug, "step": "klar"},
            )
            heading = f"Markera verksamhetsplanen för {bun.name} klar för nämnd"
            return PageType(path, heading, "Vad som händer", role=SECRETARY)
        case "agenda-index":
            path = reverse("followup:global_goal_index", kwargs={"year": YEAR})
            return PageType(path, f"Agenda 2030 {YEAR}", "5. Jämställdhet", role=COUNCILLOR)
        case "agenda-goal":
            path = reverse("followup:global_goal", kwargs={"year": YEAR, "number": 8})
            heading = "Globalt mål 8: Anständiga arbetsvillkor och ekonomisk tillväxt"
            return PageType(
                path, heading, "Fler invånare ska ha en egen försörjning", role=COUNCILLOR
            )
        case "agenda-red-thread":
            path = demo.red_thread(global_goal=13)
            return PageType(
                path, f"Röd tråd {YEAR}", "Kommunens klimatpåverkan ska minska", role=COUNCILLOR
            )
        case "agenda-node-links":
            node = demo.node(MUNICIPAL_GOAL)
            path = reverse("followup:node_global_goals", kwargs={"pk": node.pk})
            heading = f"Globala mål för ”{node.title}”"
            return PageType(path, heading, "16. Fredliga och inkluderande samhällen", role=OFFICIAL)
        case "agenda-node-links-refused":
            node = demo.node(ACTIVITY)
            path = reverse("followup:node_global_goals", kwargs={"pk": node.pk})
            heading = f"Globala mål för ”{node.title}”"
            return PageType(path, heading, "Endast kommunövergripande mål", role=OFFICIAL)
        case "agenda-indicator-links":
            path = reverse("followup:indicator_global_goals", kwargs={"pk": indicator.pk})
            heading = f"Globala mål för ”{indicator.name}”"
            return PageType(path, heading, "4. God utbildning för alla", role=OFFICIAL)
        case "forbidden":
            return PageType(
                reverse("goals:user_list"), "Inte tillåtet", status=403, role=COUNCILLOR
            )
    from tests.browser.assignment_pages import assignment_page_type

    return assignment_page_type(name, demo, bun, annual)


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
    "red-thread-links",
    "node-supported",
    "not-found",
    "accessibility-statement",
]

# The pages of the logged-in roles, and the login pages.
LOGGED_IN_PAGE_TYPES = [
    "login",
    "login-wrong-password",
    "password-reset",
    "start-secretary",
    "start-official",
    "start-auditor",
    "progress",
    "audit",
    "period-close",
    "plan-step",
    "operational-plan-secretary",
    "operational-plan-councillor",
    "entry-open",
    "entry-closed",
    "node-logged-in",
    "node-add",
    "node-edit",
    "node-edit-errors",
    "node-edit-conflict",
    "node-delete",
    "node-move",
    "node-links",
    "node-links-errors",
    "plan-years",
    "period-form",
    "committees",
    "committee-form",
    "users",
    "user-form",
    "overview",
    "report",
    "search",
    "search-error",
    "kolada-upload",
    "indicator-form",
    "indicator-add-kolada",
    "node-kolada-comparison",
    "outcome-import",
    "outcome-form",
    "geh-year",
    "geh-period",
    "geh-evaluation-form",
    "balance-statement-form",
    "balance-statement-errors",
    "geh-goals-form",
    "committee-report",
    "agenda-index",
    "agenda-goal",
    "agenda-red-thread",
    "agenda-node-links",
    "agenda-node-links-refused",
    "agenda-indicator-links",
    "forbidden",
    "assignments",
    "assignments-committee",
    "assignment-add",
    "assignment-add-errors",
    "assignment-edit",
    "assignment-delete",
    "assignment-followup",
]
PAGE_TYPES += LOGGED_IN_PAGE_TYPES

# Every stylesheet the page links to has loaded: a missing one would let the
# colour-contrast and reflow checks pass on an unstyled page.
_STYLESHEETS_LOADED = """() => {
    const linked = document.querySelectorAll('link[rel="stylesheet"]').length;
    const loaded = [...document.styleSheets].filter(sheet => sheet.cssRules.length > 0).length;
    return linked > 0 && loaded === linked;
}"""
