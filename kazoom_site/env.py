"""Typed values from environment variables, for the settings.

A variable that is unset or blank takes the default; one that cannot be read as its type stops
Django at start-up with ImproperlyConfigured, naming the variable and what it accepts.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def env_bool(name: str, default: bool) -> bool:
    """1/0, true/false, yes/no or on/off, in any case."""
    raw = _raw(name)
    if raw is None:
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise _refused(name, raw, "1/0, true/false, yes/no or on/off")


def env_int(name: str, default: int) -> int:
    """A whole number, such as 20971520."""
    raw = _raw(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise _refused(name, raw, "a whole number") from None


def env_list(name: str, default: Sequence[str]) -> list[str]:
    """Comma-separated items, each stripped of spaces; empty items are dropped."""
    raw = _raw(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    """A directory or file path, made absolute."""
    raw = _raw(name)
    return (default if raw is None else Path(raw)).resolve()


def env_choice(name: str, default: str, choices: Sequence[str]) -> str:
    """One of ``choices`` (given in upper case), in any case."""
    raw = _raw(name)
    if raw is None:
        return default
    if raw.upper() in choices:
        return raw.upper()
    raise _refused(name, raw, "one of " + ", ".join(choices))


def _raw(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _refused(name: str, raw: str, accepted: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"environment variable {name}={raw!r}: expected {accepted}")
