"""Model instances from rows of hand-written SQL.

Building a query through the ORM costs about half a millisecond of Python on
the development machine, several times what a small query costs the
database. A page that needs many small reads, such as a goal's page, joins
them in SQL instead and turns each row's parts back into model instances
here (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models


def select_list(model: type[models.Model], alias: str) -> str:
    """The model's concrete columns, qualified by `alias`, for a SELECT."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


def width(model: type[models.Model]) -> int:
    """How many columns `select_list` gives."""
    return len(model._meta.concrete_fields)


def instance[M: models.Model](model: type[M], values: Sequence) -> M | None:
    """The instance whose `select_list` columns are `values`; None when its
    primary key is NULL (an outer join found nothing)."""
    names, pk_index, converters = _plan(model)
    if values[pk_index] is None:
        return None
    if converters:  # values as the database gives them, converted as the ORM would
        values = list(values)
        for index, expression, functions in converters:
            for function in functions:
                values[index] = function(values[index], expression, connection)
    return model.from_db(connection.alias, names, values)


_plans: dict[tuple[str, type[models.Model]], tuple] = {}


def _plan(model: type[models.Model]) -> tuple[list[str], int, list]:
    """The model's field names, its primary key's position, and the converters
    the database backend and each field need (as the ORM's compiler finds them)."""
    key = (connection.vendor, model)
    plan = _plans.get(key)
    if plan is None:
        fields = model._meta.concrete_fields
        names = [field.attname for field in fields]
        converters = []
        for index, field in enumerate(fields):
            expression = field.get_col(model._meta.db_table)
            functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(
                connection
            )
            if functions:
                converters.append((index, expression, functions))
        plan = _plans[key] = (names, names.index(model._meta.pk.attname), converters)
    return plan


def cache_related(instance: models.Model, name: str, related: models.Model | None) -> None:
    """Set the object a foreign key `name` points to, so reading it costs no query."""
    type(instance)._meta.get_field(name).set_cached_value(instance, related)
