"""Saved Kolada answers as people hand them over: several JSON files, or a zip of
them, each page checked by the hardened JSON reader; and the import of a mixed
set of pages (KPI list, area lists and values) as one transaction.

A zip is opened with limits, so a zip bomb is refused before it is unpacked:
at most `MAX_MEMBERS` files, none larger than a page may be (`kolada.MAX_BYTES`),
at most `MAX_UNPACKED` bytes in all, over every file of one upload. The sizes
the zip declares are checked first, and each member is read with a limit,
since a zip can lie about them.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from followup import kolada, koladameta
from followup.koladareport import KoladaReport

MAX_MEMBERS = 200
MAX_UNPACKED = 50 * 1024 * 1024
MAX_ZIP_BYTES = 20 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"


class Budget:
    """The bytes of JSON one upload may unpack and read, over all its files."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = MAX_UNPACKED if limit is None else limit
        self.left = self.limit

    def take(self, size: int, name: str) -> None:
        self.left -= size
        if self.left < 0:
            raise _too_large(name, self.limit)


def pages_of(name: str, content: bytes, budget: Budget | None = None) -> list[object]:
    """The pages of one file: a JSON page, or every .json page of a zip. With a
    `budget`, the pages of several files together stay within its limit."""
    budget = budget or Budget()
    if content.startswith(ZIP_MAGIC) or name.lower().endswith(".zip"):
        return _zip_pages(name, content, budget)
    budget.take(len(content), name)
    return [kolada.decode_page(content, source=name)]


def _zip_pages(name: str, content: bytes, budget: Budget) -> list[object]:
    if len(content) > MAX_ZIP_BYTES:
        raise kolada.KoladaError(
            [
                _("%(file)s is larger than %(limit)s MB.")
                % {"file": name, "limit": MAX_ZIP_BYTES // (1024 * 1024)}
            ]
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        raise kolada.KoladaError([_("%(file)s is not a zip file.") % {"file": name}]) from None
    _check_members(name, members)
    if sum(info.file_size for info in members) > budget.left:
        raise _too_large(name, budget.limit)
    pages = []
    for info in members:
        source = f"{name}: {info.filename}"
        try:
            with archive.open(info) as member:
                data = member.read(kolada.MAX_BYTES + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
            raise kolada.KoladaError(
                [_("%(file)s could not be unpacked.") % {"file": source}]
            ) from None
        budget.take(len(data), name)
        pages.append(kolada.decode_page(data, source=source))
    return pages


def _check_members(name: str, members: list[zipfile.ZipInfo]) -> None:
    if not members:
        raise kolada.KoladaError([_("%(file)s holds no files.") % {"file": name}])
    if len(members) > MAX_MEMBERS:
        raise kolada.KoladaError(
            [
                _("%(file)s holds %(count)s files; at most %(limit)s can be imported at once.")
                % {"file": name, "count": len(members), "limit": MAX_MEMBERS}
            ]
        )
    for info in members:
        if not info.filename.lower().endswith(".json"):
            raise kolada.KoladaError(
                [
                    _("%(file)s holds %(member)s, which is not a JSON file.")
                    % {"file": name, "member": info.filename}
                ]
            )


def _too_large(name: str, limit: int) -> kolada.KoladaError:
    return kolada.KoladaError(
        [
            _("%(file)s unpacks to more than %(limit)s MB.")
            % {"file": name, "limit": limit // (1024 * 1024)}
        ]
    )


@dataclass
class PagesReport:
    """What an import of mixed pages did: the lists, and the values."""

    values: KoladaReport
    kpis: koladameta.ListReport = field(default_factory=koladameta.ListReport)
    areas: koladameta.ListReport = field(default_factory=koladameta.ListReport)


def pages_import(*, pages: list[object], user=None, dry_run: bool = False) -> PagesReport:
    """Import each page as what it is (KPI list, area list, values), all or nothing."""
    kind = koladameta.PageKind
    by_kind: dict[str, list[object]] = {kind.VALUES: [], kind.KPIS: [], kind.AREAS: []}
    for page in pages:
        by_kind[koladameta.page_kind(page)].append(page)
    with transaction.atomic():
        report = PagesReport(
            values=kolada.kolada_import(pages=by_kind[kind.VALUES], user=user, dry_run=dry_run)
        )
        if by_kind[kind.KPIS]:
            report.kpis = koladameta.kpi_list_import(pages=by_kind[kind.KPIS])
        if by_kind[kind.AREAS]:
            report.areas = koladameta.area_list_import(pages=by_kind[kind.AREAS])
        if dry_run:
            transaction.set_rollback(True)
    return report
