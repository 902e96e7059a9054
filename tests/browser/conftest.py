"""Browser tests: Playwright drives Debian's Chromium against the live server.

Playwright cannot fetch a browser of its own on every machine this runs on, so
the suite launches the `chromium` found on PATH (Debian: `apt-get install
chromium fonts-liberation`). Without it the tests skip; with REQUIRE_BROWSER=1,
as in CI, they fail instead, so a missing browser cannot pass unnoticed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.browser.pages import Site, demo_dump

# Playwright's sync API keeps an event loop running in the main thread, and
# Django refuses database calls from such a thread unless told they are safe.
# They are: the loop only drives the browser, and the tests themselves are sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium phones home at start-up, which a closed network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


def _no_browser(reason: str) -> None:
    if _browser_required():
        pytest.fail(f"{reason}, and REQUIRE_BROWSER is set.", pytrace=False)
    pytest.skip(f"{reason}; set REQUIRE_BROWSER=1 to make this a failure.")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The browser tests run last in the whole session: they keep a browser and
    # a live server thread running until it ends, which the rest need not share
    # their process with (the concurrency tests start processes of their own:
    # tests/processes.py).
    items.sort(key=lambda item: "tests/browser/" in item.nodeid)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    executable = shutil.which("chromium")
    if executable is None:
        _no_browser("No `chromium` on PATH (apt-get install chromium fonts-liberation)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("Playwright is not installed (make install)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser) -> Iterator[Callable[..., object]]:
    """Opens a page in a fresh context; keyword arguments go to `new_context`.

    Pages speak Swedish (the Accept-Language a Swedish reader's browser sends),
    on a desktop viewport unless told otherwise."""
    contexts = []

    def open_page(**options):
        options = {"locale": "sv-SE", "viewport": DESKTOP, **options}
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def demo_fixture(django_db_setup, django_db_blocker, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.json"
    with django_db_blocker.unblock():
        demo_dump(path)
    return path


@pytest.fixture
def site(live_server, demo_fixture, settings) -> Site:
    # The reading pages as residents see them where the municipality publishes
    # its follow-up; pages for logged-in roles log in first.
    settings.PUBLIC_ACCESS = True
    settings.DEMO = True  # the demo's accounts log in
    return Site(live_server, demo_fixture)
