from django.core.management.base import BaseCommand
from django.utils import timezone

from followup.due import reminders_send


class Command(BaseCommand):
    help = (
        "E-mail committee secretaries what is still unassessed before an open period's "
        "deadline. Run daily; a committee gets at most one reminder a period and day."
    )

    def handle(self, *args, **options) -> None:
        sent = reminders_send(today=timezone.localdate())
        for log in sent:
            self.stdout.write(f"{log.period.display_title}: {log.committee.name}")
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} reminders sent."))
