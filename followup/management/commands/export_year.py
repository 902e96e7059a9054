import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from followup.backup import BackupError, year_export


class Command(BaseCommand):
    help = (
        "Write one plan year (tree, follow-up, indicators, committees and all their history) "
        "as JSON, to a file or to standard output. Restore it with import_year."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help="The plan year, e.g. 2026.")
        parser.add_argument(
            "--output", "-o", default=None, help="File to write (default: standard output)."
        )

    def handle(self, *args, year: int, output: str | None, **options) -> None:
        try:
            data = year_export(year=year)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if output is None:
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        target = Path(output)
        # Written beside the target and renamed into place, so an interrupted
        # export never leaves half a file where a whole one was.
        try:
            descriptor, temporary = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
            )
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except OSError as error:
            raise CommandError(
                _("The file %(path)s could not be written: %(error)s")
                % {"path": output, "error": error.strerror or error}
            ) from None
        self.stderr.write(
            _("Plan year %(year)s written to %(path)s (%(size)s bytes).")
            % {"year": year, "path": output, "size": len(data)}
        )
