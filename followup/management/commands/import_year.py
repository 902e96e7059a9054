from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from followup.backup import BackupError, read_backup_file, year_import


class Command(BaseCommand):
    help = (
        "Restore a plan year written by export_year into this database, all or nothing. "
        "The year must not exist here; committees are created, or reused when one with the "
        "same name and slug exists; users are matched by user name or created inactive."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The JSON file written by export_year.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and the import completely, then roll everything back.",
        )
        parser.add_argument(
            "--grant-memberships",
            action="store_true",
            help=(
                "Make existing users of the same user name members (secretaries) of the "
                "committees the import creates, as the file lists them. Without it they are "
                "listed and left out."
            ),
        )

    def handle(self, *args, file: str, dry_run: bool, grant_memberships: bool, **options) -> None:
        try:
            result = year_import(
                data=read_backup_file(file), dry_run=dry_run, grant_memberships=grant_memberships
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        counts = result.counts
        summary = _(
            "Plan year %(year)s: %(nodes)s nodes, %(periods)s periods, %(assessments)s "
            "assessments, %(indicators)s indicators, %(outcomes)s outcomes and "
            "%(history)s history records."
        ) % {
            "year": result.plan_year.year,
            "nodes": counts["nodes"],
            "periods": counts["periods"],
            "assessments": counts["assessments"],
            "indicators": counts["indicators"],
            "outcomes": counts["outcomes"],
            "history": result.history_records,
        }
        lines = [summary]
        for label, names in (
            (_("New committees"), result.committees_created),
            (_("Existing committees used as they are"), result.committees_reused),
            (_("Existing users matched"), result.users_matched),
            (_("Users created, inactive and without a password"), result.users_created),
            (_("Committee memberships granted"), result.memberships_granted),
            (
                _("Memberships not granted to existing users (see --grant-memberships)"),
                result.memberships_withheld,
            ),
        ):
            if names:
                lines.append(f"{label}: {', '.join(names)}")
        if dry_run:
            lines.append(_("Dry run: everything was checked and nothing was saved."))
            self.stdout.write("\n".join(lines))
        else:
            lines[0] = _("Imported. %(summary)s") % {"summary": summary}
            self.stdout.write(self.style.SUCCESS("\n".join(lines)))
