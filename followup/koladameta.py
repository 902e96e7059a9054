"""Kolada's lists: its key figures (`kpi`) and the areas it gives figures for
(`municipality`, `municipality_groups`, `ou`), read from saved API v3 responses
or fetched, and kept up to date in `KoladaKpi` and `KoladaArea`.

A `kpi` page of Kolada's API v3 looks like::

    {"count": 1, "values": [{"id": "N00945", "title": "…, andel (%)",
      "description": "…", "is_divided_by_gender": true, "has_ou_data": false,
      "operating_area": "Arbetsmarknad", "municipality_type": "K", …}],
     "next_url": null}

Importing again refreshes what changed and adds what is new; nothing is
deleted, since an indicator may still name a KPI Kolada has retired. Every
page is checked before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from followup.kolada import read_pages
from followup.koladamodels import AreaKind, KoladaArea, KoladaKpi

KPI_FIELDS = [
    "title",
    "description",
    "unit",
    "is_divided_by_gender",
    "has_ou_data",
    "operating_area",
    "municipality_type",
    "search_text",
]
AREA_FIELDS = ["title", "kind", "municipality"]


class PageKind:
    VALUES = "values"
    KPIS = "kpis"
    AREAS = "areas"


def page_kind(page: object) -> str:
    """Which of Kolada's answers a page is, told from its first entry; a page
    that is none of them is read as values, whose reader says what is wrong."""
    entries = page.get("values") if isinstance(page, dict) else None
    first = entries[0] if isinstance(entries, list) and entries else None
    if not isinstance(first, dict) or "kpi" in first or "title" not in first:
        return PageKind.VALUES
    if "is_divided_by_gender" in first or "operating_area" in first:
        return PageKind.KPIS
    return PageKind.AREAS


@dataclass
class ListReport:
    """How many entries an import of a list added, changed and left as they were."""

    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _text(entry: dict, key: str, limit: int) -> str:
    raw = entry.get(key)
    return raw.strip()[:limit] if isinstance(raw, str) else ""


def _entries(pages: list[object], read_one) -> list:
    return read_pages(
        pages,
        read_one,
        not_a_page=_(
            "Page %(page)s is not a Kolada list: an object with a list “values” was expected."
        ),
        where=_("page %(page)s, entry %(number)s"),
    )


def _entry_id(entry: object, where: str, errors: list[str], limit: int) -> str | None:
    if not isinstance(entry, dict):
        errors.append(_("%(where)s: not an object.") % {"where": where})
        return None
    raw = entry.get("id")
    if not isinstance(raw, str) or not raw.strip() or len(raw.strip()) > limit:
        errors.append(_("%(where)s: “id” must be a Kolada id.") % {"where": where})
        return None
    if not isinstance(entry.get("title"), str) or not entry["title"].strip():
        errors.append(_("%(where)s: “title” must be a text.") % {"where": where})
        return None
    return raw.strip().upper()


def _read_kpi(entry: object, where: str, errors: list[str]) -> KoladaKpi | None:
    kpi_id = _entry_id(entry, where, errors, 20)
    if kpi_id is None:
        return None
    title = _text(entry, "title", 500)
    kpi = KoladaKpi(
        id=kpi_id,
        title=title,
        description=_text(entry, "description", 20000),
        unit=KoladaKpi.unit_of(title),
        is_divided_by_gender=entry.get("is_divided_by_gender") in (True, 1, "1", "true"),
        has_ou_data=entry.get("has_ou_data") in (True, 1, "1", "true"),
        operating_area=_text(entry, "operating_area", 300),
        municipality_type=_text(entry, "municipality_type", 10),
    )
    kpi.search_text = kpi.searchable()
    return kpi


def _read_area(entry: object, where: str, errors: list[str]) -> KoladaArea | None:
    area_id = _entry_id(entry, where, errors, 30)
    if area_id is None:
        return None
    municipality = _text(entry, "municipality", 4)
    if municipality:
        kind = AreaKind.UNIT
    elif "members" in entry or area_id.startswith("G"):
        kind = AreaKind.GROUP
    elif _text(entry, "type", 2).upper() == AreaKind.REGION:
        kind = AreaKind.REGION
    else:
        kind = AreaKind.MUNICIPALITY
    return KoladaArea(
        id=area_id, title=_text(entry, "title", 300), kind=kind, municipality=municipality
    )


def _save(model, read: list, fields: list[str]) -> ListReport:
    """Add the new rows and change the changed ones, in a constant number of queries."""
    by_id = {item.pk: item for item in read}  # a later page wins
    report = ListReport(read=len(read))
    with transaction.atomic():
        existing = model.objects.select_for_update().in_bulk(list(by_id))
        to_create, to_update = [], []
        for pk, item in by_id.items():
            old = existing.get(pk)
            if old is None:
                to_create.append(item)
            elif any(getattr(old, name) != getattr(item, name) for name in fields):
                to_update.append(item)
            else:
                report.unchanged += 1
        model.objects.bulk_create(to_create, batch_size=500)
        if any(field.name == "updated_at" for field in model._meta.fields):
            now = timezone.now()  # bulk_update skips auto_now
            for item in to_update:
                item.updated_at = now
            fields = [*fields, "updated_at"]
        model.objects.bulk_update(to_update, fields, batch_size=500)
    report.created, report.updated = len(to_create), len(to_update)
    return report


def kpi_list_import(*, pages: list[object]) -> ListReport:
    """Store the KPIs of `kpi` pages; raises KoladaError, writing nothing, if any entry is wrong."""
    return _save(KoladaKpi, _entries(pages, _read_kpi), KPI_FIELDS)


def area_list_import(*, pages: list[object]) -> ListReport:
    """Store the areas of `municipality`, `municipality_groups` or `ou` pages."""
    return _save(KoladaArea, _entries(pages, _read_area), AREA_FIELDS)
