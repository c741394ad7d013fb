"""Why a file could not be recognised, as the error code and message every front end shows."""

from __future__ import annotations

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
