"""Telling what went wrong when a database or the disk refused a write, in words for a log line."""

from __future__ import annotations

import errno

#: The errors that mean no space is left: the OS's, SQLite's words for them, PostgreSQL's
#: SQLSTATE disk_full.
_NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_SQLITE_FULL = "database or disk is full"
_POSTGRES_DISK_FULL = "53100"


def is_disk_full(error: BaseException) -> bool:
    """Whether ``error``, or what caused it, says that the disk (or the database) is full."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in _NO_SPACE_ERRNOS:
            return True
        if _SQLITE_FULL in str(seen) or getattr(seen, "sqlstate", None) == _POSTGRES_DISK_FULL:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def describe(error: BaseException) -> str:
    """``error``'s kind and message on one line."""
    message = " ".join(str(error).split())
    return f"{type(error).__name__}: {message}" if message else type(error).__name__
