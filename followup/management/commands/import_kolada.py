from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from followup import kolada, koladafetch, koladafiles


class Command(BaseCommand):
    help = (
        "Import from Kolada API v3 responses: saved files (JSON, or a zip of them) or "
        "addresses (whose next pages are followed), or with --fetch every KPI indicators "
        "name, for the municipality and its comparison set, from the API itself (meant "
        "for a nightly cron). Totals for KOLADA_MUNICIPALITY_ID become the outcomes of the "
        "annual report period of the plan year of the same year; every gender of the "
        "comparison set is kept beside them. KPI and area lists among the files refresh "
        "the lists. Nothing is imported if any page is malformed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "sources",
            nargs="*",
            metavar="FILE_OR_URL",
            help="a saved JSON response or zip of them, or an http(s) address of the Kolada API",
        )
        parser.add_argument(
            "--fetch",
            action="store_true",
            help="fetch every linked KPI's values from KOLADA_API_URL",
        )
        parser.add_argument(
            "--lists",
            action="store_true",
            help="with --fetch, also refresh Kolada's KPI list, municipalities and groups",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="report what would be imported, and import nothing",
        )

    def handle(self, *args, sources: list[str], fetch: bool, lists: bool, dry_run, **options):
        if not sources and not fetch:
            raise CommandError(_("Name a file or address, or fetch with --fetch."))
        try:
            pages: list[object] = []
            client = koladafetch.Client()
            budget = koladafiles.Budget()
            if fetch and lists:
                pages += koladafetch.fetch_lists(client)
            for source in sources:
                if source.startswith(("http://", "https://")):
                    pages += client.pages(source) if fetch else kolada.fetch_pages(source)
                else:
                    pages += _read_file(source, budget)
            if fetch:
                pages += koladafetch.fetch_values(client)
            report = koladafiles.pages_import(pages=pages, dry_run=dry_run)
        except kolada.KoladaError as error:
            raise CommandError("\n".join([_("Nothing was imported."), *error.messages])) from None
        self._write_lists(report)
        self._write_report(report.values)

    def _write_lists(self, report: koladafiles.PagesReport) -> None:
        for label, counts in ((_("KPIs"), report.kpis), (_("Areas"), report.areas)):
            if counts.read:
                self.stdout.write(
                    _("%(what)s: new %(created)s, changed %(updated)s, unchanged %(unchanged)s.")
                    % {
                        "what": label,
                        "created": counts.created,
                        "updated": counts.updated,
                        "unchanged": counts.unchanged,
                    }
                )

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
        if report.compared:
            write(_("Comparison values kept: %(count)s.") % {"count": report.compared})
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


def _read_file(name: str, budget: koladafiles.Budget) -> list[object]:
    path = Path(name)
    try:
        with path.open("rb") as file:
            content = file.read(koladafiles.MAX_ZIP_BYTES + 1)
    except OSError as error:
        raise kolada.KoladaError(
            [_("%(file)s could not be read: %(reason)s") % {"file": name, "reason": error.strerror}]
        ) from None
    return koladafiles.pages_of(name, content, budget)
