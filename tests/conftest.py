"""Fixtures shared by the whole suite: roles, committees and trees built from text."""

from __future__ import annotations

import pytest
from django.conf import settings

from followup.models import Period, PeriodKind
from goals import services
from goals.models import Committee, PlanYear


def pytest_configure(config: pytest.Config) -> None:
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def committees(db) -> dict[str, Committee]:
    """Three committees, by slug."""
    made = {}
    for order, (slug, name, short) in enumerate(
        [
            ("bun", "Barn- och utbildningsnämnden", "BUN"),
            ("sn", "Socialnämnden", "SN"),
            ("ks", "Kommunstyrelsen", "KS"),
        ]
    ):
        made[slug] = Committee.objects.create(slug=slug, name=name, short_name=short, order=order)
    return made


@pytest.fixture
def plan_year(db) -> PlanYear:
    return services.plan_year_create(year=2026)


@pytest.fixture
def periods(plan_year) -> tuple[Period, Period]:
    made = []
    for kind in (PeriodKind.INTERIM, PeriodKind.ANNUAL):
        cutoff, deadline = Period.default_dates(kind, plan_year.year)
        made.append(
            Period.objects.create(
                plan_year=plan_year, kind=kind, cutoff_date=cutoff, deadline=deadline
            )
        )
    return made[0], made[1]
