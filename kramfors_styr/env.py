"""Typed readers of the environment for the settings: each returns the
variable's value or raises ImproperlyConfigured with what was wrong."""

import json
import os
import re

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from None


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_email(name: str, default: str = "") -> str:
    value = env_str(name, default)
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ImproperlyConfigured(
                f"{name} must be an e-mail address, not {value!r}."
            ) from None
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


_ROLE = re.compile(r"official|councillor|auditor|secretary:[-a-zA-Z0-9_]+")


def env_role_map(name: str) -> dict[str, tuple[str, ...]]:
    """A JSON object from directory group to a role or a list of roles."""
    raw = env_str(name)
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a JSON object, not {raw!r}.") from None
    if not isinstance(data, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object from group to role.")
    role_map = {}
    for group, roles in data.items():
        roles = [roles] if isinstance(roles, str) else roles
        if not isinstance(roles, list) or not roles:
            raise ImproperlyConfigured(f"{name}: the group {group!r} needs a role or a list.")
        for role in roles:
            if not isinstance(role, str) or not _ROLE.fullmatch(role):
                raise ImproperlyConfigured(
                    f"{name}: {role!r} (for the group {group!r}) is not a role; use official, "
                    "councillor, auditor or secretary:<committee slug>."
                )
        role_map[group] = tuple(roles)
    return role_map


def url_origin(url: str) -> str:
    scheme, _sep, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"
