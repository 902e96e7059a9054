"""The one place that serialises writes to a plan year's goal tree.

django-mptt keeps the tree as nested sets and rewrites the `lft`/`rght`
columns of many rows on every insert, move and delete, but leaves locking to
its caller: two concurrent inserts into one tree on PostgreSQL leave duplicate
`lft` values. Every tree write therefore runs inside `tree_lock(plan_year_id)`,
which opens a transaction and locks the plan year's row with
`SELECT ... FOR UPDATE`. The lock lives in the database, so it holds across
processes and machines; a second writer to the same year waits until the
first commits, while writes to other years go on in parallel.

SQLite has no `FOR UPDATE`, but the settings open every
transaction with `BEGIN IMMEDIATE`, which takes the database's write lock at
once and so serialises writers just the same.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

_locked_years: ContextVar[frozenset[int]] = ContextVar("locked_years", default=frozenset())


class TreeNotLockedError(RuntimeError):
    """A write to a goal tree was attempted outside `tree_lock`."""


@contextmanager
def tree_lock(plan_year_id: int) -> Iterator[None]:
    """Run the block in a transaction holding the lock on one plan year's tree.

    Inside a block that already holds it, it adds nothing: no savepoint and no
    second query (writes that keep something about the tree, such as the
    roll-up counts, take the lock themselves and are often called under it).
    """
    from goals.models import PlanYear

    held = _locked_years.get()
    if plan_year_id in held and transaction.get_connection().in_atomic_block:
        yield
        return
    with transaction.atomic():
        # Read for its side effect: the row lock, held until commit. Written in
        # SQL, as every tree write runs it first (the ORM took five times as
        # long to build the query as the database to run it).
        connection = transaction.get_connection()
        table = connection.ops.quote_name(PlanYear._meta.db_table)
        for_update = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s{for_update}", [plan_year_id])
            locked = cursor.fetchall()
        if not locked:
            raise PlanYear.DoesNotExist(f"No plan year with id {plan_year_id}.")
        token = _locked_years.set(held | {plan_year_id})
        try:
            yield
        finally:
            _locked_years.reset(token)


def assert_tree_locked(plan_year_id: int | None) -> None:
    if plan_year_id is None or plan_year_id not in _locked_years.get():
        raise TreeNotLockedError(
            "Goal tree writes must go through goals.services, which holds tree_lock()."
        )
