"""Indicator outcomes from Kolada, the municipalities' open key-figure database.

Kolada's API v3 answers a data query with pages such as::

    {"count": 1,
     "values": [{"kpi": "N15033", "municipality": "2282", "period": 2025,
                 "values": [{"gender": "T", "value": 81.2, "count": 1}]}],
     "next_page": "https://api.kolada.se/v3/data/...?page=2"}

`kolada_import()` stores each value's total (gender ``T``) as the outcome of
every indicator with that KPI id in the plan year whose year is the value's
``period``, in that year's annual report period, with the source "Kolada".
Only values for `settings.KOLADA_MUNICIPALITY_ID` are used.

Everything is read and checked before anything is written: a page that is not
JSON, has the wrong shape or holds a value that is not a number imports
nothing. What cannot be matched is skipped and reported with its reason.

A closed period is not changed by an import, just as its assessments cannot be
changed: its values are skipped and reported. Reopen the period to import into
it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Trim, Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from followup import koladavalues
from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.indicators import outcomes_bulk_save
from followup.jsonfile import read_json
from followup.koladareport import (
    ImportedOutcome,
    KoladaReport,
    KoladaValue,
    OutcomeAction,
    SkipReason,
)
from followup.models import Period, PeriodKind
from goals import rules
from goals.models import PlanYear

SOURCE = "Kolada"
# A page, uploaded or fetched, is at most this large.
MAX_BYTES = 5 * 1024 * 1024
# A fetch follows at most this many pages; a larger query should be narrowed.
MAX_PAGES = 20
FETCH_TIMEOUT = 30  # seconds per page
# Errors listed for a malformed page before the rest are only counted.
MAX_ERRORS = 10
TOTAL = "T"
GENDERS = ("T", "K", "M")
# The outcome's DecimalField: 14 digits, 3 of them decimals.
QUANTUM = Decimal("0.001")
LIMIT = Decimal("1e11")


class KoladaError(Exception):
    """The data could not be read, so nothing was imported. The messages are for people."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


# --- reading -----------------------------------------------------------------


def decode_page(content: bytes, *, source: str) -> object:
    """The JSON document of one page; raises KoladaError if it is not one (jsonfile.py)."""
    try:
        # Decimals, not floats: 0.1 stays 0.1.
        return read_json(content, source=source, max_bytes=MAX_BYTES, decimals=True)
    except ValidationError as error:
        raise KoladaError(error.messages) from None


def next_link(page: object) -> str | None:
    """The address of the page after this one, if the page names one."""
    if not isinstance(page, dict):
        return None
    link = page.get("next_url") or page.get("next_page")
    return link if isinstance(link, str) and link.strip() else None


def _number(raw: object) -> Decimal | None:
    """A JSON number as a Decimal, or None if it is not one (booleans are not numbers)."""
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
        return None
    return Decimal(raw)


def read_values(pages: list[object]) -> list[KoladaValue]:
    """Every value of every page, checked; raises KoladaError listing what is wrong."""
    return read_pages(
        pages,
        _read_value,
        not_a_page=_(
            "Page %(page)s is not a Kolada data response: an object with a list "
            "“values” was expected."
        ),
        where=_("page %(page)s, value %(number)s"),
    )


def read_pages[T](
    pages: list[object],
    read_one: Callable[[object, str, list[str]], T | None],
    *,
    not_a_page: str,
    where: str,
) -> list[T]:
    """Each entry in the list "values" of each of Kolada's pages, read by
    `read_one`, which is told where the entry stands and adds what is wrong to
    the errors (answering None). Raises KoladaError listing the first
    MAX_ERRORS errors.

    `not_a_page` names a page that is not such an object (with %(page)s) and
    `where` an entry (with %(page)s and %(number)s).
    """
    errors: list[str] = []
    found: list[T] = []
    for page_number, page in enumerate(pages, start=1):
        if not isinstance(page, dict) or not isinstance(page.get("values"), list):
            errors.append(not_a_page % {"page": page_number})
            continue
        for number, entry in enumerate(page["values"], start=1):
            item = read_one(entry, where % {"page": page_number, "number": number}, errors)
            if item is not None:
                found.append(item)
    if errors:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append(_("… and %(count)s more errors.") % {"count": len(errors) - MAX_ERRORS})
        raise KoladaError(shown)
    return found


