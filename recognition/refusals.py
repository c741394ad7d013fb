"""Why a file could not be recognised, as the error code and message every front end shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import OutputWrapper
from django.db import DatabaseError

from catalog.storage_errors import describe
from fingerprints.errors import AudioError


def refusal(error: Exception) -> tuple[str, str]:
    """The error code and message for a file that could not be recognised."""
    if isinstance(error, AudioError):
        return error.code, str(error)
    if isinstance(error, DatabaseError):
        return "unavailable", f"a database could not be used ({describe(error)})"
    return "server_error", f"the recognition could not finish ({describe(error)})"


def report_refusal(
    error: Exception,
    path: Path,
    elapsed_ms: float,
    *,
    stdout: OutputWrapper,
    stderr: OutputWrapper,
    as_json: bool,
) -> None:
    """A batch command's report of a file it could not use: a line on stderr, and with
    ``as_json`` its ``{"path", "error": {"code", "message"}, "elapsed_ms"}`` on stdout."""
    stderr.write(f"error: {path}: {refusal(error)[1]}")
    if as_json:
        stdout.write(json.dumps(refusal_json(error, str(path), elapsed_ms)))


def refusal_json(error: Exception, path: str, elapsed_ms: float) -> dict[str, Any]:
    """``{"path", "error": {"code", "message"}, "elapsed_ms"}`` for a file that could not be
    used, as ``recognize --json`` and ``timeline --json`` print it."""
    code, message = refusal(error)
    error_body = {"code": code, "message": message}
    return {"path": path, "error": error_body, "elapsed_ms": round(elapsed_ms, 1)}
