"""Fetching from Kolada's API v3 politely, for `import_kolada --fetch` (a nightly
cron) and `import_kolada_lists --fetch`.

Polite means: at most one request every `KOLADA_FETCH_DELAY` seconds, a
User-Agent that names the application, and on an answer of 429 (too many
requests) or 5xx, or a failed connection, up to `KOLADA_FETCH_RETRIES` more
tries after a growing pause (at least a second, doubled each time, or the
server's Retry-After when it gives one, at most a minute).

What is fetched: every KPI an indicator names, for the municipality and its
comparison set, for the years of the plan years those indicators are in; and
for the units indicators take their values from, the same from `ou`. Each
answer's next pages are followed (`next_url`).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.db.models.functions import Trim, Upper
from django.utils.translation import gettext as _

from followup import koladavalues
from followup.indicatormodels import Indicator
from followup.kolada import FETCH_TIMEOUT, MAX_BYTES, KoladaError, fetch_pages

# KPIs asked for in one request: Kolada takes several, comma-separated.
KPIS_PER_REQUEST = 10
MAX_PAUSE = 60.0
RETRIED_STATUSES = {429, 500, 502, 503, 504}


@dataclass
class Client:
    """Reads Kolada's addresses one at a time, waiting and retrying as above."""

    delay: float = field(default_factory=lambda: settings.KOLADA_FETCH_DELAY)
    retries: int = field(default_factory=lambda: settings.KOLADA_FETCH_RETRIES)
    user_agent: str = field(default_factory=lambda: settings.KOLADA_USER_AGENT)
    # The first pause before a retry, in seconds (at least the delay); doubled each time.
    backoff: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    requests: int = 0
    _last: float | None = None

    def get(self, url: str) -> bytes:
        """One answer, at most MAX_BYTES (one byte more shows it is too large)."""
        for attempt in range(self.retries + 1):
            self._wait()
            try:
                return self._once(url)
            except urllib.error.HTTPError as error:
                if error.code not in RETRIED_STATUSES or attempt == self.retries:
                    raise KoladaError(
                        [
                            _("%(url)s answered with HTTP status %(status)s.")
                            % {"url": url, "status": error.code}
                        ]
                    ) from None
                self.sleep(self._pause(attempt, error.headers.get("Retry-After")))
            except (urllib.error.URLError, OSError) as error:
                if attempt == self.retries:
                    reason = getattr(error, "reason", error)
                    raise KoladaError(
                        [
                            _("%(url)s could not be fetched: %(reason)s")
                            % {"url": url, "reason": reason}
                        ]
                    ) from None
                self.sleep(self._pause(attempt, None))
        raise AssertionError("unreachable")  # pragma: no cover

    def pages(self, url: str) -> list[object]:
        """Every page of one answer, following `next_url` (see `kolada.fetch_pages`)."""
        return fetch_pages(url, get=self.get)

    def _once(self, url: str) -> bytes:
        request = urllib.request.Request(
            url, headers={"Accept": "application/json", "User-Agent": self.user_agent}
        )
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
                return response.read(MAX_BYTES + 1)
        finally:
            self._last = self.clock()

    def _wait(self) -> None:
        if self._last is not None and self.delay > 0:
            left = self._last + self.delay - self.clock()
            if left > 0:
                self.sleep(left)

    def _pause(self, attempt: int, retry_after: str | None) -> float:
        if retry_after and retry_after.strip().isdigit():
            return min(float(retry_after.strip()), MAX_PAUSE)
        return min(max(self.delay, self.backoff) * 2**attempt, MAX_PAUSE)


@dataclass(frozen=True)
class Plan:
    """What a fetch asks Kolada for."""

    kpis: tuple[str, ...]
    years: tuple[int, ...]
    areas: tuple[str, ...]
    units: tuple[str, ...]

    def urls(self, base: str) -> list[str]:
        if not self.kpis or not self.years:
            return []
        years = ",".join(str(year) for year in self.years)
        found = []
        for start in range(0, len(self.kpis), KPIS_PER_REQUEST):
            kpis = ",".join(self.kpis[start : start + KPIS_PER_REQUEST])
            found.append(f"{base}data/kpi/{kpis}/municipality/{','.join(self.areas)}/year/{years}")
            if self.units:
                found.append(
                    f"{base}data/kpi/{kpis}/ou/{quote(','.join(self.units), safe=',')}/year/{years}"
                )
        return found


def fetch_plan() -> Plan:
    """Every linked KPI, the years of its plan years, the municipality with its
    comparison set, and the linked units. One query."""
    rows = (
        Indicator.objects.annotate(kpi_key=Upper(Trim("kolada_kpi")))
        .exclude(kpi_key="")
        .values_list("kpi_key", "node__plan_year__year", "kolada_ou")
        .distinct()
    )
    kpis, years, units = set(), set(), set()
    for kpi, year, unit in rows:
        kpis.add(kpi)
        years.add(year)
        if unit.strip():
            units.add(unit.strip().upper())
    areas = [settings.KOLADA_MUNICIPALITY_ID, *koladavalues.comparison_areas()]
    return Plan(
        kpis=tuple(sorted(kpis)),
        years=tuple(sorted(years)),
        areas=tuple(dict.fromkeys(areas)),
        units=tuple(sorted(units)),
    )


def fetch_values(client: Client | None = None, *, base: str | None = None) -> list[object]:
    """Every page of every answer the plan asks for; raises KoladaError on the first failure."""
    client = client or Client()
    pages: list[object] = []
    for url in fetch_plan().urls(base or settings.KOLADA_API_URL):
        pages += client.pages(url)
    return pages


def fetch_lists(client: Client | None = None, *, base: str | None = None) -> list[object]:
    """Kolada's KPI list, municipalities and municipality groups, every page."""
    client = client or Client()
    base = base or settings.KOLADA_API_URL
    pages: list[object] = []
    for name in ("kpi", "municipality", "municipality_groups"):
        pages += client.pages(base + name)
    return pages