def _read_value(entry: object, where: str, errors: list[str]) -> KoladaValue | None:
    if not isinstance(entry, dict):
        errors.append(_("%(where)s: not an object.") % {"where": where})
        return None
    before = len(errors)
    kpi = entry.get("kpi")
    if not isinstance(kpi, str) or not kpi.strip() or len(kpi.strip()) > 20:
        errors.append(_("%(where)s: “kpi” must be a KPI id such as N00914.") % {"where": where})
    # A unit's values (`data/kpi/…/ou/…`) name the unit instead of a municipality.
    is_unit = "ou" in entry and "municipality" not in entry
    municipality = entry.get("ou" if is_unit else "municipality")
    if not isinstance(municipality, str) or not municipality.strip() or len(municipality) > 30:
        errors.append(
            _("%(where)s: “municipality” must be a municipality id such as 2282.")
            % {"where": where}
        )
    year = entry.get("period")
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year)
    if isinstance(year, bool) or not isinstance(year, int) or not rules.is_plan_year(year):
        errors.append(_("%(where)s: “period” must be a year such as 2025.") % {"where": where})
    genders = entry.get("values")
    has_total, total = False, None
    by_gender: dict[str, Decimal | None] = {}
    if not isinstance(genders, list):
        errors.append(_("%(where)s: “values” must be a list.") % {"where": where})
        genders = []
    for item in genders:
        if not isinstance(item, dict) or not isinstance(item.get("gender"), str):
            errors.append(
                _("%(where)s: each of “values” must be an object with a “gender”.")
                % {"where": where}
            )
            continue
        raw = item.get("value")
        number = None if raw is None else _number(raw)
        if raw is not None and number is None:
            errors.append(
                _("%(where)s: the value %(value)s is not a number.")
                % {"where": where, "value": json.dumps(raw, ensure_ascii=False, default=str)}
            )
            continue
        if number is not None and abs(number) < LIMIT:
            number = number.quantize(QUANTUM, rounding=ROUND_HALF_UP)
        if number is not None and abs(number) >= LIMIT:
            errors.append(
                _("%(where)s: the value %(value)s is too large.") % {"where": where, "value": raw}
            )
            continue
        gender = item["gender"].strip().upper()
        if gender in GENDERS:
            by_gender.setdefault(gender, number)
        if gender == TOTAL and not has_total:
            has_total, total = True, number
    if len(errors) > before:
        return None
    return KoladaValue(
        kpi=kpi.strip().upper(),
        municipality=municipality.strip(),
        year=year,
        has_total=has_total,
        total=total,
        genders=tuple(by_gender.items()),
        is_unit=is_unit,
    )


# --- fetching ----------------------------------------------------------------


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise KoladaError([_("%(url)s is not an http or https address.") % {"url": url}])


def fetch(url: str) -> bytes:
    """One page from the address, at most MAX_BYTES (one byte more shows it is too large)."""
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "kramfors-styr"}
    )
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            return response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise KoladaError(
            [
                _("%(url)s answered with HTTP status %(status)s.")
                % {"url": url, "status": error.code}
            ]
        ) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise KoladaError(
            [_("%(url)s could not be fetched: %(reason)s") % {"url": url, "reason": reason}]
        ) from None


def fetch_pages(url: str, *, max_pages: int = MAX_PAGES, get=None) -> list[object]:
    """Every page of a Kolada answer, following its next-page links until there is none.

    The links must stay on the first address's server; a loop or more than
    `max_pages` pages is refused. `get` reads one address (by default `fetch`).
    """
    _check_url(url)
    server = urlsplit(url).netloc
    pages: list[object] = []
    seen: set[str] = set()
    address: str | None = url
    while address:
        if address in seen:
            raise KoladaError([_("%(url)s leads back to a page already read.") % {"url": address}])
        if len(pages) >= max_pages:
            raise KoladaError(
                [
                    _("The answer has more than %(count)s pages; ask Kolada for less at a time.")
                    % {"count": max_pages}
                ]
            )
        seen.add(address)
        page = decode_page((get or fetch)(address), source=address)
        pages.append(page)
        link = next_link(page)
        address = urljoin(address, link) if link else None
        if address:
            _check_url(address)
            if urlsplit(address).netloc != server:
                raise KoladaError(
                    [
                        _("The next page, %(url)s, is on another server; it was not fetched.")
                        % {"url": address}
                    ]
                )
    return pages


