from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "goals"
    verbose_name = _("Goals")

    def ready(self) -> None:
        post_migrate.connect(global_goals_ensure, sender=self)


def global_goals_ensure(using: str = "default", apps=global_apps, **kwargs) -> None:
    """Agenda 2030's 17 global goals are data a migration ships (0011). A database
    emptied by `flush`, as transactional tests and a reset do, loses them while
    its tables stay migrated; Django then sends post_migrate again, and they are
    put back here, as Django puts back its content types."""
    from goals.agendamodels import GLOBAL_GOALS

    try:
        model = apps.get_model("goals", "GlobalGoal")
    except LookupError:  # migrated to a state before the global goals
        return
    goals = model.objects.using(using)
    if goals.count() == len(GLOBAL_GOALS):
        return
    for number, name, colour in GLOBAL_GOALS:
        goals.update_or_create(number=number, defaults={"name": name, "colour": colour})
