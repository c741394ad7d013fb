"""Typed values from environment variables, for the settings.

A variable that is unset or blank takes the default; one that cannot be read as its type stops
Django at start-up with ImproperlyConfigured, naming the variable and what it accepts.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

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


def env_secret(name: str, development_value: str, *, required: bool) -> str:
    """A secret such as a signing key: ``development_value`` when unset, unless ``required``,
    when that value, known to everyone who has read the code, is refused."""
    raw = _raw(name)
    if required and raw in (None, development_value):
        raise ImproperlyConfigured(
            f"environment variable {name} must be set to a secret of your own "
            '(the development value is public): python3 -c "import secrets; '
            'print(secrets.token_urlsafe(50))" makes one'
        )
    return development_value if raw is None else raw


#: The periods a rate may be given per, in seconds.
RATE_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def env_rate(name: str) -> tuple[int, int] | None:
    """``30/m``: at most 30 requests a minute (``s``, ``m``, ``h`` or ``d``), as (requests,
    period in seconds); None when unset."""
    raw = _raw(name)
    if raw is None:
        return None
    count, _, period = raw.partition("/")
    if not count.strip().isdigit() or int(count) < 1 or period.strip() not in RATE_PERIODS:
        raise _refused(name, raw, "a rate such as 30/m (per s, m, h or d)")
    return int(count), RATE_PERIODS[period.strip()]


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


def env_postgres(name: str) -> dict[str, Any] | None:
    """``postgres://user:password@host:port/dbname`` as a Django ``DATABASES`` entry; None when
    unset.

    All but the database name may be left out (libpq's defaults apply). A host written with
    ``%2F`` for its slashes is a unix socket directory; query parameters such as
    ``sslmode=require`` go to libpq as they are. A refused value is shown without its password.
    """
    raw = _raw(name)
    if raw is None:
        return None
    parts = urlsplit(raw)
    port = _port(parts)
    database = unquote(parts.path.removeprefix("/"))
    if parts.scheme not in ("postgres", "postgresql") or not database or port is None:
        raise _refused(name, _without_password(parts), "postgres://user:password@host:port/dbname")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": database,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": unquote(_host(parts)),
        "PORT": port,
        "OPTIONS": dict(parse_qsl(parts.query)),
    }


def _port(parts: SplitResult) -> str | None:
    """The port as text, "" when left out; None when it is not a port number."""
    try:
        port = parts.port
    except ValueError:
        return None
    return "" if port is None else str(port)


def _host(parts: SplitResult) -> str:
    """The host as written: ``hostname`` would lower its case, which a socket path keeps."""
    host = parts.netloc.rpartition("@")[2]
    if parts.port is not None:
        host = host.rpartition(":")[0]
    return host.removeprefix("[").removesuffix("]")


def _without_password(parts: SplitResult) -> str:
    if parts.password is None:
        return parts.geturl()
    user = parts.netloc.rpartition("@")[0].partition(":")[0]
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{user}:***@{host}").geturl()


def _raw(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _refused(name: str, raw: str, accepted: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"environment variable {name}={raw!r}: expected {accepted}")