# --- importing ---------------------------------------------------------------


def kolada_import(
    *,
    pages: Iterable[object],
    user=None,
    dry_run: bool = False,
) -> KoladaReport:
    """Store the totals of the pages' values as indicator outcomes; report what was
    done and what was skipped, and why.

    `pages` are decoded JSON documents (see `decode_page`, `fetch_pages`). All of
    them are checked first; a KoladaError means nothing was written. With
    `dry_run` the report tells what an import would do and nothing is written.
    A constant number of queries, whatever the number of values.
    """
    pages = list(pages)
    values = read_values(pages)
    report = _report_for(pages, values, dry_run=dry_run)
    if not values:
        return report
    with transaction.atomic():
        linked = koladavalues.linked_to({value.kpi for value in values})
        ours = _ours(values, report, linked)
        koladavalues.values_store(values, linked=linked, report=report, dry_run=dry_run)
        if not ours:
            return report
        targets = _targets_of(ours)
        to_create, to_update = _outcomes_matched(ours, targets, report, user)
        if not dry_run:
            outcomes_bulk_save(to_create, to_update, user=user, reason=SOURCE)
    return report


def _report_for(pages: list[object], values: list[KoladaValue], *, dry_run: bool) -> KoladaReport:
    """An empty report, warning if the last page names a further page not read."""
    report = KoladaReport(
        municipality=settings.KOLADA_MUNICIPALITY_ID, dry_run=dry_run, pages=len(pages)
    )
    report.values = len(values)
    last_link = next_link(pages[-1]) if pages else None
    if last_link:
        report.warnings.append(
            _(
                "The last page refers to a further page (%(url)s) that was not read; "
                "its values were not imported."
            )
            % {"url": last_link}
        )
    return report


def _ours(
    values: list[KoladaValue], report: KoladaReport, linked: koladavalues.Linked
) -> list[KoladaValue]:
    """The values of this municipality and of the units indicators take, each KPI,
    area and year once; the comparison set's values are kept apart, the rest skipped."""
    compared = set(koladavalues.comparison_areas())
    ours: list[KoladaValue] = []
    seen: set[tuple[str, str, int]] = set()
    for value in values:
        key = (value.kpi, value.municipality, value.year)
        own = (
            value.municipality in linked.units
            if value.is_unit
            else (value.municipality == report.municipality)
        )
        if not own:
            if value.is_unit or value.municipality not in compared:
                report.skip(value, SkipReason.OTHER_MUNICIPALITY)
        elif key in seen:
            report.skip(value, SkipReason.DUPLICATE)
        else:
            seen.add(key)
            ours.append(value)
    return ours


@dataclass
class _Targets:
    """What the values can land on, read in a constant number of queries."""

    known_kpis: set[str]
    plan_years: set[int]
    by_kpi_and_year: dict[tuple[str, int], list[dict]]
    annual: dict[int, Period]  # year -> its (latest) annual report period, locked
    existing: dict[tuple[int, int], IndicatorOutcome]  # (indicator, period) -> outcome


