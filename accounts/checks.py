"""System checks run by `manage.py check --deploy`."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from accounts.auth import demo_accounts


@register(Tags.security, deploy=True)
def demo_accounts_off_the_demo(app_configs=None, **kwargs) -> list[Error]:
    """Demo accounts (password "demo") in a database that does not run as a demo."""
    if settings.DEMO:
        return []
    try:
        names = sorted(demo_accounts().values_list("username", flat=True)[:10])
    except DatabaseError:
        return []  # no database yet (before `migrate`): no accounts either
    if not names:
        return []
    return [
        Error(
            f"Demo accounts exist but DEMO is off: {', '.join(names)}.",
            hint=(
                "Their password is 'demo'. Delete them (or the whole demo database), "
                "or set DEMO=1 if this is the demo."
            ),
            id="accounts.E001",
        )
    ]
