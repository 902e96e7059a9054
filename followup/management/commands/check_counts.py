from django.core.management.base import BaseCommand, CommandError, CommandParser

from followup import counts
from goals.models import PlanYear


class Command(BaseCommand):
    help = (
        "Compare every plan year's roll-up counts (the statuses below each goal) with a "
        "fresh count from the tree and the assessments. With --repair, count afresh."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repair", action="store_true", help="Rebuild counts that differ.")
        parser.add_argument("--year", type=int, help="Only this plan year.")

    def handle(self, *args, repair: bool, year: int | None, **options) -> None:
        plan_years = PlanYear.objects.order_by("year")
        if year is not None:
            plan_years = plan_years.filter(year=year)
            if not plan_years.exists():
                raise CommandError(f"No plan year {year}.")
        wrong = 0
        for plan_year in plan_years:
            problems = counts.problems(plan_year.pk)
            if not problems:
                self.stdout.write(f"{plan_year.year}: ok")
                continue
            self.stdout.write(self.style.ERROR(f"{plan_year.year}: {len(problems)} counts differ"))
            for problem in problems[:50]:
                self.stdout.write(f"  {problem}")
            if len(problems) > 50:
                self.stdout.write(f"  … and {len(problems) - 50} more")
            if repair:
                written = counts.rebuild(plan_year.pk)
                remaining = counts.problems(plan_year.pk)
                self.stdout.write(f"  repaired: {written} counts written")
                if remaining:
                    wrong += 1
            else:
                wrong += 1
        if wrong:
            raise CommandError(f"{wrong} plan year(s) have counts that differ.")