def _targets_of(ours: list[KoladaValue]) -> _Targets:
    kpis = {value.kpi for value in ours}
    years = {value.year for value in ours}
    indicators = list(
        Indicator.objects.annotate(kpi_key=Upper(Trim("kolada_kpi")))
        .filter(kpi_key__in=kpis)
        .values(
            "pk", "name", "kpi_key", "kolada_ou", "node_id", "node__title", "node__plan_year__year"
        )
        .order_by("node__plan_year__year", "node__tree_id", "node__lft", "order", "pk")
    )
    by_kpi_and_year: dict[tuple[str, int], list[dict]] = {}
    for indicator in indicators:
        key = (indicator["kpi_key"], indicator["node__plan_year__year"])
        by_kpi_and_year.setdefault(key, []).append(indicator)
    plan_years = set(PlanYear.objects.filter(year__in=years).values_list("year", flat=True))
    # Locked like a save of assessments: a period cannot close halfway through.
    annual: dict[int, Period] = {}
    for period in (
        Period.objects.locked()
        .filter(plan_year__year__in=years, kind=PeriodKind.ANNUAL)
        .annotate(year=models.F("plan_year__year"))
        .order_by("cutoff_date")
    ):
        annual[period.year] = period  # the latest annual period of a year, if several
    existing = {
        (outcome.indicator_id, outcome.period_id): outcome
        for outcome in IndicatorOutcome.objects.select_for_update().filter(
            indicator_id__in=[indicator["pk"] for indicator in indicators],
            period_id__in=[period.pk for period in annual.values()],
        )
    }
    return _Targets(
        known_kpis={indicator["kpi_key"] for indicator in indicators},
        plan_years=plan_years,
        by_kpi_and_year=by_kpi_and_year,
        annual=annual,
        existing=existing,
    )


def _outcomes_matched(
    ours: list[KoladaValue], targets: _Targets, report: KoladaReport, user
) -> tuple[list[IndicatorOutcome], list[IndicatorOutcome]]:
    """The outcomes to create and to change, each also entered in the report."""
    now = timezone.now()
    to_create: list[IndicatorOutcome] = []
    to_update: list[IndicatorOutcome] = []
    for value in ours:
        reason = _reason(value, targets)
        if reason:
            report.skip(value, reason)
            continue
        period = targets.annual[value.year]
        unit = value.municipality if value.is_unit else ""
        for indicator in targets.by_kpi_and_year[(value.kpi, value.year)]:
            if indicator["kolada_ou"].strip().upper() != unit:
                continue  # the indicator takes a unit's value, or another unit's
            outcome = targets.existing.get((indicator["pk"], period.pk))
            previous = outcome.value if outcome else None
            if outcome is None:
                action = OutcomeAction.CREATED
                to_create.append(
                    IndicatorOutcome(
                        indicator_id=indicator["pk"],
                        period=period,
                        value=value.total,
                        source=SOURCE,
                        updated_by=user,
                        updated_at=now,
                    )
                )
            elif outcome.value == value.total and outcome.source == SOURCE:
                action = OutcomeAction.UNCHANGED
            else:
                action = OutcomeAction.UPDATED
                _outcome_change(outcome, value.total, user, now)
                to_update.append(outcome)
            report.outcomes.append(_imported(indicator, value, previous, action))
    return to_create, to_update


def _outcome_change(outcome: IndicatorOutcome, total: Decimal | None, user, now) -> None:
    outcome.value = total
    outcome.source = SOURCE
    outcome.updated_by = user
    outcome.updated_at = now
    outcome.version += 1


def _imported(
    indicator: dict, value: KoladaValue, previous: Decimal | None, action: str
) -> ImportedOutcome:
    return ImportedOutcome(
        indicator_id=indicator["pk"],
        indicator_name=indicator["name"],
        node_id=indicator["node_id"],
        node_title=indicator["node__title"],
        kpi=value.kpi,
        year=value.year,
        value=value.total,
        previous=previous,
        action=action,
    )


def _reason(value: KoladaValue, targets: _Targets) -> str | None:
    """Why the value cannot be imported, or None if it can."""
    if value.kpi not in targets.known_kpis:
        return SkipReason.UNKNOWN_KPI
    if value.year not in targets.plan_years:
        return SkipReason.NO_PLAN_YEAR
    if (value.kpi, value.year) not in targets.by_kpi_and_year:
        return SkipReason.NOT_IN_PLAN_YEAR
    if value.year not in targets.annual:
        return SkipReason.NO_ANNUAL_PERIOD
    if targets.annual[value.year].is_closed:
        return SkipReason.PERIOD_CLOSED
    if not value.has_total:
        return SkipReason.NO_TOTAL
    if value.total is None:
        return SkipReason.NO_VALUE
    return None
