from django.core.management.base import BaseCommand, CommandParser

from followup.demo import demo_load, demo_year


class Command(BaseCommand):
    help = "Load an example plan year for Kramfors kommun; running it again duplicates nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, default=None, help="Plan year to load (default: this year)."
        )

    def handle(self, *args, year: int | None, **options) -> None:
        result = demo_load(year=year or demo_year())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo plan year {result.plan_year.year}: {result.created_nodes} nodes and "
                f"{result.created_assessments} assessments created."
            )
        )
        if result.users:
            self.stdout.write("Demo users (password: demo): " + ", ".join(result.users))
