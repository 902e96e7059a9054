from django.core.management.base import BaseCommand, CommandError, CommandParser

from goals.integrity import tree_problems, tree_rebuild
from goals.models import PlanYear


class Command(BaseCommand):
    help = (
        "Verify every plan year's goal tree: nested sets, kind rules and committee rules. "
        "With --repair, renumber a broken tree from its parent links."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repair", action="store_true", help="Rebuild broken trees.")
        parser.add_argument("--year", type=int, help="Only this plan year.")

    def handle(self, *args, repair: bool, year: int | None, **options) -> None:
        plan_years = PlanYear.objects.order_by("year")
        if year is not None:
            plan_years = plan_years.filter(year=year)
            if not plan_years.exists():
                raise CommandError(f"No plan year {year}.")
        broken = 0
        for plan_year in plan_years:
            problems = tree_problems(plan_year)
            if not problems:
                self.stdout.write(f"{plan_year.year}: ok")
                continue
            self.stdout.write(self.style.ERROR(f"{plan_year.year}: {len(problems)} problems"))
            for problem in problems:
                self.stdout.write(f"  {problem}")
            if repair:
                changed = tree_rebuild(plan_year)
                remaining = tree_problems(plan_year)
                self.stdout.write(f"  repaired: {changed} nodes renumbered")
                for problem in remaining:
                    self.stdout.write(self.style.WARNING(f"  still wrong: {problem}"))
                if remaining:
                    broken += 1
            else:
                broken += 1
        if broken:
            raise CommandError(f"{broken} plan year(s) have problems.")
