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
    # Hashing passwords properly is slow on purpose; tests need it fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client speaks plain HTTP; tests that need HTTPS ask for it
    # with `secure=True`. Login throttling is tested on its own.
    settings.SECURE_SSL_REDIRECT = False
    settings.AXES_ENABLED = False
    # The suite's periods have fixed dates; the tests of the deadline rule turn it on.
    settings.PERIODS_CLOSE_AT_DEADLINE = False


_DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def _roll_up_counts_stay_right(request: pytest.FixtureRequest):
    """After every test that used the database, the roll-up counts kept for each
    goal equal a fresh count from the tree and the assessments: whatever a
    test wrote, through whatever path, left none of them stale."""
    uses_database = request.node.get_closest_marker("django_db") is not None or bool(
        _DATABASE_FIXTURES & set(request.fixturenames)
    )
    if not uses_database:
        yield
        return
    # Set up the database first, so that it is rolled back only after the check.
    request.getfixturevalue("_django_db_helper")
    yield
    from followup import counts

    wrong = {
        plan_year.year: problems
        for plan_year in PlanYear.objects.all()
        if (problems := counts.problems(plan_year.pk))
    }
    assert not wrong, f"Roll-up counts differ from a fresh count: {wrong}"


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


def _user(username: str, role: str | None, committees=()):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(
        username, email=f"{username}@example.se", password="pw", first_name=username.title()
    )
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    for committee in committees:
        committee.members.add(user)
    return user


@pytest.fixture
def official(db):
    return _user("official", "official")


@pytest.fixture
def secretary(committees):
    """Secretary of BUN."""
    return _user("secretary", "secretary", [committees["bun"]])


@pytest.fixture
def secretary2(committees):
    """Secretary of SN: another committee."""
    return _user("secretary2", "secretary", [committees["sn"]])


@pytest.fixture
def councillor(db):
    return _user("councillor", "councillor")


@pytest.fixture
def auditor(db):
    return _user("auditor", "auditor")


@pytest.fixture
def outsider(db):
    """Logged in, but with no role."""
    return _user("outsider", None)


@pytest.fixture
def councillor_client(client, councillor):
    client.force_login(councillor)
    return client
