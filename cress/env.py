"""Reading settings from the environment.

Each helper returns the default when the variable is unset or empty, and fails
loudly (ImproperlyConfigured) on a value it cannot parse, so that a typo in a
deployment is caught at start-up rather than behaving as the default.
"""

import os
from datetime import date

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on", "oui"}
_FALSE = {"0", "false", "no", "off", "non"}


def envstr(name: str, default: str = "") -> str:
    value = os.environ.get(name, "").strip()
    return value if value else default


def envbool(name: str, default: bool) -> bool:
    value = envstr(name).lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false).")


def envint(name: str, default: int) -> int:
    value = envstr(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from exc


def envlist(name: str, default: list[str] | None = None) -> list[str]:
    value = envstr(name)
    if not value:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def envintlist(name: str, default: list[int]) -> list[int]:
    """Comma-separated integers (« 90,30 »); fails on an item that is not one."""
    items = envlist(name)
    if not items:
        return list(default)
    try:
        return [int(item) for item in items]
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={envstr(name)!r} is not a list of integers (e.g. 90,30).") from exc


def envdate(name: str) -> date | None:
    """An ISO date (« 2027-06-30 »), or None when the variable is empty."""
    value = envstr(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a date (YYYY-MM-DD).") from exc


def require(name: str, value: str, reason: str) -> str:
    """Refuse to start when a setting that production cannot guess is missing."""
    if not value:
        raise ImproperlyConfigured(f"{name} must be set {reason}.")
    return value
