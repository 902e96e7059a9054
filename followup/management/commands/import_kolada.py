from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from followup import kolada


class Command(BaseCommand):
    help = (
        "Import indicator outcomes from Kolada API v3 data responses: saved files or "
        "addresses (whose next pages are followed). Totals for KOLADA_MUNICIPALITY_ID "
        "become the outcomes of the annual report period of the plan year of the same "
        "year. Nothing is imported if any page is malformed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "sources",
            nargs="+",
            metavar="FILE_OR_URL",
            help="a saved JSON response, or an http(s) address of the Kolada API",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="report what would be imported, and import nothing",
        )

    def handle(self, *args, sources: list[str], dry_run: bool, **options) -> None:
        try:
            pages: list[object] = []
            for source in sources:
                if source.startswith(("http://", "https://")):
                    pages += kolada.fetch_pages(source)
                else:
                    pages.append(_read_file(source))
            report = kolada.kolada_import(pages=pages, dry_run=dry_run)
        except kolada.KoladaError as error:
            raise CommandError("\n".join([_("Nothing was imported."), *error.messages])) from None
        self._write_report(report)

    def _write_report(self, report: kolada.KoladaReport) -> None:
        write = self.stdout.write
        write(
            _("Read %(pages)s page(s) with %(values)s values; municipality %(municipality)s.")
            % {"pages": report.pages, "values": report.values, "municipality": report.municipality}
        )
        for warning in report.warnings:
            write(self.style.WARNING(warning))
        for outcome in report.outcomes:
            previous = (
                _(" (before: %(value)s)") % {"value": outcome.previous}
                if outcome.previous is not None and outcome.previous != outcome.value
                else ""
            )
            write(
                f"  {outcome.kpi} {outcome.year} · {outcome.indicator_name} "
                f"({outcome.node_title}): {outcome.value}{previous} [{outcome.action_label}]"
            )
        for skipped in report.skipped_in_order():
            examples = ", ".join(
                f"{value.kpi} {value.municipality} {value.year}" for value in skipped.examples[:5]
            )
            write(
                _("  skipped, %(reason)s: %(count)s (%(examples)s)")
                % {"reason": skipped.label, "count": skipped.count, "examples": examples}
            )
        summary = _(
            "new: %(created)s, changed: %(updated)s, unchanged: %(unchanged)s, "
            "skipped: %(skipped)s."
        ) % {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "skipped": report.skipped_total,
        }
        if report.dry_run:
            write(
                self.style.WARNING(
                    _("Dry run, nothing was saved: %(summary)s") % {"summary": summary}
                )
            )
        else:
            write(self.style.SUCCESS(_("Imported: %(summary)s") % {"summary": summary}))


def _read_file(name: str) -> object:
    path = Path(name)
    try:
        with path.open("rb") as file:
            content = file.read(kolada.MAX_BYTES + 1)
    except OSError as error:
        raise kolada.KoladaError(
            [_("%(file)s could not be read: %(reason)s") % {"file": name, "reason": error.strerror}]
        ) from None
    return kolada.decode_page(content, source=name)
