from django.core.management.base import BaseCommand
from django.utils import timezone

from followup.services import periods_close_at_deadline


class Command(BaseCommand):
    help = (
        "Record as closed every follow-up period whose deadline has passed. Input is "
        "refused after the deadline in any case; this writes the closing into each "
        "period's history. Run daily, after midnight."
    )

    def handle(self, *args, **options) -> None:
        closed = periods_close_at_deadline(today=timezone.localdate())
        for period in closed:
            self.stdout.write(f"{period.display_title}: {period.deadline}")
        self.stdout.write(self.style.SUCCESS(f"{len(closed)} periods closed."))
