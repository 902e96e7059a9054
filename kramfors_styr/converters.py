"""Path converters that keep impossible numbers out of database queries.

Django's `int` converter takes any run of digits; a 30-digit id then reaches
the database, which answers with an overflow error (a 500) instead of "not
found". These match only what a row can have.
"""


class IdConverter:
    """A primary key: 1 to 18 digits, which always fits a 64-bit integer."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))


class YearConverter:
    """A plan year: four digits."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{int(value):04d}"
