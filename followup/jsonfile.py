"""JSON from outside (an uploaded or fetched Kolada page, a plan year's backup), read
with limits, so a hostile or damaged file is refused with a Swedish message
instead of exhausting the process.

`read_json` refuses, each with its own message: more bytes than the caller
allows, text that is not UTF-8, nesting deeper than `MAX_DEPTH` (checked before
parsing, so the parser never recurses that deep), a number written with more
than `MAX_NUMBER_LENGTH` characters (Python would otherwise spend quadratic
time on it, or refuse it with a misleading error), NaN and Infinity, invalid
JSON, and optionally a key given twice in one object.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Kolada pages and backups nest five or six levels deep; anything far deeper is
# not one of them.
MAX_DEPTH = 64
# Far more than any measured value or id needs (a 64-bit id has 20 digits).
MAX_NUMBER_LENGTH = 100

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


class _Refused(Exception):
    """Raised inside the parser's hooks; turned into a ValidationError outside it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_json(
    data: bytes,
    *,
    source: str,
    max_bytes: int,
    decimals: bool = False,
    unique_keys: bool = False,
) -> Any:
    """The JSON document in `data`, named `source` in messages; raises ValidationError.

    Numbers with a fraction are Decimals with `decimals`, floats otherwise;
    with `unique_keys` an object that names a key twice is refused.
    """
    check_size(data, source=source, max_bytes=max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("%(source)s is not UTF-8 text.") % {"source": source}) from None
    if _nesting_depth(text) > MAX_DEPTH:
        raise _too_deep(source)
    try:
        return json.loads(
            text,
            parse_int=_number(int, source),
            parse_float=_number(Decimal if decimals else float, source),
            parse_constant=_constant(source),
            object_pairs_hook=_unique_keys(source) if unique_keys else None,
        )
    except _Refused as refused:
        raise ValidationError(refused.message) from None
    except json.JSONDecodeError as error:
        raise ValidationError(
            _("%(source)s is not valid JSON (line %(line)s, column %(column)s).")
            % {"source": source, "line": error.lineno, "column": error.colno}
        ) from None
    except RecursionError:
        raise _too_deep(source) from None


def check_size(data: bytes, *, source: str, max_bytes: int) -> None:
    """Refuse more than `max_bytes` (a reader reads one byte more to know)."""
    if len(data) > max_bytes:
        raise ValidationError(
            _("%(source)s is larger than %(limit)s MB.")
            % {"source": source, "limit": max_bytes // (1024 * 1024)}
        )


def _nesting_depth(text: str) -> int:
    """How deep the arrays and objects of `text` nest, brackets inside strings aside
    (at most one more than MAX_DEPTH: the count stops there)."""
    depth = deepest = 0
    for bracket in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_DEPTH:
                break
    return deepest


def _too_deep(source: str) -> ValidationError:
    return ValidationError(
        _("%(source)s nests more than %(limit)s levels deep.")
        % {"source": source, "limit": MAX_DEPTH}
    )


def _number(convert, source: str):
    def parse(written: str):
        if len(written) > MAX_NUMBER_LENGTH:
            raise _Refused(
                _(
                    "%(source)s contains a number that is too long: %(length)s characters, "
                    "at most %(limit)s are allowed."
                )
                % {"source": source, "length": len(written), "limit": MAX_NUMBER_LENGTH}
            )
        return convert(written)

    return parse


def _constant(source: str):
    def refuse(name: str):
        raise _Refused(
            _("%(source)s contains NaN or Infinity, which are not numbers.") % {"source": source}
        )

    return refuse


def _unique_keys(source: str):
    def build(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise _Refused(
                    _("%(source)s has the key “%(key)s” twice in one object.")
                    % {"source": source, "key": key[:100]}
                )
            result[key] = value
        return result

    return build
